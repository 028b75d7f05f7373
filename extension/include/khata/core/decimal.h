// Exact decimal ratios for money math: a percentage such as "1.85" is kept as 185/100, never
// as a double, and applied to minor units with an explicit rounding mode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace khata {

enum class Rounding { kHalfUp, kHalfEven, kUp, kDown };

// "half_up" (the default), "half_even", "up", "down"; raises 22023 on anything else.
Rounding parse_rounding(std::string_view name);
const char* rounding_name(Rounding mode);

// A non-negative rational number num/den with den > 0, kept reduced.
class Ratio {
 public:
  Ratio() = default;
  Ratio(int64_t num, int64_t den);

  // Exact decimal text: digits with at most 9 decimal places ("1.85", "0", "12").
  // Raises 22023 with `what` in the message when the text is not such a number.
  static Ratio parse(std::string_view text, std::string_view what);

  int64_t num() const { return num_; }
  int64_t den() const { return den_; }
  bool is_zero() const { return num_ == 0; }

  Ratio times(const Ratio& other) const;
  Ratio divided_by(const Ratio& other) const;
  bool operator==(const Ratio& other) const { return num_ == other.num_ && den_ == other.den_; }
  bool operator<(const Ratio& other) const;

  // Shortest decimal text when the ratio has one within 9 places, else "num/den".
  std::string to_string() const;

 private:
  int64_t num_ = 0;
  int64_t den_ = 1;
};

// round(amount * percent / 100) in minor units; raises 22003 when it does not fit.
int64_t percent_of(int64_t amount, const Ratio& percent, Rounding mode);

// round(numerator / denominator) for a non-negative numerator and positive denominator.
int64_t divide_rounded(__int128 numerator, __int128 denominator, Rounding mode);

}  // namespace khata
