#include "khata/core/fee_schedule.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

#include "khata/core/decimal.h"
#include "khata/core/error.h"

namespace khata {
namespace {

using nlohmann::json;

constexpr const char* kBelowMinimum = "22K20";
constexpr const char* kAboveMaximum = "22K21";
constexpr const char* kNoRule = "22K22";
constexpr const char* kBadSetting = "22K23";
constexpr const char* kFeeExceedsAmount = "22K24";

Error malformed(const std::string& where, const std::string& what) {
  return Error(sqlstate::kInvalidParameterValue, "fee rule " + where + ": " + what);
}

// A number in a rule: a literal, or a setting scaled by multiply_by / divide_by.
struct Value {
  Ratio literal;
  std::string setting;  // empty for a literal
  Ratio multiply_by{1, 1};
  Ratio divide_by{1, 1};
  std::optional<Ratio> fallback;
};

Ratio parse_ratio(const json& node, const std::string& where) {
  if (node.is_number_unsigned() || node.is_number_integer()) {
    if (node.get<int64_t>() < 0) throw malformed(where, "must not be negative");
    return Ratio(node.get<int64_t>(), 1);
  }
  if (node.is_string()) return Ratio::parse(node.get<std::string>(), "fee rule " + where);
  throw malformed(where, "must be a number");
}

Value parse_value(const json& node, const std::string& where) {
  Value value;
  if (!node.is_object()) {
    value.literal = parse_ratio(node, where);
    return value;
  }
  for (const auto& [key, item] : node.items()) {
    if (key == "setting") {
      if (!item.is_string() || item.get<std::string>().empty())
        throw malformed(where, "\"setting\" must name a setting key");
      value.setting = item.get<std::string>();
    } else if (key == "multiply_by") {
      value.multiply_by = parse_ratio(item, where + ".multiply_by");
    } else if (key == "divide_by") {
      value.divide_by = parse_ratio(item, where + ".divide_by");
      if (value.divide_by.is_zero()) throw malformed(where, "divide_by must not be 0");
    } else if (key == "default") {
      value.fallback = parse_ratio(item, where + ".default");
    } else {
      throw malformed(where, "unknown key \"" + key + "\"");
    }
  }
  if (value.setting.empty()) throw malformed(where, "an object value needs \"setting\"");
  return value;
}

// A flat amount: a literal must already be whole minor units; a setting is checked when read.
Value parse_flat(const json& node, const std::string& where) {
  Value value = parse_value(node, where);
  if (value.setting.empty() && value.literal.den() != 1)
    throw malformed(where, "must be a whole number of minor units");
  return value;
}

int64_t parse_minor(const json& node, const std::string& where) {
  if (!node.is_number_integer() || node.get<int64_t>() < 0)
    throw malformed(where, "must be a non-negative whole number of minor units");
  return node.get<int64_t>();
}

struct Tier {
  std::optional<int64_t> lower;
  bool lower_inclusive = true;
  std::optional<int64_t> upper;
  bool upper_inclusive = true;
  std::optional<Value> flat;
  std::optional<Value> percent;
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  std::optional<Rounding> rounding;

  bool contains(int64_t amount) const {
    if (lower && (lower_inclusive ? amount < *lower : amount <= *lower)) return false;
    if (upper && (upper_inclusive ? amount > *upper : amount >= *upper)) return false;
    return true;
  }
};

struct Commission {
  std::string role;
  std::string from = "platform";
  bool of_fee = false;
  std::optional<Value> flat;
  std::optional<Value> percent;
  Rounding rounding = Rounding::kHalfUp;
};

struct Rule {
  std::string name;
  json when = json::object();
  std::optional<int64_t> min_amount;
  std::optional<int64_t> max_amount;
  bool receiver_pays = false;
  std::string fee_to = "platform";
  Rounding rounding = Rounding::kHalfUp;
  std::vector<Tier> tiers;
  std::vector<Commission> commissions;
};

std::string role_name(const json& node, const std::string& where) {
  if (!node.is_string() || node.get<std::string>().empty())
    throw malformed(where, "must name a role");
  return node.get<std::string>();
}

Tier parse_tier(const json& node, const std::string& where) {
  if (!node.is_object()) throw malformed(where, "must be an object");
  Tier tier;
  for (const auto& [key, item] : node.items()) {
    if (key == "above" || key == "from") {
      if (tier.lower) throw malformed(where, "has both \"above\" and \"from\"");
      tier.lower = parse_minor(item, where + "." += key);
      tier.lower_inclusive = key == "from";
    } else if (key == "up_to" || key == "below") {
      if (tier.upper) throw malformed(where, "has both \"up_to\" and \"below\"");
      tier.upper = parse_minor(item, where + "." += key);
      tier.upper_inclusive = key == "up_to";
    } else if (key == "flat") {
      tier.flat = parse_flat(item, where + ".flat");
    } else if (key == "percent") {
      tier.percent = parse_value(item, where + ".percent");
    } else if (key == "min") {
      tier.min = parse_minor(item, where + ".min");
    } else if (key == "max") {
      tier.max = parse_minor(item, where + ".max");
    } else if (key == "rounding") {
      if (!item.is_string()) throw malformed(where, "rounding must be text");
      tier.rounding = parse_rounding(item.get<std::string>());
    } else {
      throw malformed(where, "unknown key \"" + key + "\"");
    }
  }
  if (tier.min && tier.max && *tier.min > *tier.max) throw malformed(where, "min exceeds max");
  if (tier.lower && tier.upper && *tier.lower > *tier.upper)
    throw malformed(where, "its lower bound exceeds its upper bound");
  return tier;
}

Commission parse_commission(const json& node, const std::string& where) {
  if (!node.is_object()) throw malformed(where, "must be an object");
  Commission commission;
  for (const auto& [key, item] : node.items()) {
    if (key == "role") {
      commission.role = role_name(item, where + ".role");
    } else if (key == "from") {
      commission.from = role_name(item, where + ".from");
    } else if (key == "of") {
      if (item != "amount" && item != "fee") throw malformed(where, "\"of\" is amount or fee");
      commission.of_fee = item == "fee";
    } else if (key == "flat") {
      commission.flat = parse_flat(item, where + ".flat");
    } else if (key == "percent") {
      commission.percent = parse_value(item, where + ".percent");
    } else if (key == "rounding") {
      if (!item.is_string()) throw malformed(where, "rounding must be text");
      commission.rounding = parse_rounding(item.get<std::string>());
    } else {
      throw malformed(where, "unknown key \"" + key + "\"");
    }
  }
  if (commission.role.empty()) throw malformed(where, "needs a \"role\"");
  if (commission.role == commission.from) throw malformed(where, "pays itself");
  return commission;
}

Rule parse_rule(const json& node, size_t index) {
  std::string where = "#" + std::to_string(index + 1);
  if (!node.is_object()) throw malformed(where, "must be an object");
  Rule rule;
  if (auto it = node.find("name"); it != node.end()) {
    if (!it->is_string()) throw malformed(where, "name must be text");
    rule.name = it->get<std::string>();
    where = "\"" + rule.name + "\"";
  }
  bool has_tiers = false;
  for (const auto& [key, item] : node.items()) {
    if (key == "name") continue;
    if (key == "when") {
      if (!item.is_object()) throw malformed(where, "\"when\" must be an object");
      rule.when = item;
    } else if (key == "min_amount") {
      rule.min_amount = parse_minor(item, where + ".min_amount");
    } else if (key == "max_amount") {
      rule.max_amount = parse_minor(item, where + ".max_amount");
    } else if (key == "payer") {
      if (item != "sender" && item != "receiver")
        throw malformed(where, "\"payer\" is sender or receiver");
      rule.receiver_pays = item == "receiver";
    } else if (key == "fee_to") {
      rule.fee_to = role_name(item, where + ".fee_to");
    } else if (key == "rounding") {
      if (!item.is_string()) throw malformed(where, "rounding must be text");
      rule.rounding = parse_rounding(item.get<std::string>());
    } else if (key == "tiers") {
      if (!item.is_array() || item.empty())
        throw malformed(where, "\"tiers\" must be a non-empty array");
      has_tiers = true;
      for (size_t i = 0; i < item.size(); ++i)
        rule.tiers.push_back(parse_tier(item[i], where + ".tiers[" + std::to_string(i) + "]"));
    } else if (key == "commissions") {
      if (!item.is_array()) throw malformed(where, "\"commissions\" must be an array");
      for (size_t i = 0; i < item.size(); ++i)
        rule.commissions.push_back(
            parse_commission(item[i], where + ".commissions[" + std::to_string(i) + "]"));
    } else {
      throw malformed(where, "unknown key \"" + key + "\"");
    }
  }
  if (!has_tiers) rule.tiers.push_back(Tier{});  // no tiers: no fee, at any amount
  if (rule.min_amount && rule.max_amount && *rule.min_amount > *rule.max_amount)
    throw malformed(where, "min_amount exceeds max_amount");
  return rule;
}

std::vector<Rule> parse_rules(const json& rules) {
  if (!rules.is_array()) throw malformed("list", "rules must be a JSON array");
  std::vector<Rule> parsed;
  parsed.reserve(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) parsed.push_back(parse_rule(rules[i], i));
  return parsed;
}

bool matches(const json& when, const json& context) {
  for (const auto& [key, expected] : when.items()) {
    auto it = context.find(key);
    if (it == context.end()) return false;
    if (expected.is_array()) {
      if (std::find(expected.begin(), expected.end(), *it) == expected.end()) return false;
    } else if (*it != expected) {
      return false;
    }
  }
  return true;
}

Ratio resolve(const Value& value, const json& settings, const std::string& where) {
  if (value.setting.empty()) return value.literal;
  Ratio base;
  auto it = settings.find(value.setting);
  if (it != settings.end() && !it->is_null()) {
    if (!it->is_string() && !it->is_number_integer())
      throw Error(kBadSetting, "setting " + value.setting + " is not a number");
    std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    try {
      base = Ratio::parse(text, "setting " + value.setting);
    } catch (const Error& e) {
      throw Error(kBadSetting, e.what(), "read by fee rule " + where);
    }
  } else if (value.fallback) {
    base = *value.fallback;
  } else {
    throw Error(kBadSetting, "setting " + value.setting + " is not set",
                "read by fee rule " + where);
  }
  return base.times(value.multiply_by).divided_by(value.divide_by);
}

int64_t whole_minor(const Ratio& value, const std::string& what) {
  if (value.den() != 1)
    throw Error(kBadSetting,
                what + " must be a whole number of minor units, not " + value.to_string());
  return value.num();
}

std::string money_text(int64_t minor) { return std::to_string(minor); }

}  // namespace

void validate_fee_rules(const json& rules) { parse_rules(rules); }

std::vector<std::string> fee_rule_settings(const json& rules) {
  std::set<std::string> keys;
  auto add = [&](const std::optional<Value>& value) {
    if (value && !value->setting.empty()) keys.insert(value->setting);
  };
  for (const Rule& rule : parse_rules(rules)) {
    for (const Tier& tier : rule.tiers) {
      add(tier.flat);
      add(tier.percent);
    }
    for (const Commission& commission : rule.commissions) {
      add(commission.flat);
      add(commission.percent);
    }
  }
  return {keys.begin(), keys.end()};
}

json quote_fee(const json& rules, int64_t amount, const json& context, const json& settings) {
  if (amount <= 0)
    throw Error(sqlstate::kInvalidParameterValue,
                "amount must be positive, not " + money_text(amount));
  const json& ctx = context.is_object() ? context : json::object();
  const json& conf = settings.is_object() ? settings : json::object();
  std::vector<Rule> parsed = parse_rules(rules);

  auto rule_it = std::find_if(parsed.begin(), parsed.end(),
                              [&](const Rule& r) { return matches(r.when, ctx); });
  if (rule_it == parsed.end())
    throw Error(kNoRule, "no fee rule applies to this operation", "context: " + ctx.dump());
  const Rule& rule = *rule_it;
  size_t rule_index = static_cast<size_t>(rule_it - parsed.begin());
  std::string where = rule.name.empty() ? "#" + std::to_string(rule_index + 1) : rule.name;

  if (rule.min_amount && amount < *rule.min_amount)
    throw Error(
        kBelowMinimum,
        "amount " + money_text(amount) + " is below the minimum of " + money_text(*rule.min_amount),
        "amounts are in minor units");
  if (rule.max_amount && amount > *rule.max_amount)
    throw Error(
        kAboveMaximum,
        "amount " + money_text(amount) + " is above the maximum of " + money_text(*rule.max_amount),
        "amounts are in minor units");

  auto tier_it = std::find_if(rule.tiers.begin(), rule.tiers.end(),
                              [&](const Tier& t) { return t.contains(amount); });
  if (tier_it == rule.tiers.end())
    throw Error(kNoRule, "no fee tier of rule " + where + " covers amount " + money_text(amount));
  const Tier& tier = *tier_it;
  Rounding rounding = tier.rounding.value_or(rule.rounding);

  int64_t fee = 0;
  json percent_text = nullptr;
  if (tier.flat) fee += whole_minor(resolve(*tier.flat, conf, where), "flat fee");
  if (tier.percent) {
    Ratio percent = resolve(*tier.percent, conf, where);
    percent_text = percent.to_string();
    fee += percent_of(amount, percent, rounding);
  }
  if (tier.min) fee = std::max(fee, *tier.min);
  if (tier.max) fee = std::min(fee, *tier.max);
  if (rule.receiver_pays && fee > amount)
    throw Error(kFeeExceedsAmount, "fee " + money_text(fee) + " exceeds the amount " +
                                       money_text(amount) + " it is deducted from");

  int64_t total_debited = rule.receiver_pays ? amount : amount + fee;
  int64_t net_credited = rule.receiver_pays ? amount - fee : amount;

  json legs = json::array();
  legs.push_back({{"role", "sender"}, {"debit", total_debited}});
  legs.push_back({{"role", "receiver"}, {"credit", net_credited}});
  if (fee > 0) legs.push_back({{"role", rule.fee_to}, {"credit", fee}});

  json commissions = json::array();
  for (const Commission& c : rule.commissions) {
    int64_t base = c.of_fee ? fee : amount;
    int64_t value = 0;
    json c_percent = nullptr;
    if (c.flat) value += whole_minor(resolve(*c.flat, conf, where), "flat commission");
    if (c.percent) {
      Ratio percent = resolve(*c.percent, conf, where);
      c_percent = percent.to_string();
      value += percent_of(base, percent, c.rounding);
    }
    commissions.push_back({{"role", c.role},
                           {"from", c.from},
                           {"of", c.of_fee ? "fee" : "amount"},
                           {"percent", c_percent},
                           {"amount", value}});
    if (value > 0) {
      legs.push_back({{"role", c.from}, {"debit", value}});
      legs.push_back({{"role", c.role}, {"credit", value}});
    }
  }

  return {
      {"rule", rule.name.empty() ? json(static_cast<int64_t>(rule_index + 1)) : json(rule.name)},
      {"tier", static_cast<int64_t>(tier_it - rule.tiers.begin() + 1)},
      {"amount", amount},
      {"fee", fee},
      {"percent", percent_text},
      {"rounding", rounding_name(rounding)},
      {"payer", rule.receiver_pays ? "receiver" : "sender"},
      {"fee_to", rule.fee_to},
      {"commissions", commissions},
      {"total_debited", total_debited},
      {"net_credited", net_credited},
      {"legs", legs}};
}

}  // namespace khata
