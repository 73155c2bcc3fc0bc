#include "unit.h"
static Suite *s(void){return suite_create("x");}
UNIT_MAIN(s)
