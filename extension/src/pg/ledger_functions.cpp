// SQL entry points of the posting path: post_journal, hold, post_pending, void_pending and
// expiry, reverse_journal, post_journals, and the priced posting (post_priced, spend). Each is
// one SPI session: resolve accounts, check idempotency, lock balance rows in order, check
// overdrafts, update, insert.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

// Before the Postgres headers, whose snprintf macro it cannot take.
#include <nlohmann/json.hpp>

#include "khata/core/error.h"
#include "khata/core/fee_schedule.h"
#include "khata/core/json_text.h"
#include "khata/core/ledger.h"
#include "khata/pg/convert.h"
#include "khata/pg/guard.h"
#include "khata/pg/jsonb.h"
#include "khata/pg/ledger_store.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
}

namespace {

namespace ledger = khata::ledger;
namespace state = khata::ledger::sqlstate;
using khata::Error;
using khata::pg::LedgerSession;
using khata::pg::PendingJournal;
using khata::pg::pg_call;

constexpr size_t kMaxBatch = 10000;

std::string jsonb_text(FunctionCallInfo fcinfo, int n) {
  return pg_call(
      [&] { return DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(n))); });
}

Datum jsonb_result(const std::string& json) {
  return pg_call([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
}

int64_t book_arg(FunctionCallInfo fcinfo) {
  if (PG_ARGISNULL(0)) throw Error(state::kUnknownBook, "the book is NULL");
  return PG_GETARG_INT64(0);
}

std::string key_arg(FunctionCallInfo fcinfo, int n) {
  if (PG_ARGISNULL(n) || khata::pg::text_arg(fcinfo, n).empty())
    throw Error("22023", "an idempotency key is required",
                "a repeat with the same key returns the first result and posts nothing");
  return khata::pg::text_arg(fcinfo, n);
}

std::vector<ledger::LegInput> legs_arg(FunctionCallInfo fcinfo, int n) {
  if (PG_ARGISNULL(n)) throw Error(state::kBadLegs, "legs are NULL");
  return ledger::parse_legs_doc(khata::pg::jsonb_arg_as_parsed(fcinfo, n));
}

void optional_args(FunctionCallInfo fcinfo, int memo, int metadata, PendingJournal& j) {
  if (!PG_ARGISNULL(memo)) j.memo = khata::pg::text_arg(fcinfo, memo);
  if (!PG_ARGISNULL(metadata)) j.metadata_json = jsonb_text(fcinfo, metadata);
}

std::vector<int64_t> touched(const PendingJournal& j) {
  std::vector<int64_t> ids;
  for (const auto& [id, effect] : j.effects) ids.push_back(id);
  if (ids.empty())
    for (const auto& leg : j.legs)
      if (std::find(ids.begin(), ids.end(), leg.account_id) == ids.end())
        ids.push_back(leg.account_id);
  return ids;
}

void raise_if_failed(const PendingJournal& j) {
  if (j.failed()) throw Error(j.error_sqlstate, j.error_message);
}

std::string result_json(LedgerSession& session, const PendingJournal& j,
                        const ledger::Accounts& accounts) {
  return "{\"journal_id\": " + std::to_string(j.journal_id) +
         ", \"replayed\": " + (j.replayed ? "true" : "false") +
         ", \"balances\": " + session.balances_json(touched(j), accounts) + "}";
}

// The one journal's key was taken when it was claimed: the journal under it replays, or
// the call is refused (another journal under the key: a conflict; a journal this snapshot
// cannot see yet: retry).
void replay_taken_key(LedgerSession& session, int64_t book, std::vector<PendingJournal>& journals) {
  PendingJournal& j = journals[0];
  session.find_replays(book, journals);
  raise_if_failed(j);
  if (!j.replayed)
    throw Error(state::kSerializationFailure, "idempotency key \"" + j.idempotency_key +
                                                  "\" is being written by a concurrent call; "
                                                  "retry to replay it");
}

// A new journal from inputs, journals[0] holding its kind, key and optional fields; the
// result of post_journal ({"journal_id", "replayed", "balances"}) as text.
std::string post_one(LedgerSession& session, int64_t book, std::vector<PendingJournal>& journals,
                     const std::vector<ledger::LegInput>& inputs) {
  PendingJournal& j = journals[0];
  const ledger::Accounts accounts = session.accounts_for(book, inputs);
  j.legs = ledger::resolve_legs(inputs, accounts);
  // The journal is written first: its key's unique index tells a repeat from a new journal
  // in the same step. A refusal below raises, and the insert goes with the transaction.
  if (session.claim(book, journals)) {
    ledger::check_journal(j.legs, accounts);
    j.effects = ledger::effects_of(j.legs, accounts,
                                   j.kind == 'H' ? ledger::hold_effect : ledger::posting_effect);
    session.post_claimed(book, journals, accounts);
  } else {
    replay_taken_key(session, book, journals);
  }
  return result_json(session, j, accounts);
}

// post_journal and hold: a new journal of `kind` from legs.
Datum post_new(FunctionCallInfo fcinfo, char kind) {
  const int64_t book = book_arg(fcinfo);
  const std::string key = key_arg(fcinfo, 1);
  const auto inputs = legs_arg(fcinfo, 2);
  LedgerSession session;
  std::vector<PendingJournal> journals(1);
  PendingJournal& j = journals[0];
  j.kind = kind;
  j.idempotency_key = key;
  optional_args(fcinfo, 3, 4, j);
  if (!PG_ARGISNULL(5)) {
    if (kind == 'H')
      j.expires_at = PG_GETARG_DATUM(5);
    else
      j.effective_at = PG_GETARG_DATUM(5);
  }
  const std::string result = post_one(session, book, journals, inputs);
  session.finish();
  return jsonb_result(result);
}

std::string optional_number(const std::optional<int64_t>& n) {
  return n ? std::to_string(*n) : "null";
}

// Counts what leaves an account against its daily and monthly caps (khata.spend): the
// account's spending as JSON text, or 22K25/22K26 when a cap would be passed.
std::string spend_json(LedgerSession& session, int64_t account, int64_t amount, Datum moment) {
  if (amount <= 0) throw Error("22023", "amount to spend must be positive");
  const auto s = session.count_spending(account, amount, moment);
  if (!s) throw Error("P0002", "no account " + std::to_string(account));
  if (s->daily_limit && s->daily_spent > *s->daily_limit)
    throw Error("22K25",
                "daily spending limit exceeded: " + std::to_string(amount) + " would make " +
                    std::to_string(s->daily_spent) + " of " + std::to_string(*s->daily_limit),
                "already spent today: " + std::to_string(s->daily_spent - amount));
  if (s->monthly_limit && s->monthly_spent > *s->monthly_limit)
    throw Error("22K26",
                "monthly spending limit exceeded: " + std::to_string(amount) + " would make " +
                    std::to_string(s->monthly_spent) + " of " + std::to_string(*s->monthly_limit),
                "already spent this month: " + std::to_string(s->monthly_spent - amount));
  return "{\"daily_spent\": " + std::to_string(s->daily_spent) +
         ", \"daily_limit\": " + optional_number(s->daily_limit) +
         ", \"monthly_spent\": " + std::to_string(s->monthly_spent) +
         ", \"monthly_limit\": " + optional_number(s->monthly_limit) + "}";
}

Datum moment_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? TimestampTzGetDatum(GetCurrentTransactionStartTimestamp())
                         : PG_GETARG_DATUM(n);
}

// The account a role names, as (accounts ->> role)::bigint reads it.
int64_t role_account(const nlohmann::json& account) {
  if (account.is_number_integer()) return account.get<int64_t>();
  const std::string text = account.is_string() ? account.get<std::string>() : account.dump();
  size_t used = 0;
  try {
    const int64_t id = std::stoll(text, &used);
    if (used == text.size()) return id;
  } catch (const std::exception&) {
  }
  throw Error(khata::sqlstate::kInvalidTextRepresentation,
              "invalid input syntax for type bigint: \"" + text + "\"");
}

const char* outcome_name(char kind) {
  switch (kind) {
    case 'C':
      return "posted";
    case 'V':
      return "voided";
    case 'E':
      return "expired";
    default:
      return "reversed";
  }
}

// post_pending (C), void_pending (V), expiry (E): the hold's reservation ends; C also posts.
Datum resolve_hold(int64_t hold_id, char outcome, std::optional<int64_t> amount) {
  LedgerSession session;
  const auto hold = session.journal(hold_id);
  if (!hold)
    throw Error(state::kUnknownJournal, "journal " + std::to_string(hold_id) + " does not exist");
  if (hold->kind != 'H')
    throw Error(state::kNotAHold, "journal " + std::to_string(hold_id) + " is not a hold");
  std::vector<int64_t> ids;
  int64_t held = 0;
  for (const auto& leg : hold->legs) {
    ids.push_back(leg.account_id);
    if (leg.amount > 0) held += leg.amount;
  }
  const ledger::Accounts accounts = session.accounts_by_id(hold->book_id, ids);
  std::vector<PendingJournal> journals(1);
  PendingJournal& j = journals[0];
  j.kind = outcome;
  j.ref = hold_id;
  if (outcome == 'C') {
    j.legs = hold->legs;
    if (amount) {
      if (*amount <= 0)
        throw Error(state::kNonPositiveAmount,
                    "amount " + std::to_string(*amount) + " is not positive");
      if (*amount > held)
        throw Error(state::kAmountExceedsHold, "amount " + std::to_string(*amount) +
                                                   " exceeds the " + std::to_string(held) +
                                                   " held by hold " + std::to_string(hold_id));
      if (*amount < held) {
        if (hold->legs.size() != 2)
          throw Error(state::kAmountExceedsHold, "a partial post needs a two-leg hold; hold " +
                                                     std::to_string(hold_id) + " has " +
                                                     std::to_string(hold->legs.size()) + " legs");
        for (auto& leg : j.legs) leg.amount = leg.amount > 0 ? *amount : -*amount;
      }
    }
  }
  // Release the reservation, then post what is captured.
  for (const auto& [id, effect] : ledger::effects_of(hold->legs, accounts, ledger::hold_effect))
    j.effects.emplace_back(id, ledger::negate(effect));
  for (const auto& [id, effect] : ledger::effects_of(j.legs, accounts, ledger::posting_effect))
    for (auto& e : j.effects)
      if (e.first == id) e.second += effect;
  session.post(hold->book_id, journals, accounts, true, [&] {
    if (const auto done = session.outcome_of(hold_id))
      throw Error(state::kHoldNotPending, "hold " + std::to_string(hold_id) + " is already " +
                                              outcome_name(done->second) + " (journal " +
                                              std::to_string(done->first) + ")");
    if (outcome == 'C' && hold->expired_by_now)
      throw Error(state::kHoldNotPending,
                  "hold " + std::to_string(hold_id) + " has expired and cannot be posted");
  });
  const std::string result = result_json(session, j, accounts);
  session.finish();
  return jsonb_result(result);
}

}  // namespace

// khata.post_journal(book, idempotency_key, legs, memo, metadata, effective_at) RETURNS jsonb
KHATA_FUNCTION(khata_post_journal) { return post_new(fcinfo, 'P'); }

// khata.hold(book, idempotency_key, legs, memo, metadata, expires_at) RETURNS jsonb
KHATA_FUNCTION(khata_hold) { return post_new(fcinfo, 'H'); }

// khata.post_pending(journal, amount) RETURNS jsonb
KHATA_FUNCTION(khata_post_pending) {
  if (PG_ARGISNULL(0)) throw Error(state::kUnknownJournal, "the journal is NULL");
  std::optional<int64_t> amount;
  if (!PG_ARGISNULL(1)) amount = PG_GETARG_INT64(1);
  return resolve_hold(PG_GETARG_INT64(0), 'C', amount);
}

// khata.void_pending(journal) RETURNS jsonb
KHATA_FUNCTION(khata_void_pending) {
  if (PG_ARGISNULL(0)) throw Error(state::kUnknownJournal, "the journal is NULL");
  return resolve_hold(PG_GETARG_INT64(0), 'V', std::nullopt);
}

// khata.expire_hold(journal) RETURNS jsonb: the expiry job's release of one hold.
KHATA_FUNCTION(khata_expire_hold) {
  if (PG_ARGISNULL(0)) throw Error(state::kUnknownJournal, "the journal is NULL");
  return resolve_hold(PG_GETARG_INT64(0), 'E', std::nullopt);
}

// khata.reverse_journal(journal, idempotency_key) RETURNS jsonb
KHATA_FUNCTION(khata_reverse_journal) {
  if (PG_ARGISNULL(0)) throw Error(state::kUnknownJournal, "the journal is NULL");
  const int64_t target_id = PG_GETARG_INT64(0);
  const std::string key = key_arg(fcinfo, 1);
  LedgerSession session;
  const auto target = session.journal(target_id);
  if (!target)
    throw Error(state::kUnknownJournal, "journal " + std::to_string(target_id) + " does not exist");
  if (target->kind != 'P' && target->kind != 'C' && target->kind != 'R')
    throw Error(state::kNotReversible,
                "journal " + std::to_string(target_id) + " is not a posted journal",
                "a hold ends with khata.void_pending, not a reversal");
  std::vector<int64_t> ids;
  for (const auto& leg : target->legs) ids.push_back(leg.account_id);
  const ledger::Accounts accounts = session.accounts_by_id(target->book_id, ids);
  std::vector<PendingJournal> journals(1);
  PendingJournal& j = journals[0];
  j.kind = 'R';
  j.ref = target_id;
  j.idempotency_key = key;
  for (const auto& leg : target->legs) j.legs.push_back({leg.account_id, -leg.amount});
  // A repeat of a committed reversal replays; a reversal under another key is refused.
  session.find_replays(target->book_id, journals);
  raise_if_failed(j);
  if (!j.replayed) {
    if (const auto done = session.outcome_of(target_id))
      throw Error(state::kAlreadyReversed, "journal " + std::to_string(target_id) +
                                               " is already reversed by journal " +
                                               std::to_string(done->first));
    // As post_journal: the journal is written first, so a concurrent call with the same key
    // waits for this one and replays it, and one with another key is refused by the index
    // that allows one reversal per journal.
    if (session.claim(target->book_id, journals)) {
      ledger::check_journal(j.legs, accounts);
      j.effects = ledger::effects_of(j.legs, accounts, ledger::posting_effect);
      session.post_claimed(target->book_id, journals, accounts);
    } else {
      replay_taken_key(session, target->book_id, journals);
    }
  }
  const std::string result = result_json(session, j, accounts);
  session.finish();
  return jsonb_result(result);
}

// khata.spend(account, amount, at) RETURNS jsonb
KHATA_FUNCTION(khata_spend) {
  if (PG_ARGISNULL(1) || PG_GETARG_INT64(1) <= 0)
    throw Error("22023", "amount to spend must be positive");
  if (PG_ARGISNULL(0)) throw Error("P0002", "no account <NULL>");
  LedgerSession session;
  const std::string result =
      spend_json(session, PG_GETARG_INT64(0), PG_GETARG_INT64(1), moment_arg(fcinfo, 2));
  session.finish();
  return jsonb_result(result);
}

// khata.post_priced(schedule, operation, amount, accounts, idempotency_key, context, memo,
// metadata, effective_at, count_spending) RETURNS jsonb: one read finds the schedule, a
// journal already under the key and the rules with their settings; then the quote, the
// spending count and the posting, in the order the checks are documented.
KHATA_FUNCTION(khata_post_priced) {
  const std::string operation = PG_ARGISNULL(1) ? "<NULL>" : khata::pg::text_arg(fcinfo, 1);
  const std::string key = PG_ARGISNULL(4) ? "" : khata::pg::text_arg(fcinfo, 4);
  LedgerSession session;
  std::optional<khata::pg::PricingLookup> found;
  if (!PG_ARGISNULL(0)) found = session.pricing(PG_GETARG_INT64(0), operation, key);
  if (!found)
    throw Error("P0002",
                "no fee schedule " +
                    (PG_ARGISNULL(0) ? std::string("<NULL>") : std::to_string(PG_GETARG_INT64(0))));
  const int64_t schedule = PG_GETARG_INT64(0);
  if (key.empty()) throw Error("22023", "a priced posting needs an idempotency key");
  if (PG_ARGISNULL(2)) throw Error("22023", "the amount to price is NULL");
  const int64_t amount = PG_GETARG_INT64(2);

  // A repeat returns the first posting as it was priced then, even if the rates changed since.
  if (found->previous_journal) {
    const nlohmann::json previous =
        found->previous_quote ? khata::parse_json_exact(*found->previous_quote) : nlohmann::json();
    const bool same = previous.is_object() && previous.contains("operation") &&
                      previous["operation"] == operation && previous.contains("amount") &&
                      previous["amount"].is_number_integer() &&
                      previous["amount"].get<int64_t>() == amount;
    if (!same)
      throw Error(state::kIdempotencyConflict,
                  "idempotency key \"" + key + "\" was used for another posting");
    const std::string result = "{\"journal_id\": " + std::to_string(found->previous_journal) +
                               ", \"replayed\": true, \"quote\": " + *found->previous_quote + "}";
    session.finish();
    return jsonb_result(result);
  }
  if (!found->rules)
    throw Error("22K22", "fee schedule " + std::to_string(schedule) +
                             " has no rules for operation \"" + operation + "\"");

  const nlohmann::json priced =
      khata::quote_fee(khata::parse_json_exact(*found->rules), amount,
                       khata::pg::jsonb_arg(fcinfo, 5, nlohmann::json::object()),
                       khata::parse_json_exact(found->settings));
  nlohmann::json quote = {{"schedule", schedule}, {"operation", operation}};
  for (const auto& [k, v] : priced.items()) quote[k] = v;

  // Each leg's role replaced by its account, in the quote's order.
  const nlohmann::json roles = khata::pg::jsonb_arg(fcinfo, 3, nlohmann::json::object());
  const auto account_of = [&](const std::string& role) -> const nlohmann::json* {
    if (!roles.is_object() || !roles.contains(role)) return nullptr;
    return &roles.at(role);
  };
  nlohmann::json legs = nlohmann::json::array();
  for (const auto& leg : quote.value("legs", nlohmann::json::array())) {
    const std::string role = leg.value("role", "");
    const nlohmann::json* account = account_of(role);
    if (!account)
      throw Error("22023", "operation " + operation + " needs an account for role \"" + role + "\"",
                  {}, "pass it in accounts, e.g. {\"" + role + "\": 42}");
    nlohmann::json out = leg;
    out.erase("role");
    out["account"] = *account;
    legs.push_back(std::move(out));
  }

  const Datum moment = moment_arg(fcinfo, 8);
  std::string spending = "null";
  if (!PG_ARGISNULL(9) && PG_GETARG_BOOL(9)) {
    const nlohmann::json* sender = account_of("sender");
    if (!sender)
      throw Error("22023", "operation " + operation + " needs an account for role \"sender\"");
    spending = spend_json(session, role_account(*sender), quote.value("total_debited", int64_t{0}),
                          moment);
  }

  std::vector<PendingJournal> journals(1);
  PendingJournal& j = journals[0];
  j.idempotency_key = key;
  if (!PG_ARGISNULL(6)) j.memo = khata::pg::text_arg(fcinfo, 6);
  // The caller's metadata with the quote added, as metadata || {"quote": ...} would make it;
  // without the caller's, the text as it is (the insert reads it as jsonb).
  const std::string quote_text = quote.dump();
  if (PG_ARGISNULL(7))
    j.metadata_json = "{\"quote\": " + quote_text + "}";
  else
    j.metadata_json = pg_call([&] {
      const Datum with_quote = DirectFunctionCall1(
          jsonb_in, CStringGetDatum(("{\"quote\": " + quote_text + "}").c_str()));
      const Datum merged = DirectFunctionCall2(jsonb_concat, PG_GETARG_DATUM(7), with_quote);
      return std::string(DatumGetCString(DirectFunctionCall1(jsonb_out, merged)));
    });
  j.effective_at = moment;
  std::string result = post_one(session, found->book, journals, ledger::parse_legs_doc(legs));
  result.pop_back();  // the closing brace: the quote and the spending are added
  result += ", \"quote\": " + quote_text + ", \"spending\": " + spending + "}";
  session.finish();
  return jsonb_result(result);
}

// khata.post_journals(book, items) RETURNS jsonb: one result per item, items independent.
KHATA_FUNCTION(khata_post_journals) {
  const int64_t book = book_arg(fcinfo);
  if (PG_ARGISNULL(1)) throw Error(state::kBadBatch, "items are NULL");
  auto items = ledger::parse_batch_doc(khata::pg::jsonb_arg_as_parsed(fcinfo, 1), kMaxBatch);

  std::vector<ledger::LegInput> all_legs;
  for (const auto& item : items)
    if (item.error_sqlstate.empty())
      all_legs.insert(all_legs.end(), item.legs.begin(), item.legs.end());
  LedgerSession session;
  const ledger::Accounts accounts = session.accounts_for(book, all_legs);

  const ledger::AccountsByCode by_code = ledger::index_by_code(accounts);
  std::vector<PendingJournal> journals(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    auto& j = journals[i];
    j.idempotency_key = item.idempotency_key;
    if (!item.error_sqlstate.empty()) {
      j.error_sqlstate = item.error_sqlstate;
      j.error_message = item.error_message;
      continue;
    }
    try {
      j.legs = ledger::resolve_legs(item.legs, accounts, by_code);
      j.memo = std::move(item.memo);
      j.metadata_json = std::move(item.metadata_json);
      if (item.effective_at) {
        try {
          const std::string& text = *item.effective_at;
          j.effective_at = pg_call([&] {
            return DirectFunctionCall3(timestamptz_in, CStringGetDatum(text.c_str()),
                                       ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
          });
        } catch (const khata::pg::PgError& e) {
          throw Error(unpack_sql_state(e.data()->sqlerrcode), e.what());
        }
      }
    } catch (const Error& e) {
      j.error_sqlstate = e.sqlstate();
      j.error_message = e.what();
    }
  }
  LedgerSession::mark_repeats(journals);
  std::vector<std::pair<size_t, Error>> refused;
  for (size_t i = 0; i < journals.size(); ++i) {
    auto& j = journals[i];
    if (j.failed() || j.duplicate_of >= 0) continue;
    try {
      ledger::check_journal(j.legs, accounts);
      j.effects = ledger::effects_of(j.legs, accounts, ledger::posting_effect);
    } catch (const Error& e) {
      refused.emplace_back(i, e);
    }
  }
  // A repeat replays even when its journal would now be refused (an account closed since).
  if (!refused.empty()) session.find_replays(book, journals);
  for (const auto& [i, e] : refused) {
    auto& j = journals[i];
    if (j.replayed || j.failed()) continue;
    j.error_sqlstate = e.sqlstate();
    j.error_message = e.what();
  }
  session.post_batch(book, journals, accounts);
  session.finish();

  std::string out = "[";
  for (size_t i = 0; i < journals.size(); ++i) {
    const auto& j = journals[i];
    if (i) out += ", ";
    if (j.failed()) {
      out += "{\"ok\": false, \"sqlstate\": " + ledger::quote_json(j.error_sqlstate) +
             ", \"message\": " + ledger::quote_json(j.error_message) + "}";
    } else {
      out += "{\"ok\": true, \"journal_id\": " + std::to_string(j.journal_id) +
             ", \"replayed\": " + (j.replayed ? "true" : "false") + "}";
    }
  }
  out += "]";
  return jsonb_result(out);
}

// khata.slot_share(posted, pending_out, pending_in, slots, slot) RETURNS bigint[]: the
// {posted, pending_out, pending_in} that slot holds when an account's total is spread over
// its slots, as a posting that locks every slot spreads it (ledger::spread).
KHATA_FUNCTION(khata_slot_share) {
  for (int n = 0; n < 5; ++n)
    if (PG_ARGISNULL(n)) throw Error("22004", "slot_share takes no NULL argument");
  const int slots = PG_GETARG_INT32(3);
  const int slot = PG_GETARG_INT32(4);
  if (slots < 1 || slots > 64) throw Error("22023", "slots must be between 1 and 64");
  if (slot < 0 || slot >= slots)
    throw Error("22023", "slot must be between 0 and " + std::to_string(slots - 1));
  const ledger::Balance total{PG_GETARG_INT64(0), PG_GETARG_INT64(1), PG_GETARG_INT64(2)};
  const ledger::Balance share = ledger::spread(total, slots).at(static_cast<size_t>(slot));
  return pg_call([&] {
    Datum items[3] = {Int64GetDatum(share.posted), Int64GetDatum(share.pending_out),
                      Int64GetDatum(share.pending_in)};
    return PointerGetDatum(
        construct_array(items, 3, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
  });
}
