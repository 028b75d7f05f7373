#include "khata/core/json_text.h"

#include <string>

#include "khata/core/error.h"

namespace khata {

nlohmann::json parse_json_exact(std::string_view text) {
  // Quote every number token that has a '.', 'e' or 'E', outside strings.
  std::string quoted;
  quoted.reserve(text.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      quoted += c;
      if (c == '\\' && i + 1 < text.size()) {
        quoted += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      quoted += c;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = i;
      bool fractional = false;
      while (end < text.size() &&
             (text[end] == '-' || text[end] == '+' || text[end] == '.' || text[end] == 'e' ||
              text[end] == 'E' || (text[end] >= '0' && text[end] <= '9'))) {
        fractional = fractional || text[end] == '.' || text[end] == 'e' || text[end] == 'E';
        ++end;
      }
      std::string_view token = text.substr(i, end - i);
      if (fractional) {
        quoted += '"';
        quoted += token;
        quoted += '"';
      } else {
        quoted += token;
      }
      i = end - 1;
      continue;
    }
    quoted += c;
  }
  nlohmann::json parsed = nlohmann::json::parse(quoted, nullptr, false);
  if (parsed.is_discarded()) throw Error(sqlstate::kInvalidTextRepresentation, "malformed JSON");
  return parsed;
}

}  // namespace khata
