// Postgres's own headers for the C++ glue. postgres.h must come before any other Postgres
// header, so glue files include this instead of ordering them by hand.
#pragma once

extern "C" {
#include "postgres.h"

#include "fmgr.h"
}
