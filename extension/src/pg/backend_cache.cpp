#include "khata/pg/backend_cache.h"

#include <array>
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
// Keyed by schedule and operation, as by_code by book and code.
std::unordered_map<CodeKey, CachedPricing, CodeKeyHash> pricing_by_operation;
std::unordered_map<int64_t, SpendingContext> spending_by_account;

void forget_accounts() {
  by_id.clear();
  by_code.clear();
}
void forget_pricing() { pricing_by_operation.clear(); }
void forget_spending() { spending_by_account.clear(); }

// The tables each cache reads, a table once per cache. relid is valid whenever its cache may
// hold anything: it is looked up again after every invalidation, since the table may have been
// dropped and made anew.
struct Watched {
  const char* table;
  void (*forget)();
  Oid relid;
};
std::array<Watched, 10> watched{{{"accounts", forget_accounts, InvalidOid},
                                 {"fee_schedules", forget_pricing, InvalidOid},
                                 {"fee_rules", forget_pricing, InvalidOid},
                                 {"settings", forget_pricing, InvalidOid},
                                 {"setting_definitions", forget_pricing, InvalidOid},
                                 {"accounts", forget_spending, InvalidOid},
                                 {"books", forget_spending, InvalidOid},
                                 {"settings", forget_spending, InvalidOid},
                                 {"setting_definitions", forget_spending, InvalidOid},
                                 {"spending_limits", forget_spending, InvalidOid}}};
bool registered = false;

bool synced(void (*forget)()) {
  for (const auto& w : watched)
    if (w.forget == forget && w.relid == InvalidOid) return false;
  return !IsolationUsesXactSnapshot();
}

void forget(Datum, Oid relid) {
  for (auto& w : watched) {
    if (relid != InvalidOid && relid != w.relid) continue;
    w.forget();
    for (auto& other : watched)
      if (other.forget == w.forget) other.relid = InvalidOid;
  }
}

// What was read inside a (sub)transaction that aborts may not exist, or not be as read: its
// INSERT or UPDATE is undone without any invalidation, so an abort empties the caches.
void forget_on_abort(XactEvent event, void*) {
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) forget(0, InvalidOid);
}

void forget_on_subabort(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  if (event == SUBXACT_EVENT_ABORT_SUB) forget(0, InvalidOid);
}

}  // namespace

void cache_sync() {
  pg_call([] {
    if (!registered) {
      CacheRegisterRelcacheCallback(forget, PointerGetDatum(nullptr));
      RegisterXactCallback(forget_on_abort, nullptr);
      RegisterSubXactCallback(forget_on_subabort, nullptr);
      registered = true;
    }
    AcceptInvalidationMessages();
    Oid schema = InvalidOid;
    for (auto& w : watched) {
      if (w.relid != InvalidOid) continue;
      if (schema == InvalidOid) schema = get_namespace_oid("khata", false);
      w.relid = get_relname_relid(w.table, schema);
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
  if (!synced(forget_accounts)) return;  // nothing would empty it
  by_id[account.id] = Entry{book, account};
  by_code[CodeKey{book, account.code}] = account.id;
}

std::optional<CachedPricing> cached_pricing(int64_t schedule, const std::string& operation) {
  auto it = pricing_by_operation.find(CodeKey{schedule, operation});
  if (it == pricing_by_operation.end()) return std::nullopt;
  return it->second;
}

void cache_pricing(int64_t schedule, const std::string& operation, const CachedPricing& pricing) {
  if (!synced(forget_pricing)) return;
  pricing_by_operation[CodeKey{schedule, operation}] = pricing;
}

std::optional<SpendingContext> cached_spending_context(int64_t account) {
  auto it = spending_by_account.find(account);
  if (it == spending_by_account.end()) return std::nullopt;
  return it->second;
}

void cache_spending_context(int64_t account, const SpendingContext& context) {
  if (!synced(forget_spending)) return;
  spending_by_account[account] = context;
}

}  // namespace khata::pg

// khata.cached_table_changed() RETURNS trigger: empties every backend's cache of the table.
KHATA_FUNCTION(khata_cached_table_changed) {
  if (!CALLED_AS_TRIGGER(fcinfo))
    throw khata::Error("39P01", "khata.cached_table_changed is a trigger function");
  const auto* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
  khata::pg::pg_call([&] { CacheInvalidateRelcache(trigger->tg_relation); });
  return PointerGetDatum(nullptr);
}
