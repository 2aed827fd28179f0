#ifndef TP_LOADER_H
#define TP_LOADER_H
#endif
