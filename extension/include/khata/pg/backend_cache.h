// Each backend keeps what the posting path reads on every call and rarely changes: the
// accounts it posts to, an operation's fee rules with the settings they read, and what an
// account's spending is counted against (its book, time zone and caps). A change
// to a table a cache holds fires the trigger khata.cached_table_changed, whose relcache
// invalidation empties that cache in every backend (this one at its next command, the others
// when they next accept invalidations: every LedgerSession does so, through cache_sync, as it
// opens).
// A commit is visible to others a moment before its invalidation reaches them: a posting that
// starts in that moment runs as if it came just before the change.
// A cache is filled only under READ COMMITTED, whose statements read after the invalidations
// accepted at the call's start: an older snapshot could hold what a later change replaced.
#pragma once

#include "khata/pg/pg_headers.h"

#include <cstdint>
#include <optional>
#include <string>

#include "khata/core/ledger.h"

namespace khata::pg {

// Processes pending invalidations; on first use registers the caches' callbacks.
void cache_sync();

// Copies, never pointers: an invalidation may empty a cache during any later Postgres call.
std::optional<ledger::Account> cached_account(int64_t book, int64_t id);
std::optional<ledger::Account> cached_account(int64_t book, const std::string& code);
void cache_account(int64_t book, const ledger::Account& account);

// How a schedule prices an operation: its book, the rules (none: the schedule has no rules
// for it) and the settings they read, as a JSON object's text.
struct CachedPricing {
  int64_t book = 0;
  std::optional<std::string> rules;
  std::string settings = "{}";
};
std::optional<CachedPricing> cached_pricing(int64_t schedule, const std::string& operation);
void cache_pricing(int64_t schedule, const std::string& operation, const CachedPricing& pricing);

// What an account's spending is counted against, as khata.spending_context reads it.
struct SpendingContext {
  int64_t book = 0;
  std::string timezone;
  std::optional<int64_t> daily, monthly;  // none: no cap
};
std::optional<SpendingContext> cached_spending_context(int64_t account);
void cache_spending_context(int64_t account, const SpendingContext& context);

}  // namespace khata::pg
