#ifndef TP_SUGGEST_H
#define TP_SUGGEST_H
#endif
