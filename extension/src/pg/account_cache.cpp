#include "khata/pg/account_cache.h"

#include <unordered_map>
#include <utility>

#include "khata/pg/guard.h"

extern "C" {
// These reach the spinlock headers, whose `register` C++17 refuses.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "utils/inval.h"
#pragma GCC diagnostic pop
#include "utils/lsyscache.h"
}

namespace khata::pg {
namespace {

struct Entry {
  int64_t book = 0;
  ledger::Account account;
};

struct CodeKey {
  int64_t book;
  std::string code;
  bool operator==(const CodeKey& o) const { return book == o.book && code == o.code; }
};
struct CodeKeyHash {
  size_t operator()(const CodeKey& k) const {
    return std::hash<std::string>()(k.code) ^ (std::hash<int64_t>()(k.book) * 31);
  }
};

std::unordered_map<int64_t, Entry> by_id;
std::unordered_map<CodeKey, int64_t, CodeKeyHash> by_code;
Oid accounts_relid = InvalidOid;  // valid whenever the maps hold anything
bool registered = false;

void forget_all(Datum, Oid relid) {
  if (relid != InvalidOid && relid != accounts_relid) return;
  by_id.clear();
  by_code.clear();
  // Looked up again on next use: the table may have been dropped and created anew.
  accounts_relid = InvalidOid;
}

// An account read inside a (sub)transaction that aborts may not exist, or not be as read:
// its INSERT or UPDATE is undone without any invalidation, so an abort empties the cache.
void forget_on_abort(XactEvent event, void*) {
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) forget_all(0, InvalidOid);
}

void forget_on_subabort(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  if (event == SUBXACT_EVENT_ABORT_SUB) forget_all(0, InvalidOid);
}

}  // namespace

void account_cache_sync() {
  pg_call([] {
    if (!registered) {
      CacheRegisterRelcacheCallback(forget_all, PointerGetDatum(nullptr));
      RegisterXactCallback(forget_on_abort, nullptr);
      RegisterSubXactCallback(forget_on_subabort, nullptr);
      registered = true;
    }
    AcceptInvalidationMessages();
    if (accounts_relid == InvalidOid) {
      const Oid schema = get_namespace_oid("khata", false);
      accounts_relid = get_relname_relid("accounts", schema);
    }
  });
}

std::optional<ledger::Account> cached_account(int64_t book, int64_t id) {
  auto it = by_id.find(id);
  if (it == by_id.end() || it->second.book != book) return std::nullopt;
  return it->second.account;
}

std::optional<ledger::Account> cached_account(int64_t book, const std::string& code) {
  auto it = by_code.find(CodeKey{book, code});
  if (it == by_code.end()) return std::nullopt;
  return cached_account(book, it->second);
}

void cache_account(int64_t book, const ledger::Account& account) {
  if (accounts_relid == InvalidOid) return;  // not synced: nothing would empty it
  by_id[account.id] = Entry{book, account};
  by_code[CodeKey{book, account.code}] = account.id;
}

}  // namespace khata::pg

// khata.accounts_changed() RETURNS trigger: empties every backend's account cache.
KHATA_FUNCTION(khata_accounts_changed) {
  if (!CALLED_AS_TRIGGER(fcinfo))
    throw khata::Error("39P01", "khata.accounts_changed is a trigger function");
  const auto* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
  khata::pg::pg_call([&] { CacheInvalidateRelcache(trigger->tg_relation); });
  return PointerGetDatum(nullptr);
}
