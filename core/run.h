#ifndef TP_RUN_H
#define TP_RUN_H
#endif
