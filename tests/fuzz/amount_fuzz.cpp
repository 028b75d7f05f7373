// Any text either parses to minor units that format back to an equal amount, or is refused
// with khata::Error; nothing else may escape.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "khata/core/amount.h"
#include "khata/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (int exponent : {0, 2, 6}) {
    try {
      const int64_t minor = khata::parse_amount(text, exponent);
      if (khata::parse_amount(khata::format_amount(minor, exponent), exponent) != minor) abort();
    } catch (const khata::Error&) {
    }
  }
  return 0;
}
