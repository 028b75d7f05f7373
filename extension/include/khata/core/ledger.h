// The double-entry rules of the ledger, without storage: legs as JSON, validation of a
// journal against its accounts, the balance effect of posting and holding, the overdraft rule.
// The glue in extension/src/pg/ledger_*.cpp reads and writes the tables around these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace khata::ledger {

// SQLSTATEs of the ledger (README.md, "Errors").
namespace sqlstate {
inline constexpr const char* kNonPositiveAmount = "22K01";
inline constexpr const char* kUnknownAccount = "22K02";
inline constexpr const char* kClosedAccount = "22K03";
inline constexpr const char* kCurrencyMismatch = "22K04";
inline constexpr const char* kUnbalanced = "22K05";
inline constexpr const char* kOverdraft = "22K06";
inline constexpr const char* kBadLegs = "22K07";
inline constexpr const char* kUnknownBook = "22K08";
inline constexpr const char* kUnknownCurrency = "22K09";
inline constexpr const char* kBadAccount = "22K10";
inline constexpr const char* kUnknownJournal = "22K11";
inline constexpr const char* kNotAHold = "22K12";
inline constexpr const char* kAmountExceedsHold = "22K13";
inline constexpr const char* kNotReversible = "22K14";
inline constexpr const char* kAccountNotEmpty = "22K15";
inline constexpr const char* kBadBatch = "22K16";
inline constexpr const char* kIdempotencyConflict = "23K01";
inline constexpr const char* kAppendOnly = "23K02";
inline constexpr const char* kHoldNotPending = "23K03";
inline constexpr const char* kAlreadyReversed = "23K04";
inline constexpr const char* kDuplicateCode = "23K05";
inline constexpr const char* kSerializationFailure = "40001";
}  // namespace sqlstate

enum class AccountType : std::uint8_t { kAsset, kLiability, kEquity, kIncome, kExpense };

// "asset", "liability", "equity", "income", "expense"; nullopt for anything else.
std::optional<AccountType> parse_account_type(std::string_view name);
// Assets and expenses grow with debits; liabilities, equity and income with credits.
bool debit_normal(AccountType type);

// What a leg names: an account id, or its code in the journal's book.
struct AccountRef {
  int64_t id = 0;    // > 0 when named by id
  std::string code;  // non-empty when named by code
};

// A leg as written: amount > 0 on its side.
struct LegInput {
  AccountRef account;
  int64_t amount = 0;  // signed: debit > 0, credit < 0
  std::optional<std::string> currency;
};

// [{"account": 12 | "CODE", "debit": 1850 | "credit": 1850, "currency"?: "BDT"}, ...], at
// least two legs. Throws 22K07 (shape) or 22K01 (an amount that is not > 0).
std::vector<LegInput> parse_legs(std::string_view json);
// The same from a parsed document (the glue reads jsonb into one without printing it).
std::vector<LegInput> parse_legs_doc(const nlohmann::json& doc);

// One item of a batch (khata.post_journals): parsed, or the error that refuses it alone.
struct BatchItem {
  std::string idempotency_key;
  std::vector<LegInput> legs;
  std::optional<std::string> memo;
  std::optional<std::string> metadata_json;
  std::optional<std::string> effective_at;
  std::string error_sqlstate;  // empty when the item parsed
  std::string error_message;
};

// [{"idempotency_key": "k1", "legs": [...], "memo"?, "metadata"?, "effective_at"?}, ...].
// Throws 22K16 when the whole is not an array of at most max_items; a bad item only carries
// its error.
std::vector<BatchItem> parse_batch(std::string_view json, size_t max_items);
std::vector<BatchItem> parse_batch_doc(const nlohmann::json& doc, size_t max_items);

struct Account {
  int64_t id = 0;
  std::string code;
  AccountType type = AccountType::kAsset;
  std::string currency;
  bool no_overdraft = false;
  bool closed = false;
  int slots = 1;  // sub-balance rows; > 1 for a hot account
};

using Accounts = std::unordered_map<int64_t, Account>;

// A leg with its account resolved: amount signed, debit > 0.
struct Leg {
  int64_t account_id = 0;
  int64_t amount = 0;
};

// Resolves refs against accounts (those of the journal's book, by id and by code):
// 22K02 when one is missing, 22K04 when a leg's stated currency differs from its account's.
std::vector<Leg> resolve_legs(const std::vector<LegInput>& legs, const Accounts& accounts);

// The accounts by code, built once for a batch whose items all resolve against one map.
using AccountsByCode = std::unordered_map<std::string_view, const Account*>;
AccountsByCode index_by_code(const Accounts& accounts);
std::vector<Leg> resolve_legs(const std::vector<LegInput>& legs, const Accounts& accounts,
                              const AccountsByCode& by_code);

// Every account open (22K03), debits = credits in each currency (22K05; 22K04 when the
// journal balances only across currencies).
void check_journal(const std::vector<Leg>& legs, const Accounts& accounts);

// Same legs in any order.
bool same_legs(std::vector<Leg> a, std::vector<Leg> b);

// A balance in the account's normal side: posted, and the holds against it (pending_out)
// and in its favour (pending_in). Available = posted - pending_out.
struct Balance {
  int64_t posted = 0;
  int64_t pending_out = 0;
  int64_t pending_in = 0;
  int64_t available() const { return posted - pending_out; }
  int64_t pending() const { return pending_in - pending_out; }
  Balance& operator+=(const Balance& d);
};

// The effect of one leg (signed amount, debit > 0) on its account's balance.
Balance posting_effect(AccountType type, int64_t amount);
Balance hold_effect(AccountType type, int64_t amount);
Balance negate(const Balance& b);

// True when the effect may take the account's available balance down: on a no_overdraft
// account such a leg is checked against a sub-balance that covers it by itself, or against
// every sub-balance of the account.
bool lowers_available(const Balance& effect);

// A total split over `slots` sub-balances (slots >= 1): the available balance in equal shares
// (the remainder in slot 0), the holds in slot 0. The slots sum to the total, and when the
// total's available balance is not negative, neither is any slot's.
std::vector<Balance> spread(const Balance& total, int slots);

// 22K06 when applying effect to a no_overdraft account takes its available balance below 0.
void check_overdraft(const Account& account, const Balance& before, const Balance& effect);

// The effect of each leg on its account, summed per account, in first-touched order.
std::vector<std::pair<int64_t, Balance>> effects_of(const std::vector<Leg>& legs,
                                                    const Accounts& accounts,
                                                    Balance (*effect)(AccountType type,
                                                                      int64_t amount));

// A JSON string literal for text: quote_json("a\"b") is "\"a\\\"b\"".
std::string quote_json(std::string_view text);

// Checked int64 addition: 22003 on overflow.
int64_t add_amounts(int64_t a, int64_t b);

}  // namespace khata::ledger
