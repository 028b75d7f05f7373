#include "khata/pg/convert.h"

#include "khata/pg/guard.h"

extern "C" {
#include "utils/builtins.h"
#include "utils/numeric.h"
}

namespace khata::pg {

std::string text_arg(FunctionCallInfo fcinfo, int n) {
  text* t = PG_GETARG_TEXT_PP(n);
  return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

Datum text_datum(std::string_view s) {
  return PointerGetDatum(cstring_to_text_with_len(s.data(), static_cast<int>(s.size())));
}

Datum numeric_datum(const std::string& decimal) {
  return pg_call([&] {
    return DirectFunctionCall3(numeric_in, CStringGetDatum(decimal.c_str()),
                               ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
  });
}

}  // namespace khata::pg
