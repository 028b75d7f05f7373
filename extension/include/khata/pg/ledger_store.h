// The ledger's storage, through SPI with plans prepared once per backend: accounts, the
// balance rows (locked in ascending (account, slot) order), journals. Every call runs inside
// an SPI connection opened by a LedgerSession.
#pragma once

#include "khata/pg/pg_headers.h"

extern "C" {
#include "storage/itemptr.h"
}

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "khata/core/ledger.h"

namespace khata::pg {

// One journal to write and what became of it.
struct PendingJournal {
  char kind = 'P';
  int64_t ref = 0;                // 0: none
  std::string idempotency_key;    // empty: none
  std::vector<ledger::Leg> legs;  // as stored
  // Effect on each touched account, one entry per account, in first-touched order.
  std::vector<std::pair<int64_t, ledger::Balance>> effects;
  std::optional<std::string> memo;
  std::optional<std::string> metadata_json;
  std::optional<Datum> effective_at;  // timestamptz; now() when absent
  std::optional<Datum> expires_at;

  int64_t journal_id = 0;
  bool replayed = false;
  int duplicate_of = -1;       // a later item of a batch repeating an earlier one's key and legs
  std::string error_sqlstate;  // non-empty: refused
  std::string error_message;
  bool failed() const { return !error_sqlstate.empty(); }
};

// A stored journal, as read back.
struct StoredJournal {
  int64_t id = 0;
  int64_t book_id = 0;
  char kind = 0;
  int64_t ref = 0;
  std::vector<ledger::Leg> legs;
  std::optional<Datum> expires_at;
  bool expired_by_now = false;
};

// What a priced posting reads first, in one statement (khata.post_priced): the fee schedule's
// book, the journal already under the idempotency key, the operation's rules and the values
// of the settings they read. JSON as text.
struct PricingLookup {
  int64_t book = 0;
  int64_t previous_journal = 0;  // 0: the key is free
  std::optional<std::string> previous_quote;
  std::optional<std::string> rules;  // none: the schedule has no rules for the operation
  std::string settings = "{}";
};

// An account's spending after a spend was counted, in minor units; a limit is absent when the
// account has none.
struct Spending {
  std::optional<int64_t> daily_limit, monthly_limit;
  int64_t daily_spent = 0;
  int64_t monthly_spent = 0;
};

class LedgerSession {
 public:
  LedgerSession();  // cache_sync, then SPI_connect
  void finish();    // SPI_finish; results built before are plain C++ values

  // Accounts of the book named by the refs (by id or code).
  ledger::Accounts accounts_for(int64_t book, const std::vector<ledger::LegInput>& legs);
  ledger::Accounts accounts_by_id(int64_t book, const std::vector<int64_t>& ids);

  // Marks journals whose key exists in the book: same kind, ref and legs -> replayed with the
  // first journal's id; otherwise refused with 23K01. A later batch item repeating an earlier
  // key is handled the same way against the earlier item.
  void find_replays(int64_t book, std::vector<PendingJournal>& journals);
  // The batch part of find_replays alone: later items repeating an earlier item's key.
  static void mark_repeats(std::vector<PendingJournal>& journals);

  // Locks, checks overdrafts in order, updates balances and inserts the journals that pass.
  // With raise set, the first refusal throws; otherwise it is recorded on its journal.
  // before_apply runs once the balance rows are locked (hold state checks).
  template <typename Check>
  void post(int64_t book, std::vector<PendingJournal>& journals, const ledger::Accounts& accounts,
            bool raise, Check before_apply) {
    lock_balances(journals, accounts);
    before_apply();
    apply(book, journals, accounts, raise, false);
  }

  // Posts independent journals (a batch), each refusal recorded on its journal: claims their
  // keys first (a key that exists replays or conflicts, as in find_replays), then locks,
  // decides in order, updates. find_replays must have marked the batch's own repeats.
  void post_batch(int64_t book, std::vector<PendingJournal>& journals,
                  const ledger::Accounts& accounts);

  // Inserts journals[0] (a new journal with a key) unless its key exists in the book; false
  // when it does. A claimed journal is not inserted again by post().
  bool claim(int64_t book, std::vector<PendingJournal>& journals);
  // Posts journals claimed above, raising the first refusal: locked and updated in one
  // statement when it can be, else as post() does.
  void post_claimed(int64_t book, std::vector<PendingJournal>& journals,
                    const ledger::Accounts& accounts);

  // nullopt when there is no such schedule.
  std::optional<PricingLookup> pricing(int64_t schedule, const std::string& operation,
                                       const std::string& idempotency_key);
  // Adds amount to the account's counters of the day and the month containing `moment` (in
  // its book's time zone), locking them day first; nullopt when there is no such account.
  // The caller refuses what passes a limit, which undoes the count with the transaction.
  std::optional<Spending> count_spending(int64_t account, int64_t amount, Datum moment);

  std::optional<StoredJournal> journal(int64_t id);
  // The journal that resolved or reversed `id`, with its kind; nullopt when none.
  std::optional<std::pair<int64_t, char>> outcome_of(int64_t id);

  // {"account": id, "posted": .., "pending": .., "available": ..} for each account, in order.
  std::string balances_json(const std::vector<int64_t>& accounts, const ledger::Accounts& known);

 private:
  // Locks the balance rows the journals write, in ascending (account, slot) order: every slot
  // of a hot account a journal may overdraw, unless slot_only, when an escrowed account's
  // debits lock (and apply() checks them against) this backend's slot alone.
  void lock_balances(const std::vector<PendingJournal>& journals, const ledger::Accounts& accounts,
                     bool slot_only = false);
  bool insert(int64_t book, std::vector<PendingJournal>& journals, bool claim);
  // The claimed journals' balance rows locked and updated by one statement, then every
  // journal checked in order against the balances it found (an escrowed account's debit
  // against this backend's slot alone): kRefused (the caller undoes the update) when one is
  // refused, kNotDone when this cannot be used (an escrowed account's debit with raise set, or
  // a plan that would lock rows out of order). totals: read a hot account's total, for the
  // balances a single posting returns.
  enum class Update : std::uint8_t { kDone, kRefused, kNotDone };
  Update update_claimed(std::vector<PendingJournal>& journals, const ledger::Accounts& accounts,
                        bool raise, bool totals);
  // The claimed journals posted with escrowed debits checked against this backend's slot
  // (update_claimed, else lock_balances slot_only and apply): false, with the refusal not
  // recorded, when one is refused; the caller runs this in a subtransaction and undoes it.
  bool post_on_slots(int64_t book, std::vector<PendingJournal>& journals,
                     const ledger::Accounts& accounts, bool totals);
  bool claim_one(int64_t book, PendingJournal& j);
  // Later items repeating an earlier one take its outcome.
  static void settle_repeats(std::vector<PendingJournal>& journals);
  // False, with nothing written, when claimed_must_pass is set and a journal already
  // written by a claim is refused.
  bool apply(int64_t book, std::vector<PendingJournal>& journals, const ledger::Accounts& accounts,
             bool raise, bool claimed_must_pass);

  std::unordered_map<int64_t, ledger::Balance> after_;  // whole-account balances after apply
  // A balance row locked by this call: its row version cannot move until the transaction
  // ends, so the update finds it by ctid instead of probing the index again.
  struct LockedRow {
    int64_t account_id = 0;
    int slot = 0;
    ItemPointerData ctid{};
    ledger::Balance balance;
  };
  std::vector<LockedRow> locked_;      // sorted by (account, slot)
  std::vector<int64_t> fully_locked_;  // sorted
  std::vector<int64_t> slot_locked_;   // escrowed accounts seen by one slot, sorted
};

// The slot of a hot account this backend writes when it need not lock them all.
int backend_slot(int slots);

}  // namespace khata::pg
