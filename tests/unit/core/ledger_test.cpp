#include "khata/core/ledger.h"

#include <gtest/gtest.h>

#include "khata/core/error.h"

namespace {

using khata::ledger::Account;
using khata::ledger::Accounts;
using khata::ledger::AccountType;
using khata::ledger::Balance;
using khata::ledger::Leg;

template <typename F>
std::string sqlstate_of(F&& f) {
  try {
    f();
  } catch (const khata::Error& e) {
    return e.sqlstate();
  }
  return "none";
}

Accounts sample_accounts() {
  Accounts accounts;
  accounts[1] = Account{1, "CASH", AccountType::kAsset, "BDT", false, false, 1};
  accounts[2] = Account{2, "W1", AccountType::kLiability, "BDT", true, false, 1};
  accounts[3] = Account{3, "USD", AccountType::kAsset, "USD", false, false, 1};
  accounts[4] = Account{4, "OLD", AccountType::kLiability, "BDT", false, true, 1};
  return accounts;
}

TEST(ParseLegs, DebitsArePositiveCreditsNegative) {
  const auto legs = khata::ledger::parse_legs(
      R"([{"account": "CASH", "debit": 1850}, {"account": 7, "credit": 1850}])");
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(legs[0].account.code, "CASH");
  EXPECT_EQ(legs[0].amount, 1850);
  EXPECT_EQ(legs[1].account.id, 7);
  EXPECT_EQ(legs[1].amount, -1850);
}

TEST(ParseLegs, RefusesMalformedLegsWithTheirOwnSqlstates) {
  using khata::ledger::parse_legs;
  EXPECT_EQ(sqlstate_of([] { parse_legs("not json"); }), "22K07");
  EXPECT_EQ(sqlstate_of([] { parse_legs(R"([{"account": 1, "debit": 5}])"); }), "22K07");
  EXPECT_EQ(
      sqlstate_of([] {
        parse_legs(R"([{"account": 1, "debit": 5, "credit": 5}, {"account": 2, "credit": 5}])");
      }),
      "22K07");
  EXPECT_EQ(sqlstate_of([] {
              parse_legs(R"([{"account": 1, "debit": 1.5}, {"account": 2, "credit": 1.5}])");
            }),
            "22K07");
  EXPECT_EQ(sqlstate_of(
                [] { parse_legs(R"([{"account": 1, "debit": 0}, {"account": 2, "credit": 0}])"); }),
            "22K01");
  EXPECT_EQ(sqlstate_of([] {
              parse_legs(R"([{"account": 1, "debit": -3}, {"account": 2, "credit": 3}])");
            }),
            "22K01");
  EXPECT_EQ(
      sqlstate_of([] {
        parse_legs(
            R"([{"account": 1, "debit": 18446744073709551615}, {"account": 2, "credit": 5}])");
      }),
      "22K07");
  EXPECT_EQ(
      sqlstate_of([] {
        parse_legs(R"([{"account": 1, "debit": 5, "side": "x"}, {"account": 2, "credit": 5}])");
      }),
      "22K07");
}

TEST(CheckJournal, BalancedPerCurrencyOpenAccounts) {
  const auto accounts = sample_accounts();
  using khata::ledger::check_journal;
  EXPECT_EQ(sqlstate_of([&] { check_journal({{1, 100}, {2, -100}}, accounts); }), "none");
  EXPECT_EQ(sqlstate_of([&] { check_journal({{1, 100}, {2, -99}}, accounts); }), "22K05");
  EXPECT_EQ(sqlstate_of([&] { check_journal({{3, 100}, {2, -100}}, accounts); }), "22K04");
  EXPECT_EQ(sqlstate_of([&] { check_journal({{1, 100}, {4, -100}}, accounts); }), "22K03");
  EXPECT_EQ(sqlstate_of([&] {
              check_journal({{1, INT64_MAX}, {1, 1}, {2, -1}}, accounts);
            }),
            "22003");
}

TEST(ResolveLegs, UnknownAccountsAndStatedCurrencies) {
  const auto accounts = sample_accounts();
  khata::ledger::LegInput by_code{{0, "W1"}, -5, std::nullopt};
  khata::ledger::LegInput by_id{{1, ""}, 5, std::string("BDT")};
  const auto legs = khata::ledger::resolve_legs({by_code, by_id}, accounts);
  EXPECT_EQ(legs[0].account_id, 2);
  EXPECT_EQ(legs[1].account_id, 1);
  khata::ledger::LegInput unknown{{0, "NOPE"}, 5, std::nullopt};
  EXPECT_EQ(sqlstate_of([&] { khata::ledger::resolve_legs({unknown}, accounts); }), "22K02");
  khata::ledger::LegInput wrong_currency{{1, ""}, 5, std::string("USD")};
  EXPECT_EQ(sqlstate_of([&] { khata::ledger::resolve_legs({wrong_currency}, accounts); }), "22K04");
}

TEST(Effects, NormalSideSigns) {
  EXPECT_EQ(khata::ledger::posting_effect(AccountType::kLiability, -500).posted, 500);
  EXPECT_EQ(khata::ledger::posting_effect(AccountType::kAsset, -500).posted, -500);
  const Balance hold_out = khata::ledger::hold_effect(AccountType::kLiability, 500);
  EXPECT_EQ(hold_out.pending_out, 500);
  EXPECT_TRUE(khata::ledger::lowers_available(hold_out));
  const Balance hold_in = khata::ledger::hold_effect(AccountType::kLiability, -500);
  EXPECT_EQ(hold_in.pending_in, 500);
  EXPECT_FALSE(khata::ledger::lowers_available(hold_in));
}

TEST(Overdraft, NoOverdraftAccountStopsAtZeroAvailable) {
  const auto accounts = sample_accounts();
  const Account& wallet = accounts.at(2);
  const Balance before{1000, 300, 0};  // 700 available
  const auto debit = [](int64_t amount) {
    return khata::ledger::posting_effect(AccountType::kLiability, amount);
  };
  EXPECT_EQ(sqlstate_of([&] { khata::ledger::check_overdraft(wallet, before, debit(700)); }),
            "none");
  EXPECT_EQ(sqlstate_of([&] { khata::ledger::check_overdraft(wallet, before, debit(701)); }),
            "22K06");
  EXPECT_EQ(
      sqlstate_of([&] { khata::ledger::check_overdraft(accounts.at(1), before, debit(5000)); }),
      "none");
}

TEST(Spread, SlotsSumToTheTotalAndEachCoversItsShare) {
  const Balance total{1003, 300, 40};  // 703 available
  const auto slots = khata::ledger::spread(total, 4);
  ASSERT_EQ(slots.size(), 4U);
  Balance sum;
  for (const auto& s : slots) {
    sum += s;
    EXPECT_GE(s.available(), 175);
  }
  EXPECT_EQ(sum.posted, 1003);
  EXPECT_EQ(sum.pending_out, 300);
  EXPECT_EQ(sum.pending_in, 40);
  EXPECT_EQ(slots[0].available(), 178);  // the share and the remainder of 3
  EXPECT_EQ(slots[0].pending_out, 300);
  EXPECT_EQ(slots[3].pending_out, 0);
}

TEST(Spread, OneSlotIsTheTotalAndNoSlotIsRefused) {
  const auto one = khata::ledger::spread(Balance{50, 20, 5}, 1);
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].posted, 50);
  EXPECT_EQ(one[0].pending_out, 20);
  EXPECT_EQ(one[0].pending_in, 5);
  EXPECT_EQ(sqlstate_of([] { khata::ledger::spread(Balance{}, 0); }), "XX000");
}

TEST(SameLegs, OrderDoesNotMatter) {
  EXPECT_TRUE(khata::ledger::same_legs({{1, 5}, {2, -5}}, {{2, -5}, {1, 5}}));
  EXPECT_FALSE(khata::ledger::same_legs({{1, 5}, {2, -5}}, {{1, 6}, {2, -6}}));
}

TEST(ParseBatch, BadItemsCarryTheirErrorAlone) {
  const auto items = khata::ledger::parse_batch(
      R"([{"idempotency_key": "a", "legs": [{"account": 1, "debit": 5}, {"account": 2, "credit": 5}]},
          {"legs": [{"account": 1, "debit": 5}, {"account": 2, "credit": 5}]},
          {"idempotency_key": "c", "legs": [{"account": 1, "debit": 0}, {"account": 2, "credit": 0}]}])",
      100);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].error_sqlstate, "");
  EXPECT_EQ(items[1].error_sqlstate, "22K16");
  EXPECT_EQ(items[2].error_sqlstate, "22K01");
  EXPECT_EQ(sqlstate_of([] { khata::ledger::parse_batch("{}", 10); }), "22K16");
  EXPECT_EQ(sqlstate_of([] { khata::ledger::parse_batch("[1, 2, 3]", 2); }), "22K16");
}

TEST(QuoteJson, EscapesQuotesAndControls) {
  EXPECT_EQ(khata::ledger::quote_json("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
}

}  // namespace
