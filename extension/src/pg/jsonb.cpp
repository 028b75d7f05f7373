#include "khata/pg/jsonb.h"

#include <string>
#include <vector>

#include "khata/core/json_text.h"
#include "khata/pg/guard.h"

extern "C" {
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
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

namespace {

// One step of a walk over a jsonb tree. Text points into the jsonb (strings, keys) or into
// palloc'd memory (numbers printed by numeric_out); both live until the call returns.
struct JsonbToken {
  JsonbIteratorToken kind;
  enum jbvType type;
  const char* text;
  int length;
  bool boolean;
};

// A number as nlohmann's lexer reads its text: an integer that fits as such, anything else
// (a fraction, an exponent, an integer too large) as a double.
nlohmann::json number_value(const char* text, int length) {
  // Up to 18 digits always fit: read them here, the rest by the lexer.
  if (length > 0 && length <= 18) {
    int64_t whole = 0;
    int i = 0;
    for (; i < length && text[i] >= '0' && text[i] <= '9'; ++i)
      whole = whole * 10 + (text[i] - '0');
    if (i == length) return static_cast<uint64_t>(whole);
  }
  const std::string number(text, static_cast<size_t>(length));
  nlohmann::json value = nlohmann::json::parse(number, nullptr, false);
  return value.is_discarded() ? nlohmann::json(number) : value;
}

nlohmann::json scalar_value(const JsonbToken& t) {
  switch (t.type) {
    case jbvNull:
      return nullptr;
    case jbvBool:
      return t.boolean;
    case jbvString:
      return std::string(t.text, static_cast<size_t>(t.length));
    case jbvNumeric:
      return number_value(t.text, t.length);
    default:
      return nullptr;
  }
}

}  // namespace

nlohmann::json jsonb_arg_as_parsed(FunctionCallInfo fcinfo, int n) {
  std::vector<JsonbToken> tokens;
  pg_call([&] {
    Jsonb* jb = PG_GETARG_JSONB_P(n);
    JsonbIterator* it = JsonbIteratorInit(&jb->root);
    JsonbValue v;
    JsonbIteratorToken kind;
    while ((kind = JsonbIteratorNext(&it, &v, false)) != WJB_DONE) {
      JsonbToken t{kind, v.type, nullptr, 0, false};
      if (kind == WJB_BEGIN_ARRAY) t.boolean = v.val.array.rawScalar;
      if (v.type == jbvString) {
        t.text = v.val.string.val;
        t.length = v.val.string.len;
      } else if (v.type == jbvNumeric) {
        t.text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
        t.length = static_cast<int>(strlen(t.text));
      } else if (v.type == jbvBool) {
        t.boolean = v.val.boolean;
      }
      tokens.push_back(t);
    }
  });
  // Rebuilt with a stack of the open containers; a raw scalar is a one-element array.
  nlohmann::json root;
  std::vector<nlohmann::json*> open;
  std::string key;
  bool raw_scalar = false;
  auto place = [&](nlohmann::json value) -> nlohmann::json* {
    if (open.empty()) {
      root = std::move(value);
      return &root;
    }
    nlohmann::json& parent = *open.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    nlohmann::json& slot = parent[key];
    slot = std::move(value);
    return &slot;
  };
  for (const auto& t : tokens) {
    switch (t.kind) {
      case WJB_BEGIN_ARRAY:
        if (t.boolean) {
          raw_scalar = true;
          break;
        }
        open.push_back(place(nlohmann::json::array()));
        break;
      case WJB_BEGIN_OBJECT:
        open.push_back(place(nlohmann::json::object()));
        break;
      case WJB_END_ARRAY:
        if (raw_scalar && open.empty()) break;
        open.pop_back();
        break;
      case WJB_END_OBJECT:
        open.pop_back();
        break;
      case WJB_KEY:
        key.assign(t.text, static_cast<size_t>(t.length));
        break;
      case WJB_VALUE:
      case WJB_ELEM:
        place(scalar_value(t));
        break;
      default:
        break;
    }
  }
  return root;
}

Datum jsonb_datum(const nlohmann::json& value) {
  std::string text = value.dump();
  return pg_call([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(text.c_str())); });
}

}  // namespace khata::pg
