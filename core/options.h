#ifndef TP_OPTIONS_H
#define TP_OPTIONS_H
#endif
