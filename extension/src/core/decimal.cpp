#include "khata/core/decimal.h"

#include <limits>
#include <numeric>

#include "khata/core/error.h"

namespace khata {
namespace {

constexpr int kMaxPlaces = 9;

Error out_of_range(const std::string& what) {
  return Error(sqlstate::kNumericValueOutOfRange, what + " is out of range");
}

int64_t narrow(__int128 value, const char* what) {
  if (value > std::numeric_limits<int64_t>::max() || value < std::numeric_limits<int64_t>::min())
    throw out_of_range(what);
  return static_cast<int64_t>(value);
}

Ratio reduced(__int128 num, __int128 den) {
  __int128 a = num;
  __int128 b = den;
  while (b != 0) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  if (a > 1) {
    num /= a;
    den /= a;
  }
  return Ratio(narrow(num, "ratio"), narrow(den, "ratio"));
}

}  // namespace

Rounding parse_rounding(std::string_view name) {
  if (name == "half_up") return Rounding::kHalfUp;
  if (name == "half_even") return Rounding::kHalfEven;
  if (name == "up") return Rounding::kUp;
  if (name == "down") return Rounding::kDown;
  throw Error(sqlstate::kInvalidParameterValue,
              "unknown rounding mode \"" + std::string(name) + "\"", {},
              "use half_up, half_even, up or down");
}

const char* rounding_name(Rounding mode) {
  switch (mode) {
    case Rounding::kHalfUp:
      return "half_up";
    case Rounding::kHalfEven:
      return "half_even";
    case Rounding::kUp:
      return "up";
    case Rounding::kDown:
      return "down";
  }
  return "half_up";
}

Ratio::Ratio(int64_t num, int64_t den) : num_(num), den_(den) {
  if (den <= 0 || num < 0) throw Error(sqlstate::kInvalidParameterValue, "invalid ratio");
  int64_t g = std::gcd(num_, den_);
  if (g > 1) {
    num_ /= g;
    den_ /= g;
  }
}

Ratio Ratio::parse(std::string_view text, std::string_view what) {
  auto invalid = [&] {
    return Error(sqlstate::kInvalidParameterValue,
                 std::string(what) + " must be a non-negative decimal number, not \"" +
                     std::string(text) + "\"",
                 {}, "write it like 1.85, with at most 9 decimal places");
  };
  if (text.empty()) throw invalid();
  int64_t num = 0;
  int64_t den = 1;
  bool seen_point = false;
  int digits = 0;
  int places = 0;
  for (char c : text) {
    if (c == '.') {
      if (seen_point) throw invalid();
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') throw invalid();
    if (seen_point && ++places > kMaxPlaces) throw invalid();
    if (++digits > 18) throw invalid();
    num = num * 10 + (c - '0');
    if (seen_point) den *= 10;
  }
  if (digits == 0) throw invalid();
  return Ratio(num, den);
}

Ratio Ratio::times(const Ratio& other) const {
  return reduced(static_cast<__int128>(num_) * other.num_,
                 static_cast<__int128>(den_) * other.den_);
}

Ratio Ratio::divided_by(const Ratio& other) const {
  if (other.num_ == 0) throw Error(sqlstate::kInvalidParameterValue, "division by zero");
  return reduced(static_cast<__int128>(num_) * other.den_,
                 static_cast<__int128>(den_) * other.num_);
}

bool Ratio::operator<(const Ratio& other) const {
  return static_cast<__int128>(num_) * other.den_ < static_cast<__int128>(other.num_) * den_;
}

std::string Ratio::to_string() const {
  // den divides 10^k for some k <= 9: print as a decimal.
  int64_t scale = 1;
  for (int places = 0; places <= kMaxPlaces; ++places, scale *= 10) {
    if (scale % den_ != 0) continue;
    __int128 scaled = static_cast<__int128>(num_) * (scale / den_);
    std::string digits = std::to_string(static_cast<int64_t>(scaled / scale));
    if (places == 0) return digits;
    std::string frac = std::to_string(static_cast<int64_t>(scaled % scale));
    frac.insert(0, static_cast<size_t>(places) - frac.size(), '0');
    digits += '.';
    digits += frac;
    return digits;
  }
  return std::to_string(num_) + "/" + std::to_string(den_);
}

int64_t divide_rounded(__int128 numerator, __int128 denominator, Rounding mode) {
  __int128 quotient = numerator / denominator;
  __int128 remainder = numerator % denominator;
  if (remainder != 0) {
    switch (mode) {
      case Rounding::kDown:
        break;
      case Rounding::kUp:
        ++quotient;
        break;
      case Rounding::kHalfUp:
        if (remainder * 2 >= denominator) ++quotient;
        break;
      case Rounding::kHalfEven:
        if (remainder * 2 > denominator || (remainder * 2 == denominator && quotient % 2 != 0))
          ++quotient;
        break;
    }
  }
  return narrow(quotient, "amount");
}

int64_t percent_of(int64_t amount, const Ratio& percent, Rounding mode) {
  if (amount < 0) throw Error(sqlstate::kInvalidParameterValue, "amount must not be negative");
  return divide_rounded(static_cast<__int128>(amount) * percent.num(),
                        static_cast<__int128>(percent.den()) * 100, mode);
}

}  // namespace khata
