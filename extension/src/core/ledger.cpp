#include "khata/core/ledger.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "khata/core/error.h"

namespace khata::ledger {
namespace {

std::string leg_name(size_t index) { return "leg " + std::to_string(index + 1); }

std::string account_name(const Account& a) { return "account " + a.code; }

std::string ref_name(const AccountRef& ref) {
  return ref.code.empty() ? "account id " + std::to_string(ref.id) : "account " + ref.code;
}

int64_t leg_amount(const nlohmann::json& value, size_t index, const char* side) {
  if (value.is_number_unsigned() || value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      throw Error(sqlstate::kBadLegs,
                  leg_name(index) + ": " + side + " is beyond the bigint range");
    const auto amount = value.get<int64_t>();
    if (amount <= 0)
      throw Error(sqlstate::kNonPositiveAmount, leg_name(index) + ": " + side + " amount " +
                                                    std::to_string(amount) + " is not positive");
    return amount;
  }
  throw Error(sqlstate::kBadLegs,
              leg_name(index) + ": " + side + " must be a whole number of minor units",
              "amounts are integers in the currency's minor unit: 18.50 taka is 1850");
}

std::vector<LegInput> parse_legs_json(const nlohmann::json& doc);

}  // namespace

std::optional<AccountType> parse_account_type(std::string_view name) {
  if (name == "asset") return AccountType::kAsset;
  if (name == "liability") return AccountType::kLiability;
  if (name == "equity") return AccountType::kEquity;
  if (name == "income") return AccountType::kIncome;
  if (name == "expense") return AccountType::kExpense;
  return std::nullopt;
}

bool debit_normal(AccountType type) {
  return type == AccountType::kAsset || type == AccountType::kExpense;
}

std::vector<LegInput> parse_legs(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded()) throw Error(sqlstate::kBadLegs, "legs are not valid JSON");
  return parse_legs_json(doc);
}

std::vector<LegInput> parse_legs_doc(const nlohmann::json& doc) { return parse_legs_json(doc); }

std::vector<BatchItem> parse_batch(std::string_view json, size_t max_items) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded()) return parse_batch_doc(nlohmann::json(nullptr), max_items);
  return parse_batch_doc(doc, max_items);
}

std::vector<BatchItem> parse_batch_doc(const nlohmann::json& doc, size_t max_items) {
  if (!doc.is_array())
    throw Error(sqlstate::kBadBatch, "items must be a JSON array of journals",
                R"(e.g. [{"idempotency_key": "k1", "legs": [...]}, ...])");
  if (doc.size() > max_items)
    throw Error(sqlstate::kBadBatch, "a batch holds at most " + std::to_string(max_items) +
                                         " journals, got " + std::to_string(doc.size()));
  std::vector<BatchItem> items(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& item = doc[i];
    BatchItem& out = items[i];
    try {
      if (!item.is_object()) throw Error(sqlstate::kBadBatch, "the item is not an object");
      for (const auto& [key, value] : item.items()) {
        if (key == "idempotency_key" && value.is_string() &&
            !value.get_ref<const std::string&>().empty()) {
          out.idempotency_key = value.get<std::string>();
        } else if (key == "legs") {
          out.legs = parse_legs_json(value);
        } else if (key == "memo" && (value.is_string() || value.is_null())) {
          if (value.is_string()) out.memo = value.get<std::string>();
        } else if (key == "metadata") {
          if (!value.is_null()) out.metadata_json = value.dump();
        } else if (key == "effective_at" && (value.is_string() || value.is_null())) {
          if (value.is_string()) out.effective_at = value.get<std::string>();
        } else {
          throw Error(sqlstate::kBadBatch, "the item has an unexpected field \"" + key + "\"",
                      "an item has idempotency_key, legs, and optionally memo, metadata, "
                      "effective_at");
        }
      }
      if (out.idempotency_key.empty())
        throw Error(sqlstate::kBadBatch, "the item has no idempotency_key");
      if (out.legs.empty()) throw Error(sqlstate::kBadLegs, "the item has no legs");
    } catch (const Error& e) {
      out.error_sqlstate = e.sqlstate();
      out.error_message = e.what();
    }
  }
  return items;
}

namespace {
std::vector<LegInput> parse_legs_json(const nlohmann::json& doc) {
  if (!doc.is_array())
    throw Error(sqlstate::kBadLegs, "legs must be a JSON array of legs",
                R"(e.g. [{"account": "WALLET-1", "debit": 1850}, {"account": 7, "credit": 1850}])");
  if (doc.size() < 2)
    throw Error(sqlstate::kBadLegs,
                "a journal needs at least two legs, got " + std::to_string(doc.size()));
  std::vector<LegInput> legs;
  legs.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& item = doc[i];
    if (!item.is_object()) throw Error(sqlstate::kBadLegs, leg_name(i) + " is not an object");
    LegInput leg;
    for (const auto& [key, value] : item.items()) {
      if (key == "account") {
        if (value.is_number_integer() && value.get<int64_t>() > 0) {
          leg.account.id = value.get<int64_t>();
        } else if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
          leg.account.code = value.get<std::string>();
        } else {
          throw Error(sqlstate::kBadLegs,
                      leg_name(i) + ": account must be an account id or a code");
        }
      } else if (key == "debit" || key == "credit") {
        if (leg.amount != 0)
          throw Error(sqlstate::kBadLegs, leg_name(i) + " has both a debit and a credit");
        const int64_t amount = leg_amount(value, i, key.c_str());
        leg.amount = key == "debit" ? amount : -amount;
      } else if (key == "currency") {
        if (!value.is_string())
          throw Error(sqlstate::kBadLegs, leg_name(i) + ": currency must be a code");
        leg.currency = value.get<std::string>();
      } else {
        throw Error(sqlstate::kBadLegs, leg_name(i) + " has an unknown field \"" + key + "\"",
                    "a leg has account, debit or credit, and optionally currency");
      }
    }
    if (leg.account.id == 0 && leg.account.code.empty())
      throw Error(sqlstate::kBadLegs, leg_name(i) + " names no account");
    if (leg.amount == 0)
      throw Error(sqlstate::kBadLegs, leg_name(i) + " has neither a debit nor a credit");
    legs.push_back(std::move(leg));
  }
  return legs;
}
}  // namespace

AccountsByCode index_by_code(const Accounts& accounts) {
  AccountsByCode by_code;
  for (const auto& [id, account] : accounts) by_code.emplace(account.code, &account);
  return by_code;
}

std::vector<Leg> resolve_legs(const std::vector<LegInput>& legs, const Accounts& accounts) {
  return resolve_legs(legs, accounts, index_by_code(accounts));
}

std::vector<Leg> resolve_legs(const std::vector<LegInput>& legs, const Accounts& accounts,
                              const AccountsByCode& by_code) {
  std::vector<Leg> out;
  out.reserve(legs.size());
  for (const auto& leg : legs) {
    const Account* account = nullptr;
    if (leg.account.id > 0) {
      auto it = accounts.find(leg.account.id);
      if (it != accounts.end()) account = &it->second;
    } else {
      auto it = by_code.find(leg.account.code);
      if (it != by_code.end()) account = it->second;
    }
    if (!account)
      throw Error(sqlstate::kUnknownAccount,
                  ref_name(leg.account) + " does not exist in this book");
    if (leg.currency && *leg.currency != account->currency)
      throw Error(sqlstate::kCurrencyMismatch, "a leg in " + *leg.currency + " names " +
                                                   account_name(*account) + ", which is in " +
                                                   account->currency);
    out.push_back(Leg{account->id, leg.amount});
  }
  return out;
}

void check_journal(const std::vector<Leg>& legs, const Accounts& accounts) {
  std::map<std::string, int64_t> per_currency;
  int64_t debits = 0;
  int64_t credits = 0;
  for (const auto& leg : legs) {
    const Account& account = accounts.at(leg.account_id);
    if (account.closed) throw Error(sqlstate::kClosedAccount, account_name(account) + " is closed");
    auto& sum = per_currency[account.currency];
    sum = add_amounts(sum, leg.amount);
    if (leg.amount > 0)
      debits = add_amounts(debits, leg.amount);
    else
      credits = add_amounts(credits, -leg.amount);
  }
  if (debits != credits)
    throw Error(sqlstate::kUnbalanced, "the journal does not balance: debits " +
                                           std::to_string(debits) + ", credits " +
                                           std::to_string(credits));
  for (const auto& [currency, sum] : per_currency)
    if (sum != 0)
      throw Error(sqlstate::kCurrencyMismatch,
                  "the journal balances only across currencies: " + currency + " is off by " +
                      std::to_string(sum),
                  "each currency's debits must equal its credits; exchange through an account "
                  "per currency");
}

bool same_legs(std::vector<Leg> a, std::vector<Leg> b) {
  if (a.size() != b.size()) return false;
  auto key = [](const Leg& l) { return std::make_pair(l.account_id, l.amount); };
  auto less = [&](const Leg& x, const Leg& y) { return key(x) < key(y); };
  std::sort(a.begin(), a.end(), less);
  std::sort(b.begin(), b.end(), less);
  return std::equal(a.begin(), a.end(), b.begin(),
                    [&](const Leg& x, const Leg& y) { return key(x) == key(y); });
}

Balance& Balance::operator+=(const Balance& d) {
  posted = add_amounts(posted, d.posted);
  pending_out = add_amounts(pending_out, d.pending_out);
  pending_in = add_amounts(pending_in, d.pending_in);
  return *this;
}

Balance posting_effect(AccountType type, int64_t amount) {
  Balance b;
  b.posted = debit_normal(type) ? amount : -amount;
  return b;
}

Balance hold_effect(AccountType type, int64_t amount) {
  const int64_t normal = debit_normal(type) ? amount : -amount;
  Balance b;
  if (normal < 0)
    b.pending_out = -normal;
  else
    b.pending_in = normal;
  return b;
}

Balance negate(const Balance& b) { return Balance{-b.posted, -b.pending_out, -b.pending_in}; }

bool lowers_available(const Balance& effect) { return effect.posted - effect.pending_out < 0; }

std::vector<Balance> spread(const Balance& total, int slots) {
  if (slots < 1) throw Error("XX000", "an account has at least one balance slot");
  const int64_t available = total.available();
  std::vector<Balance> out(static_cast<size_t>(slots), Balance{available / slots, 0, 0});
  out[0].posted += available % slots + total.pending_out;
  out[0].pending_out = total.pending_out;
  out[0].pending_in = total.pending_in;
  return out;
}

void check_overdraft(const Account& account, const Balance& before, const Balance& effect) {
  if (!account.no_overdraft || !lowers_available(effect)) return;
  Balance after = before;
  after += effect;
  if (after.available() >= 0) return;
  const int64_t needed = -(effect.posted - effect.pending_out);
  throw Error(sqlstate::kOverdraft,
              account_name(account) + " has " + std::to_string(before.available()) + " " +
                  account.currency + " available, " + std::to_string(needed) + " needed",
              "the account does not allow an overdraft (posted " + std::to_string(before.posted) +
                  ", held " + std::to_string(before.pending_out) + ")");
}

std::vector<std::pair<int64_t, Balance>> effects_of(const std::vector<Leg>& legs,
                                                    const Accounts& accounts,
                                                    Balance (*effect)(AccountType type,
                                                                      int64_t amount)) {
  std::vector<std::pair<int64_t, Balance>> out;
  for (const auto& leg : legs) {
    const Balance e = effect(accounts.at(leg.account_id).type, leg.amount);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const auto& p) { return p.first == leg.account_id; });
    if (it == out.end())
      out.emplace_back(leg.account_id, e);
    else
      it->second += e;
  }
  return out;
}

std::string quote_json(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 0xF];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int64_t add_amounts(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) throw Error("22003", "amount out of the bigint range");
  return sum;
}

}  // namespace khata::ledger
