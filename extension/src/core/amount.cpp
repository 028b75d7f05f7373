#include "khata/core/amount.h"

#include <limits>

#include "khata/core/error.h"

namespace khata {
namespace {

constexpr int kMaxExponent = 6;

void check_exponent(int exponent) {
  if (exponent < 0 || exponent > kMaxExponent)
    throw Error(sqlstate::kInvalidParameterValue,
                "minor-unit exponent must be between 0 and " + std::to_string(kMaxExponent),
                "exponent " + std::to_string(exponent));
}

}  // namespace

int64_t parse_amount(std::string_view text, int exponent) {
  check_exponent(exponent);
  const std::string shown(text);
  auto malformed = [&] {
    return Error(sqlstate::kInvalidTextRepresentation, "invalid amount: \"" + shown + "\"", {},
                 "write an amount as digits with an optional decimal point, e.g. 18.50");
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  // Accumulate as a negative number so that INT64_MIN parses too.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  int64_t acc = 0;
  int int_digits = 0, frac_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') throw malformed();
    if (seen_point && ++frac_digits > exponent) {
      if (c == '0') continue;  // trailing zeros beyond the exponent are exact: 10.100
      throw Error(
          sqlstate::kInvalidParameterValue,
          "amount \"" + shown + "\" has more than " + std::to_string(exponent) + " decimal places");
    }
    if (!seen_point) ++int_digits;
    const int d = c - '0';
    if (acc < (kMin + d) / 10)
      throw Error(sqlstate::kNumericValueOutOfRange, "amount \"" + shown + "\" is out of range");
    acc = acc * 10 - d;
  }
  if (int_digits + frac_digits == 0) throw malformed();
  for (int k = std::min(frac_digits, exponent); k < exponent; ++k) {
    if (acc < kMin / 10)
      throw Error(sqlstate::kNumericValueOutOfRange, "amount \"" + shown + "\" is out of range");
    acc *= 10;
  }
  if (negative) return acc;
  if (acc == kMin)
    throw Error(sqlstate::kNumericValueOutOfRange, "amount \"" + shown + "\" is out of range");
  return -acc;
}

std::string format_amount(int64_t minor, int exponent) {
  check_exponent(exponent);
  const bool negative = minor < 0;
  // Work in unsigned to format INT64_MIN without overflow.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (static_cast<int>(digits.size()) <= exponent)
    digits.insert(0, exponent + 1 - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - exponent);
  std::string frac = digits.substr(digits.size() - exponent);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out = negative ? "-" + whole : whole;
  if (!frac.empty()) out += "." + frac;
  return out;
}

}  // namespace khata
