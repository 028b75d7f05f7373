// Each backend keeps the accounts the posting path has read, so a posting does not query
// khata.accounts for them again. Any UPDATE, DELETE or TRUNCATE of khata.accounts fires the
// trigger khata.accounts_changed, whose relcache invalidation empties the cache of every
// backend (this one at its next command, the others when they next accept invalidations:
// account_cache_sync does so at the start of every posting call).
#pragma once

#include "khata/pg/pg_headers.h"

#include <cstdint>
#include <optional>
#include <string>

#include "khata/core/ledger.h"

namespace khata::pg {

// Processes pending invalidations; on first use registers the cache's callback.
void account_cache_sync();

// Copies, never pointers: an invalidation may empty the cache during any later Postgres call.
std::optional<ledger::Account> cached_account(int64_t book, int64_t id);
std::optional<ledger::Account> cached_account(int64_t book, const std::string& code);
void cache_account(int64_t book, const ledger::Account& account);

}  // namespace khata::pg
