// The shared library's one PG_MODULE_MAGIC.
extern "C" {
#include "fmgr.h"
#include "postgres.h"

PG_MODULE_MAGIC;
}
