#ifndef TP_RENDER_H
#define TP_RENDER_H
#endif
