#ifndef TP_OUTPUT_H
#define TP_OUTPUT_H
#endif
