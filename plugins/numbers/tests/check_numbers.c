#include <check.h>
#include <stdlib.h>
#include "textpipe/plugin.h"
#include "textpipe/record.h"
const tp_plugin *numbers_LTX_textpipe_plugin(void);
int main(void) { return 0; }
