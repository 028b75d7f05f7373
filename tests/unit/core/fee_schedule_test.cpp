#include "khata/core/fee_schedule.h"

#include <gtest/gtest.h>

#include "khata/core/error.h"
#include "khata/core/json_text.h"

namespace khata {
namespace {

using nlohmann::json;

// The wallet's pricing (spec uiu-cash.md), in minor units (paisa).
const json kSendMoney = parse_json_exact(R"([
  {"name": "send_money", "min_amount": 1000, "max_amount": 2500000,
   "tiers": [{"up_to": 100000, "flat": 0},
             {"above": 100000, "up_to": 500000, "flat": 500},
             {"above": 500000, "flat": 1000}]}])");
const json kCashOut = parse_json_exact(R"([
  {"name": "cash_out", "min_amount": 5000, "max_amount": 2500000,
   "tiers": [{"percent": 1.85}],
   "commissions": [{"role": "agent", "of": "amount",
                    "percent": {"setting": "agent_commission_rate", "default": "1.5"}}]}])");
const json kCashIn = parse_json_exact(R"([
  {"name": "cash_in", "min_amount": 5000, "max_amount": 2500000,
   "commissions": [{"role": "agent",
                    "percent": {"setting": "agent_commission_rate", "divide_by": 10,
                                "default": "1.5"}}]}])");
const json kBankTransfer = parse_json_exact(R"([
  {"name": "agent", "when": {"sender_type": "agent"}, "min_amount": 1000, "max_amount": 10000000},
  {"name": "consumer", "min_amount": 1000, "max_amount": 10000000,
   "tiers": [{"percent": {"setting": "bank_transfer_fee_rate", "default": "1.5"}, "min": 1000}]}])");

int64_t fee(const json& rules, int64_t amount, const json& context = json::object(),
            const json& settings = json::object()) {
  return quote_fee(rules, amount, context, settings)["fee"].get<int64_t>();
}

std::string sqlstate_of(const json& rules, int64_t amount, const json& context = json::object(),
                        const json& settings = json::object()) {
  try {
    quote_fee(rules, amount, context, settings);
  } catch (const Error& e) {
    return e.sqlstate();
  }
  return "none";
}

TEST(SendMoney, FeeFollowsTheThreeTiers) {
  EXPECT_EQ(fee(kSendMoney, 50000), 0);
  EXPECT_EQ(fee(kSendMoney, 100000), 0);
  EXPECT_EQ(fee(kSendMoney, 100001), 500);
  EXPECT_EQ(fee(kSendMoney, 100100), 500);
  EXPECT_EQ(fee(kSendMoney, 500000), 500);
  EXPECT_EQ(fee(kSendMoney, 500100), 1000);
}

TEST(SendMoney, AmountsOutsideTheOperationBoundsAreRefused) {
  EXPECT_EQ(sqlstate_of(kSendMoney, 999), "22K20");
  EXPECT_EQ(sqlstate_of(kSendMoney, 2500001), "22K21");
  EXPECT_EQ(fee(kSendMoney, 2500000), 1000);
  EXPECT_EQ(sqlstate_of(kSendMoney, 0), "22023");
}

TEST(CashOut, Of1000ChargesFee18_50AndPaysAgentCommission15) {
  json quote = quote_fee(kCashOut, 100000, json::object(), json::object());
  EXPECT_EQ(quote["fee"], 1850);
  EXPECT_EQ(quote["percent"], "1.85");
  EXPECT_EQ(quote["total_debited"], 101850);
  EXPECT_EQ(quote["net_credited"], 100000);
  ASSERT_EQ(quote["commissions"].size(), 1u);
  EXPECT_EQ(quote["commissions"][0]["amount"], 1500);
  EXPECT_EQ(quote["commissions"][0]["role"], "agent");
  EXPECT_EQ(quote["commissions"][0]["from"], "platform");
  // sender pays 1018.50; receiver 1000; platform takes 18.50 and pays 15 to the agent.
  EXPECT_EQ(quote["legs"], json::parse(R"([
    {"role": "sender", "debit": 101850}, {"role": "receiver", "credit": 100000},
    {"role": "platform", "credit": 1850},
    {"role": "platform", "debit": 1500}, {"role": "agent", "credit": 1500}])"));
}

TEST(CashOut, CommissionFollowsTheAgentCommissionRateSetting) {
  json settings = {{"agent_commission_rate", "2.0"}};
  json quote = quote_fee(kCashOut, 100000, json::object(), settings);
  EXPECT_EQ(quote["commissions"][0]["amount"], 2000);
  EXPECT_EQ(quote["commissions"][0]["percent"], "2");
  EXPECT_EQ(quote["fee"], 1850);
}

TEST(CashIn, AgentEarnsATenthOfTheCommissionRateAndConsumerPaysNothing) {
  json quote = quote_fee(kCashIn, 100000, json::object(), {{"agent_commission_rate", "1.5"}});
  EXPECT_EQ(quote["fee"], 0);
  EXPECT_EQ(quote["commissions"][0]["amount"], 150);
  EXPECT_EQ(quote["commissions"][0]["percent"], "0.15");
  EXPECT_EQ(quote["total_debited"], 100000);
}

TEST(BankTransfer, ConsumerPays1_5PercentWithA10TakaMinimum) {
  json consumer = {{"sender_type", "consumer"}};
  EXPECT_EQ(fee(kBankTransfer, 500000, consumer), 7500);
  EXPECT_EQ(fee(kBankTransfer, 66700, consumer), 1001);
  EXPECT_EQ(fee(kBankTransfer, 10000, consumer), 1000);
  EXPECT_EQ(quote_fee(kBankTransfer, 500000, consumer, json::object())["total_debited"], 507500);
}

TEST(BankTransfer, AgentsPayNoFee) {
  json quote = quote_fee(kBankTransfer, 500000, {{"sender_type", "agent"}}, json::object());
  EXPECT_EQ(quote["fee"], 0);
  EXPECT_EQ(quote["rule"], "agent");
}

TEST(Rules, TiersHonourStatedInclusivity) {
  json rules = parse_json_exact(R"([{"tiers": [{"below": 1000, "flat": 1},
                                               {"from": 1000, "up_to": 2000, "flat": 2},
                                               {"above": 2000, "flat": 3}]}])");
  EXPECT_EQ(fee(rules, 999), 1);
  EXPECT_EQ(fee(rules, 1000), 2);
  EXPECT_EQ(fee(rules, 2000), 2);
  EXPECT_EQ(fee(rules, 2001), 3);
}

TEST(Rules, AGapBetweenTiersIsNoRule) {
  json rules = parse_json_exact(R"([{"tiers": [{"up_to": 1000, "flat": 1}]}])");
  EXPECT_EQ(sqlstate_of(rules, 1001), "22K22");
}

TEST(Rules, NoMatchingWhenIsNoRule) {
  json rules = parse_json_exact(R"([{"when": {"sender_type": ["agent", "merchant"]}}])");
  EXPECT_EQ(sqlstate_of(rules, 100, {{"sender_type", "consumer"}}), "22K22");
  EXPECT_EQ(fee(rules, 100, {{"sender_type", "merchant"}}), 0);
}

TEST(Rules, MaximumCapsAPercentFee) {
  json rules = parse_json_exact(R"([{"tiers": [{"percent": "2", "flat": 100, "max": 500}]}])");
  EXPECT_EQ(fee(rules, 10000), 300);
  EXPECT_EQ(fee(rules, 100000), 500);
}

TEST(Rules, ReceiverPaysFromTheAmountAndMayNotPayMoreThanIt) {
  json rules = parse_json_exact(R"([{"payer": "receiver", "tiers": [{"flat": 500}]}])");
  json quote = quote_fee(rules, 10000, json::object(), json::object());
  EXPECT_EQ(quote["total_debited"], 10000);
  EXPECT_EQ(quote["net_credited"], 9500);
  EXPECT_EQ(sqlstate_of(rules, 400), "22K24");
}

TEST(Rules, CommissionOfTheFee) {
  json rules = parse_json_exact(
      R"([{"tiers": [{"flat": 1000}], "commissions": [{"role": "partner", "of": "fee", "percent": "10"}]}])");
  EXPECT_EQ(quote_fee(rules, 5000, json::object(), json::object())["commissions"][0]["amount"],
            100);
}

TEST(Rules, AMissingOrNonNumericSettingIsRefused) {
  json rules = parse_json_exact(R"([{"tiers": [{"percent": {"setting": "rate"}}]}])");
  EXPECT_EQ(sqlstate_of(rules, 100), "22K23");
  EXPECT_EQ(sqlstate_of(rules, 100, json::object(), {{"rate", "lots"}}), "22K23");
  EXPECT_EQ(fee(rules, 10000, json::object(), {{"rate", "3"}}), 300);
}

TEST(Rules, AFlatFeeFromASettingMustBeWholeMinorUnits) {
  json rules =
      parse_json_exact(R"([{"tiers": [{"flat": {"setting": "tier_fee", "multiply_by": 100}}]}])");
  EXPECT_EQ(fee(rules, 100, json::object(), {{"tier_fee", "5"}}), 500);
  EXPECT_EQ(sqlstate_of(rules, 100, json::object(), {{"tier_fee", "0.005"}}), "22K23");
}

TEST(Rules, MalformedRulesAreRefusedWithTheirPlace) {
  for (const char* text :
       {R"({"tiers": []})", R"([{"tiers": []}])", R"([{"tiers": [{"flat": -1}]}])",
        R"([{"tiers": [{"percent": "x"}]}])", R"([{"colour": "red"}])",
        R"([{"tiers": [{"above": 5, "from": 5}]}])", R"([{"payer": "bank"}])",
        R"([{"tiers": [{"rounding": "sideways"}]}])", R"([{"commissions": [{"percent": 1}]}])",
        R"([{"min_amount": 10, "max_amount": 5}])", R"([{"tiers": [{"flat": 1.5}]}])"}) {
    try {
      validate_fee_rules(parse_json_exact(text));
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.sqlstate(), "22023") << text;
    }
  }
}

TEST(Rules, ListsTheSettingsTheyRead) {
  EXPECT_EQ(fee_rule_settings(kCashOut), std::vector<std::string>{"agent_commission_rate"});
  EXPECT_EQ(fee_rule_settings(kSendMoney), std::vector<std::string>{});
}

TEST(JsonText, KeepsFractionalNumbersExact) {
  json parsed = parse_json_exact(R"({"a": 1.85, "b": [10.10, 3], "c": "1.5", "d": -2e3})");
  EXPECT_EQ(parsed["a"], "1.85");
  EXPECT_EQ(parsed["b"][0], "10.10");
  EXPECT_EQ(parsed["b"][1], 3);
  EXPECT_EQ(parsed["d"], "-2e3");
  EXPECT_THROW(parse_json_exact("{"), Error);
}

}  // namespace
}  // namespace khata
