// The shared library's one PG_MODULE_MAGIC, and what the backend sets when it loads it.
#include <malloc.h>

#include "khata/pg/pg_headers.h"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);

// A posting's statements allocate and free about 140 KB of executor memory, and glibc's
// default gives the top of that back to the kernel at every free (a brk call to shrink,
// another to grow, and fresh pages to fault in): about a tenth of a posting's time. The
// backend keeps up to 8 MB of free heap instead; blocks of 1 MB and more are still mapped
// and returned one by one, so a large sort does not stay resident.
void _PG_init(void) {
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
}
}
