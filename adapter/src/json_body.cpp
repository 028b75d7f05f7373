#include "json_body.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace khatad {
namespace {

using Json = nlohmann::json;

// True when a JSON number's text (as the grammar allows it: sign, digits, point, exponent) is
// of an order of magnitude above max_digits or has more than max_digits after the point.
bool number_out_of_range(std::string_view text, int max_digits) {
  std::size_t at = 0;
  if (at < text.size() && text[at] == '-') ++at;
  long integer_digits = 0;
  bool leading = true;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    if (leading && text[at] == '0') continue;
    leading = false;
    ++integer_digits;
  }
  long fraction_digits = 0;
  if (at < text.size() && text[at] == '.')
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) ++fraction_digits;
  long exponent = 0;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    const bool negative = at < text.size() && text[at] == '-';
    if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
    // Saturates: any exponent past the bound is out of range whatever the digits.
    const long cap = 10L * max_digits + static_cast<long>(text.size());
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at)
      exponent = std::min(cap, exponent * 10 + (text[at] - '0'));
    if (negative) exponent = -exponent;
  }
  return integer_digits + exponent > max_digits || fraction_digits - exponent > max_digits;
}

// Accepts every value and counts the open arrays and objects; a bracket past the limit, a
// number out of range or a string with a NUL ends the parse there.
class BodyCheck : public nlohmann::json_sax<Json> {
 public:
  explicit BodyCheck(std::size_t max_depth) : max_depth_(max_depth) {}
  JsonBody refusal() const { return refusal_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t& text) override {
    return !number_out_of_range(text, kMaxNumberDigits) || refuse(JsonBody::number_out_of_range);
  }
  bool string(string_t& s) override { return without_nul(s); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return open(); }
  bool key(string_t& s) override { return without_nul(s); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  // 406: a number past a double's range, which the parse cannot carry on from.
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    return e.id == 406 ? refuse(JsonBody::number_out_of_range) : false;
  }

 private:
  bool refuse(JsonBody why) {
    refusal_ = why;
    return false;
  }
  bool without_nul(const string_t& s) {
    return s.find('\0') == string_t::npos || refuse(JsonBody::nul_character);
  }
  bool open() { return ++depth_ <= max_depth_ || refuse(JsonBody::too_deep); }
  bool close() {
    --depth_;
    return true;
  }
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  JsonBody refusal_ = JsonBody::malformed;
};

}  // namespace

JsonBody check_json_body(std::string_view text, std::size_t max_depth) {
  BodyCheck sax(max_depth);
  if (Json::sax_parse(text.begin(), text.end(), &sax)) return JsonBody::ok;
  return sax.refusal();
}

}  // namespace khatad
