// Any rules text either prices an amount into a quote whose legs balance and whose fee obeys
// the payer's bounds, or is refused with khata::Error; nothing else may escape.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "khata/core/error.h"
#include "khata/core/fee_schedule.h"
#include "khata/core/json_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::json rules;
  try {
    rules = khata::parse_json_exact(text);
  } catch (const khata::Error&) {
    return 0;
  }
  const nlohmann::json context = {{"sender_type", "consumer"}};
  const nlohmann::json settings = {{"rate", "1.5"}, {"bad", "x"}};
  for (int64_t amount : {int64_t{1}, int64_t{66700}, int64_t{100000}, INT64_MAX / 2}) {
    try {
      nlohmann::json quote = khata::quote_fee(rules, amount, context, settings);
      __int128 balance = 0;
      for (const auto& leg : quote["legs"]) {
        if (leg.contains("debit")) balance += leg["debit"].get<int64_t>();
        if (leg.contains("credit")) balance -= leg["credit"].get<int64_t>();
      }
      if (balance != 0) abort();
      if (quote["fee"].get<int64_t>() < 0) abort();
      if (quote["net_credited"].get<int64_t>() < 0) abort();
    } catch (const khata::Error&) {
    }
  }
  return 0;
}
