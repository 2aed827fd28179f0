#ifndef TP_HTML_H
#define TP_HTML_H
#endif
