#include "khata/pg/jsonb.h"

#include <string>

#include "khata/core/json_text.h"
#include "khata/pg/guard.h"

extern "C" {
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
}

namespace khata::pg {

nlohmann::json jsonb_arg(FunctionCallInfo fcinfo, int n, const nlohmann::json& fallback) {
  if (PG_ARGISNULL(n)) return fallback;
  std::string text = pg_call([&] {
    Jsonb* jb = PG_GETARG_JSONB_P(n);
    char* out = JsonbToCString(nullptr, &jb->root, static_cast<int>(VARSIZE(jb)));
    std::string copy(out);
    pfree(out);
    return copy;
  });
  return parse_json_exact(text);
}

Datum jsonb_datum(const nlohmann::json& value) {
  std::string text = value.dump();
  return pg_call([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(text.c_str())); });
}

}  // namespace khata::pg
