// Entry points that prove the C++ <-> Postgres error boundary; the pgTAP suite binds them to
// SQL names inside its own transaction, so no installed database exposes them.
#include "khata/pg/convert.h"
#include "khata/pg/guard.h"

extern "C" {
#include "utils/builtins.h"
}

namespace {

int destructors_run = 0;

struct CountsItsDestruction {
  ~CountsItsDestruction() { ++destructors_run; }
};

}  // namespace

// (sqlstate text, message text) RETURNS void: throws a khata::Error from C++.
KHATA_FUNCTION(khata_selftest_raise) {
  throw khata::Error(khata::pg::text_arg(fcinfo, 0), khata::pg::text_arg(fcinfo, 1));
}

// () RETURNS void: Postgres raises 22P02 under a C++ frame that owns an object.
KHATA_FUNCTION(khata_selftest_unwind) {
  CountsItsDestruction owned;
  khata::pg::numeric_datum("not a number");
  PG_RETURN_VOID();
}

// () RETURNS int: how many owned objects were destroyed by unwinding in this backend.
KHATA_FUNCTION(khata_selftest_destructors_run) { PG_RETURN_INT32(destructors_run); }
