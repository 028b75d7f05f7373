#include "json_body.h"

#include <nlohmann/json.hpp>
#include <string>

namespace khatad {
namespace {

using Json = nlohmann::json;

// Accepts every value and counts the open arrays and objects; refusing one past the limit
// ends the parse there.
class DepthLimit : public nlohmann::json_sax<Json> {
 public:
  explicit DepthLimit(std::size_t max_depth) : max_depth_(max_depth) {}
  bool too_deep() const { return too_deep_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return open(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool open() {
    if (++depth_ <= max_depth_) return true;
    too_deep_ = true;
    return false;
  }
  bool close() {
    --depth_;
    return true;
  }
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

JsonBody check_json_body(std::string_view text, std::size_t max_depth) {
  DepthLimit sax(max_depth);
  if (Json::sax_parse(text.begin(), text.end(), &sax)) return JsonBody::ok;
  return sax.too_deep() ? JsonBody::too_deep : JsonBody::malformed;
}

}  // namespace khatad
