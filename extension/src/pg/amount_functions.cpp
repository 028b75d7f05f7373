// SQL entry points for khata/core/amount.h.
#include "khata/core/amount.h"
#include "khata/pg/convert.h"
#include "khata/pg/guard.h"

// khata.parse_amount(amount text, exponent int) RETURNS bigint
KHATA_FUNCTION(khata_parse_amount) {
  PG_RETURN_INT64(khata::parse_amount(khata::pg::text_arg(fcinfo, 0), PG_GETARG_INT32(1)));
}

// khata.format_amount(minor bigint, exponent int) RETURNS numeric
KHATA_FUNCTION(khata_format_amount) {
  return khata::pg::numeric_datum(khata::format_amount(PG_GETARG_INT64(0), PG_GETARG_INT32(1)));
}
