// The shared library's one PG_MODULE_MAGIC.
#include "khata/pg/pg_headers.h"

extern "C" {
PG_MODULE_MAGIC;
}
