#ifndef TP_PIPELINE_H
#define TP_PIPELINE_H
#endif
