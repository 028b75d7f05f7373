// The fee and commission engine: an operation's pricing rules, as stored in
// khata.fee_rules, quoted for an amount, a context (who pays, which kind of user) and the
// book's settings. Pure C++: the SQL wrappers are khata.evaluate_fee and khata.quote.
//
// Rules are tried in order; the first whose `when` matches the context prices the amount:
//   {"name": "consumer", "when": {"sender_type": "consumer"},
//    "min_amount": 1000, "max_amount": 10000000,          -- per-operation bounds, minor units
//    "payer": "sender" | "receiver", "fee_to": "platform",
//    "tiers": [{"up_to": 100000, "flat": 0},               -- bounds: above/from, up_to/below
//              {"above": 100000, "percent": "1.5", "min": 1000, "max": 50000,
//               "rounding": "half_up"}],
//    "commissions": [{"role": "agent", "from": "platform", "of": "amount" | "fee",
//                     "percent": {"setting": "agent_commission_rate", "divide_by": "10",
//                                 "default": "1.5"}}]}
// Amounts are minor units; a percent or a setting-derived value is an exact decimal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace khata {

// Quotes `amount` (minor units) under `rules` (a JSON array of rules). `settings` is an
// object from setting key to its text value. Raises 22K20/22K21 (below min/above max), 22K22
// (no rule or tier applies), 22K23 (a rule's setting missing or not a number), 22K24 (fee
// exceeds an amount the receiver pays it from), 22023 (malformed rules).
nlohmann::json quote_fee(const nlohmann::json& rules, int64_t amount, const nlohmann::json& context,
                         const nlohmann::json& settings);

// Checks that `rules` is well formed (the fee_rules trigger calls it); raises 22023.
void validate_fee_rules(const nlohmann::json& rules);

// The setting keys that `rules` reads, sorted and without duplicates.
std::vector<std::string> fee_rule_settings(const nlohmann::json& rules);

}  // namespace khata
