// SQL entry points of the posting path: post_journal, hold, post_pending, void_pending and
// expiry, reverse_journal, post_journals. Each is one SPI session: resolve accounts, check
// idempotency, lock balance rows in order, check overdrafts, update, insert.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

// Before the Postgres headers, whose snprintf macro it cannot take.
#include <nlohmann/json.hpp>

#include "khata/core/error.h"
#include "khata/core/ledger.h"
#include "khata/pg/convert.h"
#include "khata/pg/guard.h"
#include "khata/pg/jsonb.h"
#include "khata/pg/ledger_store.h"

extern "C" {
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

// post_journal and hold: a new journal of `kind` from legs.
Datum post_new(FunctionCallInfo fcinfo, char kind) {
  const int64_t book = book_arg(fcinfo);
  const std::string key = key_arg(fcinfo, 1);
  const auto inputs = legs_arg(fcinfo, 2);
  LedgerSession session;
  const ledger::Accounts accounts = session.accounts_for(book, inputs);
  std::vector<PendingJournal> journals(1);
  PendingJournal& j = journals[0];
  j.kind = kind;
  j.idempotency_key = key;
  j.legs = ledger::resolve_legs(inputs, accounts);
  optional_args(fcinfo, 3, 4, j);
  if (!PG_ARGISNULL(5)) {
    if (kind == 'H')
      j.expires_at = PG_GETARG_DATUM(5);
    else
      j.effective_at = PG_GETARG_DATUM(5);
  }
  // The journal is written first: its key's unique index tells a repeat from a new journal
  // in the same step. A refusal below raises, and the insert goes with the transaction.
  if (session.claim(book, journals)) {
    ledger::check_journal(j.legs, accounts);
    j.effects = ledger::effects_of(j.legs, accounts,
                                   kind == 'H' ? ledger::hold_effect : ledger::posting_effect);
    session.post_claimed(book, journals, accounts);
  } else {
    replay_taken_key(session, book, journals);
  }
  const std::string result = result_json(session, j, accounts);
  session.finish();
  return jsonb_result(result);
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
