#include "khata/pg/ledger_store.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <unordered_map>

#include "khata/core/error.h"
#include "khata/pg/backend_cache.h"
#include "khata/pg/guard.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
// spi.h reaches the spinlock headers, whose `register` C++17 refuses.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
#include "executor/spi.h"
#pragma GCC diagnostic pop
#include "miscadmin.h"
#include "nodes/plannodes.h"
#include "storage/backendid.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/resowner.h"
}

namespace khata::pg {
namespace {

using ledger::Balance;
namespace state = ledger::sqlstate;

// A statement prepared on first use and kept for the backend's life.
struct Plan {
  const char* sql;
  std::vector<Oid> types;
  SPIPlanPtr plan = nullptr;
};

// By primary key alone: with book_id in the condition a generic plan may walk the whole
// book's index. Accounts of other books are dropped in C++.
Plan accounts_by_id_plan{
    "SELECT id, code, type, currency, no_overdraft, closed_at IS NOT NULL, slots, book_id "
    "FROM khata.accounts WHERE id = ANY($1)",
    {INT8ARRAYOID}};
Plan accounts_by_code_plan{
    "SELECT id, code, type, currency, no_overdraft, closed_at IS NOT NULL, slots, book_id "
    "FROM khata.accounts WHERE book_id = $1 AND code = ANY($2)",
    {INT8OID, TEXTARRAYOID}};
Plan existing_keys_plan{
    "SELECT j.idempotency_key, j.id, j.kind, j.ref, j.account_ids, j.amounts "
    "FROM unnest($2::text[]) AS k(key) JOIN khata.journals j "
    "ON j.book_id = $1 AND j.idempotency_key = k.key",
    {INT8OID, TEXTARRAYOID}};
// Locks in ascending (account, slot) order: LockRows sits above the ordered join. The
// redundant account_id = ANY($1) gives the generic plan an index scan of the primary key;
// without it, a generic plan (10 rows guessed for the unnest) hash-joins a sequential scan
// of every balance row while the table is small, reading a thousand rows to lock two.
Plan lock_plan{
    "SELECT b.account_id, b.slot, b.posted, b.pending_out, b.pending_in, b.ctid "
    "FROM khata.balances b JOIN unnest($1::bigint[], $2::smallint[]) AS w(account_id, slot) "
    "ON b.account_id = w.account_id AND b.slot = w.slot "
    "WHERE b.account_id = ANY($1) "
    "ORDER BY b.account_id, b.slot FOR UPDATE OF b",
    {INT8ARRAYOID, INT2ARRAYOID}};
// The rows locked above, by ctid (a TID scan per row, no index probe).
Plan update_plan{
    "UPDATE khata.balances b SET posted = b.posted + d.posted, "
    "pending_out = b.pending_out + d.pending_out, pending_in = b.pending_in + d.pending_in "
    "FROM unnest($1::tid[], $2::bigint[], $3::bigint[], $4::bigint[]) "
    "AS d(row_id, posted, pending_out, pending_in) WHERE b.ctid = d.row_id",
    {TIDARRAYOID, INT8ARRAYOID, INT8ARRAYOID, INT8ARRAYOID}};
// Locks and updates in one step, the rows taken in the order of the arrays (ascending
// (account, slot)) as long as the plan reads the arrays first: see update_keeps_order.
Plan update_returning_plan{
    "UPDATE khata.balances b SET posted = b.posted + d.posted, "
    "pending_out = b.pending_out + d.pending_out, pending_in = b.pending_in + d.pending_in "
    "FROM unnest($1::bigint[], $2::smallint[], $3::bigint[], $4::bigint[], $5::bigint[], "
    "$6::smallint[]) AS d(account_id, slot, posted, pending_out, pending_in, slots) "
    "WHERE b.account_id = d.account_id AND b.slot = d.slot "
    "RETURNING b.account_id, b.slot, b.posted, b.pending_out, b.pending_in, "
    // A hot account's total, read in the same step: the statement's snapshot shows this
    // call's slot as it was before the update, so the caller adds its delta.
    "CASE WHEN d.slots > 1 THEN (SELECT ARRAY[sum(x.posted), sum(x.pending_out), "
    "sum(x.pending_in)]::bigint[] FROM khata.balances x WHERE x.account_id = b.account_id) END",
    {INT8ARRAYOID, INT2ARRAYOID, INT8ARRAYOID, INT8ARRAYOID, INT8ARRAYOID, INT2ARRAYOID}};
#define KHATA_INSERT_JOURNALS                                                                   \
  "INSERT INTO khata.journals (book_id, kind, ref, idempotency_key, effective_at, expires_at, " \
  "account_ids, amounts, memo, metadata) "                                                      \
  "SELECT $1, u.kind, u.ref, u.key, coalesce(u.effective_at, now()), u.expires_at, "            \
  "$9[u.first:u.last], $10[u.first:u.last], u.memo, u.metadata::jsonb "                         \
  "FROM unnest($2::\"char\"[], $3::bigint[], $4::text[], $5::timestamptz[], "                   \
  "$6::timestamptz[], $7::int[], $8::int[], $11::text[], $12::text[]) "                         \
  "AS u(kind, ref, key, effective_at, expires_at, first, last, memo, metadata) "

const std::vector<Oid> insert_types{INT8OID,      CHARARRAYOID,        INT8ARRAYOID,
                                    TEXTARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID,
                                    INT4ARRAYOID, INT4ARRAYOID,        INT8ARRAYOID,
                                    INT8ARRAYOID, TEXTARRAYOID,        TEXTARRAYOID};
Plan insert_plan{KHATA_INSERT_JOURNALS "RETURNING id", insert_types};
// A new journal claims its key before anything else is done: no row back means the key is
// taken (a repeat, or a concurrent call that has committed it meanwhile).
Plan claim_plan{KHATA_INSERT_JOURNALS
                "ON CONFLICT (book_id, idempotency_key) DO NOTHING RETURNING id, idempotency_key",
                insert_types};
#undef KHATA_INSERT_JOURNALS
// The claim of one journal (post_journal, hold): one row from parameters, no arrays to unnest.
Plan claim_one_plan{
    "INSERT INTO khata.journals (book_id, kind, ref, idempotency_key, effective_at, expires_at, "
    "account_ids, amounts, memo, metadata) "
    "VALUES ($1, $2, $3, $4, coalesce($5, now()), $6, $7, $8, $9, $10::jsonb) "
    "ON CONFLICT (book_id, idempotency_key) DO NOTHING RETURNING id, idempotency_key",
    {INT8OID, CHAROID, INT8OID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8ARRAYOID, INT8ARRAYOID,
     TEXTOID, TEXTOID}};
Plan sums_plan{
    "SELECT account_id, sum(posted)::bigint, sum(pending_out)::bigint, sum(pending_in)::bigint "
    "FROM khata.balances WHERE account_id = ANY($1) GROUP BY account_id",
    {INT8ARRAYOID}};
Plan journal_plan{
    "SELECT id, book_id, kind, ref, account_ids, amounts, expires_at, expires_at <= now() "
    "FROM khata.journals WHERE id = $1",
    {INT8OID}};
// The settings a rule reads: the book's value, else the definition's default.
Plan pricing_plan{
    "SELECT s.book_id, j.id, (j.metadata -> 'quote')::text, r.rules::text, "
    "(SELECT coalesce(jsonb_object_agg(k.key, coalesce(v.value, d.default_value)) "
    "FILTER (WHERE coalesce(v.value, d.default_value) IS NOT NULL), '{}') "
    "FROM unnest(khata.fee_rule_settings(r.rules)) AS k(key) "
    "LEFT JOIN khata.settings v ON v.book_id = s.book_id AND v.key = k.key "
    "LEFT JOIN khata.setting_definitions d ON d.key = k.key)::text "
    "FROM khata.fee_schedules s "
    "LEFT JOIN khata.journals j ON j.book_id = s.book_id AND j.idempotency_key = $2 "
    "LEFT JOIN khata.fee_rules r "
    "ON r.book_id = s.book_id AND r.schedule_id = s.id AND r.operation = $3 "
    "WHERE s.id = $1",
    {INT8OID, TEXTOID, TEXTOID}};
// A journal already under the key, when the rules come from the cache.
Plan replay_plan{
    "SELECT j.id, (j.metadata -> 'quote')::text FROM khata.journals j "
    "WHERE j.book_id = $1 AND j.idempotency_key = $2",
    {INT8OID, TEXTOID}};
Plan spending_context_plan{
    "SELECT book_id, timezone, daily, monthly FROM khata.spending_context WHERE account_id = $1",
    {INT8OID}};
// Both counters upserted in one statement, the day's row before the month's, each day and
// month of the book's time zone ($5).
Plan spend_plan{
    "INSERT INTO khata.spending AS s (book_id, account_id, period, period_start, spent) "
    "VALUES ($1, $2, 'day', ($4::timestamptz AT TIME ZONE $5)::date, $3), "
    "($1, $2, 'month', date_trunc('month', ($4::timestamptz AT TIME ZONE $5)::date)::date, $3) "
    "ON CONFLICT ON CONSTRAINT spending_pkey DO UPDATE SET spent = s.spent + excluded.spent "
    "RETURNING s.period = 'day', s.spent",
    {INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID, TEXTOID}};
Plan outcome_plan{"SELECT id, kind FROM khata.journals WHERE ref = $1", {INT8OID}};

// An internal subtransaction inside the SPI session: rollback() undoes what ran in it
// (rows written and row locks taken), release() keeps it. One of the two must be called.
class Subtransaction {
 public:
  Subtransaction() : context_(CurrentMemoryContext), owner_(CurrentResourceOwner) {
    pg_call([this] {
      BeginInternalSubTransaction(nullptr);
      MemoryContextSwitchTo(context_);
    });
  }
  void release() {
    pg_call([this] {
      ReleaseCurrentSubTransaction();
      restore();
    });
  }
  void rollback() {
    pg_call([this] {
      RollbackAndReleaseCurrentSubTransaction();
      restore();
    });
  }

 private:
  void restore() {
    MemoryContextSwitchTo(context_);
    CurrentResourceOwner = owner_;
  }
  MemoryContext context_;
  ResourceOwner owner_;
};

// Runs body in a subtransaction, kept when body returns true, undone when it returns false
// or throws.
template <typename Body>
bool in_subtransaction(Body&& body) {
  Subtransaction scope;
  bool kept = false;
  try {
    kept = body();
  } catch (...) {
    scope.rollback();
    throw;
  }
  if (kept) {
    scope.release();
  } else {
    scope.rollback();
  }
  return kept;
}

// Runs a plan; the rows stay in SPI_tuptable until the next call.
void prepare(Plan& plan) {
  pg_call([&] {
    if (!plan.plan) {
      // Generic plans: every statement here is written to stay on a primary key whatever the
      // parameters, and a custom plan per call costs more than the statement itself.
      SPIPlanPtr prepared = SPI_prepare_cursor(plan.sql, static_cast<int>(plan.types.size()),
                                               plan.types.data(), CURSOR_OPT_GENERIC_PLAN);
      if (!prepared)
        elog(ERROR, "khata: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
      SPI_keepplan(prepared);
      plan.plan = prepared;
    }
  });
}

uint64 run(Plan& plan, Datum* values, const char* nulls = nullptr) {
  prepare(plan);
  return pg_call([&]() -> uint64 {
    const int code = SPI_execute_plan(plan.plan, values, nulls, false, 0);
    if (code < 0) elog(ERROR, "khata: SPI_execute_plan failed: %s", SPI_result_code_string(code));
    return SPI_processed;
  });
}

// True when the generic plan of update_returning_plan reads the arrays as its outer side (a
// nested loop or hash join driven by the function scan, or a merge join on the key): the rows
// are then locked in the arrays' order. Asked on every use, since the plan is made again when
// the table's statistics change. (Rows locked out of order could at worst deadlock, which
// Postgres detects and refuses with 40P01; no balance is ever wrong.)
bool update_keeps_order() {
  prepare(update_returning_plan);
  return pg_call([] {
    CachedPlan* cached = SPI_plan_get_cached_plan(update_returning_plan.plan);
    if (!cached) return false;
    bool ok = false;
    if (list_length(cached->stmt_list) == 1) {
      const auto* stmt = linitial_node(PlannedStmt, cached->stmt_list);
      const ::Plan* top = stmt->planTree;
      const ::Plan* join = top && IsA(top, ModifyTable) ? top->lefttree : nullptr;
      if (join && IsA(join, MergeJoin)) ok = true;
      if (join && (IsA(join, NestLoop) || IsA(join, HashJoin)) && join->lefttree &&
          IsA(join->lefttree, FunctionScan))
        ok = true;
    }
    ReleaseCachedPlan(cached, CurrentResourceOwner);
    return ok;
  });
}

// Column accessors for the current SPI_tuptable (1-based columns, as SPI numbers them).
Datum column(uint64 row, int col, bool* isnull) {
  return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}
int64_t int8_column(uint64 row, int col) {
  bool isnull = false;
  const Datum d = column(row, col, &isnull);
  return isnull ? 0 : DatumGetInt64(d);
}
std::string text_column(uint64 row, int col) {
  bool isnull = false;
  const Datum d = column(row, col, &isnull);
  if (isnull) return {};
  const auto [data, size] = pg_call([&] {
    const text* plain = reinterpret_cast<const text*>(PG_DETOAST_DATUM_PACKED(d));
    return std::make_pair(static_cast<const char*>(VARDATA_ANY(plain)),
                          static_cast<size_t>(VARSIZE_ANY_EXHDR(plain)));
  });
  return std::string(data, size);
}
// None for SQL NULL, where the plain accessors give 0 or "".
std::optional<int64_t> optional_int8_column(uint64 row, int col) {
  bool isnull = false;
  const Datum d = column(row, col, &isnull);
  if (isnull) return std::nullopt;
  return DatumGetInt64(d);
}
std::optional<std::string> optional_text_column(uint64 row, int col) {
  bool isnull = false;
  column(row, col, &isnull);
  if (isnull) return std::nullopt;
  return text_column(row, col);
}
char char_column(uint64 row, int col) {
  bool isnull = false;
  const Datum d = column(row, col, &isnull);
  return isnull ? 0 : DatumGetChar(d);
}
bool bool_column(uint64 row, int col) {
  bool isnull = false;
  const Datum d = column(row, col, &isnull);
  return !isnull && DatumGetBool(d);
}
std::vector<int64_t> int8_array_column(uint64 row, int col) {
  bool isnull = false;
  const Datum d = column(row, col, &isnull);
  std::vector<int64_t> out;
  if (isnull) return out;
  pg_call([&] {
    ArrayType* array = DatumGetArrayTypeP(d);
    Datum* elems = nullptr;
    bool* nulls = nullptr;
    int n = 0;
    deconstruct_array(array, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
    out.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out[static_cast<size_t>(i)] = DatumGetInt64(elems[i]);
  });
  return out;
}

std::vector<ledger::Leg> legs_of(const std::vector<int64_t>& ids,
                                 const std::vector<int64_t>& amounts) {
  std::vector<ledger::Leg> legs;
  for (size_t i = 0; i < ids.size() && i < amounts.size(); ++i)
    legs.push_back({ids[i], amounts[i]});
  return legs;
}

// Array builders: the arrays live in the SPI procedure context until finish().
Datum int8_array(const std::vector<int64_t>& values) {
  return pg_call([&] {
    std::vector<Datum> datums(values.size());
    for (size_t i = 0; i < values.size(); ++i) datums[i] = Int64GetDatum(values[i]);
    return PointerGetDatum(construct_array(datums.data(), static_cast<int>(datums.size()), INT8OID,
                                           8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
  });
}
Datum int4_array(const std::vector<int32_t>& values) {
  return pg_call([&] {
    std::vector<Datum> datums(values.size());
    for (size_t i = 0; i < values.size(); ++i) datums[i] = Int32GetDatum(values[i]);
    return PointerGetDatum(construct_array(datums.data(), static_cast<int>(datums.size()), INT4OID,
                                           4, true, TYPALIGN_INT));
  });
}
Datum int2_array(const std::vector<int16_t>& values) {
  return pg_call([&] {
    std::vector<Datum> datums(values.size());
    for (size_t i = 0; i < values.size(); ++i) datums[i] = Int16GetDatum(values[i]);
    return PointerGetDatum(construct_array(datums.data(), static_cast<int>(datums.size()), INT2OID,
                                           2, true, TYPALIGN_SHORT));
  });
}
Datum tid_array(const std::vector<ItemPointerData>& values) {
  return pg_call([&] {
    std::vector<Datum> datums(values.size());
    for (size_t i = 0; i < values.size(); ++i)
      datums[i] = PointerGetDatum(const_cast<ItemPointerData*>(&values[i]));
    return PointerGetDatum(construct_array(datums.data(), static_cast<int>(datums.size()), TIDOID,
                                           sizeof(ItemPointerData), false, TYPALIGN_SHORT));
  });
}
Datum char_array(const std::vector<char>& values) {
  return pg_call([&] {
    std::vector<Datum> datums(values.size());
    for (size_t i = 0; i < values.size(); ++i) datums[i] = CharGetDatum(values[i]);
    return PointerGetDatum(construct_array(datums.data(), static_cast<int>(datums.size()), CHAROID,
                                           1, true, TYPALIGN_CHAR));
  });
}
// A 1-D array with NULL elements where values[i] is absent; elements are Datums already.
Datum nullable_array(const std::vector<std::optional<Datum>>& values, Oid type, int len, bool byval,
                     char align) {
  return pg_call([&] {
    std::vector<Datum> datums(values.size());
    // std::vector<bool> has no data(): keep a plain buffer.
    std::unique_ptr<bool[]> nulls(new bool[values.size() + 1]);
    for (size_t i = 0; i < values.size(); ++i) {
      nulls[i] = !values[i].has_value();
      datums[i] = values[i].value_or(Datum(0));
    }
    int dims[1] = {static_cast<int>(values.size())};
    int lbs[1] = {1};
    if (values.empty()) return PointerGetDatum(construct_empty_array(type));
    return PointerGetDatum(
        construct_md_array(datums.data(), nulls.get(), 1, dims, lbs, type, len, byval, align));
  });
}
Datum text_datum(const std::string& text) {
  return pg_call([&] {
    return PointerGetDatum(cstring_to_text_with_len(text.data(), static_cast<int>(text.size())));
  });
}
Datum text_array(const std::vector<std::optional<std::string>>& values) {
  std::vector<std::optional<Datum>> datums(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    datums[i] = text_datum(*values[i]);
  }
  return nullable_array(datums, TEXTOID, -1, false, TYPALIGN_INT);
}

std::string account_json(int64_t id, const Balance& b) {
  return "{\"account\": " + std::to_string(id) + ", \"posted\": " + std::to_string(b.posted) +
         ", \"pending\": " + std::to_string(b.pending()) +
         ", \"available\": " + std::to_string(b.available()) + "}";
}

ledger::Accounts read_accounts(int64_t book) {
  ledger::Accounts accounts;
  for (uint64 r = 0; r < SPI_processed; ++r) {
    if (int8_column(r, 8) != book) continue;
    ledger::Account a;
    a.id = int8_column(r, 1);
    a.code = text_column(r, 2);
    const auto type = ledger::parse_account_type(text_column(r, 3));
    if (!type) throw Error("XX000", "account " + a.code + " has an unknown type");
    a.type = *type;
    a.currency = text_column(r, 4);
    a.no_overdraft = bool_column(r, 5);
    a.closed = bool_column(r, 6);
    bool isnull = false;
    a.slots = DatumGetInt16(column(r, 7, &isnull));
    cache_account(book, a);
    accounts.emplace(a.id, std::move(a));
  }
  return accounts;
}

// The unique index a journal insert violated, "" for any other error.
std::string_view violated_index(const PgError& e) {
  const ErrorData* data = e.data();
  if (data->sqlerrcode != ERRCODE_UNIQUE_VIOLATION || !data->constraint_name) return {};
  return data->constraint_name;
}

// A unique violation of a journal insert, told in the ledger's terms: the keys were checked
// before the balance rows were locked, so it means a concurrent call wrote the same key, or
// resolved or reversed the same journal, first. `single` is the journal when only one is
// written. The balances updated before must not stand, so the call fails whole. Any other
// error is thrown again as it is.
[[noreturn]] void raise_insert_conflict(const PgError& e, const PendingJournal* single) {
  const std::string_view constraint = violated_index(e);
  if (constraint.empty()) throw e;
  const ErrorData* data = e.data();
  if (constraint == "journals_ref" && single && single->kind == 'R')
    throw Error(state::kAlreadyReversed,
                "journal " + std::to_string(single->ref) + " was reversed by a concurrent call");
  if (constraint == "journals_ref" && single)
    throw Error(state::kHoldNotPending,
                "hold " + std::to_string(single->ref) + " was resolved by a concurrent call");
  if (constraint != "journals_idempotency") throw e;
  const std::string detail = data->detail ? data->detail : "";
  if (single)
    throw Error(state::kSerializationFailure,
                "idempotency key \"" + single->idempotency_key +
                    "\" was written by a concurrent call; retry to replay it",
                detail);
  throw Error(state::kSerializationFailure,
              "an idempotency key of this batch was written by a concurrent call; retry to "
              "replay it",
              detail);
}

// Inserts a batch's journals when none of their keys is taken: true with the new ids in
// SPI_tuptable. ON CONFLICT probes the key index twice per row (once to check, once to
// insert), a plain INSERT once; a taken key undoes this insert and returns false.
bool claim_by_plain_insert(Datum* values) {
  Subtransaction attempt;
  try {
    run(insert_plan, values);
  } catch (const PgError& e) {
    const bool key_taken = violated_index(e) == "journals_idempotency";
    attempt.rollback();
    if (!key_taken) throw;
    return false;
  }
  attempt.release();
  return true;
}

// Runs the journal insert. A plain INSERT checks uniqueness while inserting; ON CONFLICT
// would probe each index twice.
uint64 insert_journals(Datum* values, const std::vector<PendingJournal>& journals,
                       const std::vector<size_t>& inserted) {
  try {
    return run(insert_plan, values);
  } catch (const PgError& e) {
    raise_insert_conflict(e, inserted.size() == 1 ? &journals[inserted[0]] : nullptr);
  }
}
}  // namespace

namespace {
// A hot account's slot is the backend's stripe modulo its slot count. A backend claims the
// lowest free stripe on first use and holds it until it exits, as a session advisory lock
// (classid kStripeLockClass, objid the stripe, objsubid 2, as pg_advisory_lock(int, int)
// names it), so up to 64 concurrent backends write 64 different stripes. Taken from the
// backend id instead, two backends shared a slot whenever the ids had a gap (a worker that
// held an id when they connected) and queued on its row. Only speed rests on it: the rows
// are locked all the same, so a stripe lost to pg_advisory_unlock_all is claimed again.
constexpr int kStripes = 64;                     // the most slots an account can have
constexpr uint32 kStripeLockClass = 0x6b686174;  // "khat"
int held_stripe = -1;
bool stripes_all_taken = false;

void stripe_tag(LOCKTAG* tag, int stripe) {
  SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, kStripeLockClass, static_cast<uint32>(stripe), 2);
}

int backend_stripe() {
  LOCKTAG tag;
  if (held_stripe >= 0) {
    stripe_tag(&tag, held_stripe);
    if (LockHeldByMe(&tag, ExclusiveLock)) return held_stripe;
    held_stripe = -1;
  }
  if (!stripes_all_taken) {
    held_stripe = pg_call([&tag] {
      for (int s = 0; s < kStripes; ++s) {
        stripe_tag(&tag, s);
        if (LockAcquire(&tag, ExclusiveLock, true, true) != LOCKACQUIRE_NOT_AVAIL) return s;
      }
      return -1;
    });
    if (held_stripe >= 0) return held_stripe;
    // More posting backends than stripes: share by backend id from now on.
    stripes_all_taken = true;
  }
  return static_cast<int>(static_cast<unsigned>(MyBackendId) % kStripes);
}
}  // namespace

int backend_slot(int slots) { return slots <= 1 ? 0 : backend_stripe() % slots; }

namespace {

// A no_overdraft account split into slots: each of its slots keeps a non-negative available
// balance, so a debit that one slot covers is safe without seeing the others.
bool escrowed(const ledger::Account& a) { return a.slots > 1 && a.no_overdraft; }

bool debits_escrowed(const std::vector<PendingJournal>& journals,
                     const ledger::Accounts& accounts) {
  for (const auto& j : journals) {
    if (j.failed() || j.replayed || j.duplicate_of >= 0) continue;
    for (const auto& [id, effect] : j.effects)
      if (escrowed(accounts.at(id)) && ledger::lowers_available(effect)) return true;
  }
  return false;
}

}  // namespace

LedgerSession::LedgerSession() {
  cache_sync();
  pg_call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "khata: SPI_connect failed");
  });
}

void LedgerSession::finish() {
  pg_call([] { SPI_finish(); });
}

ledger::Accounts LedgerSession::accounts_for(int64_t book,
                                             const std::vector<ledger::LegInput>& legs) {
  ledger::Accounts accounts;
  std::vector<int64_t> ids;
  std::vector<std::optional<std::string>> codes;
  for (const auto& leg : legs) {
    auto cached = leg.account.id > 0 ? cached_account(book, leg.account.id)
                                     : cached_account(book, leg.account.code);
    if (cached)
      accounts.emplace(cached->id, std::move(*cached));
    else if (leg.account.id > 0)
      ids.push_back(leg.account.id);
    else
      codes.emplace_back(leg.account.code);
  }
  if (!ids.empty()) {
    Datum values[1] = {int8_array(ids)};
    run(accounts_by_id_plan, values);
    for (auto& [id, account] : read_accounts(book)) accounts.emplace(id, std::move(account));
  }
  if (!codes.empty()) {
    Datum values[2] = {Int64GetDatum(book), text_array(codes)};
    run(accounts_by_code_plan, values);
    for (auto& [id, account] : read_accounts(book)) accounts.emplace(id, std::move(account));
  }
  return accounts;
}

ledger::Accounts LedgerSession::accounts_by_id(int64_t book, const std::vector<int64_t>& ids) {
  std::vector<ledger::LegInput> legs(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) legs[i].account.id = ids[i];
  return accounts_for(book, legs);
}

void LedgerSession::mark_repeats(std::vector<PendingJournal>& journals) {
  std::unordered_map<std::string_view, size_t> first_with_key;
  for (size_t i = 0; i < journals.size(); ++i) {
    auto& j = journals[i];
    if (j.failed() || j.idempotency_key.empty()) continue;
    auto [it, inserted] = first_with_key.emplace(j.idempotency_key, i);
    if (inserted) continue;
    const auto& first = journals[it->second];
    if (first.kind == j.kind && first.ref == j.ref && ledger::same_legs(first.legs, j.legs)) {
      j.duplicate_of = static_cast<int>(it->second);
    } else {
      j.error_sqlstate = state::kIdempotencyConflict;
      j.error_message = "idempotency key \"" + j.idempotency_key +
                        "\" is used earlier in this batch with different legs";
    }
  }
}

void LedgerSession::find_replays(int64_t book, std::vector<PendingJournal>& journals) {
  mark_repeats(journals);
  // The keys not yet written by this call: a claimed journal is its key's first use.
  std::unordered_map<std::string, size_t> first_with_key;
  std::vector<std::optional<std::string>> keys;
  for (size_t i = 0; i < journals.size(); ++i) {
    const auto& j = journals[i];
    if (j.failed() || j.idempotency_key.empty() || j.duplicate_of >= 0 || j.journal_id ||
        j.replayed)
      continue;
    if (first_with_key.emplace(j.idempotency_key, i).second) keys.emplace_back(j.idempotency_key);
  }
  if (keys.empty()) return;
  Datum values[2] = {Int64GetDatum(book), text_array(keys)};
  const uint64 rows = run(existing_keys_plan, values);
  for (uint64 r = 0; r < rows; ++r) {
    const std::string key = text_column(r, 1);
    auto it = first_with_key.find(key);
    if (it == first_with_key.end()) continue;
    auto& j = journals[it->second];
    const int64_t id = int8_column(r, 2);
    const char kind = char_column(r, 3);
    const int64_t ref = int8_column(r, 4);
    const auto legs = legs_of(int8_array_column(r, 5), int8_array_column(r, 6));
    if (kind == j.kind && ref == j.ref && ledger::same_legs(legs, j.legs)) {
      j.replayed = true;
      j.journal_id = id;
    } else {
      j.error_sqlstate = state::kIdempotencyConflict;
      j.error_message = "idempotency key \"" + key + "\" was used by journal " +
                        std::to_string(id) + " with different legs";
    }
  }
}

void LedgerSession::lock_balances(const std::vector<PendingJournal>& journals,
                                  const ledger::Accounts& accounts, bool slot_only) {
  // (account, slot) pairs to lock; slot -1: every slot of the account.
  std::map<int64_t, std::set<int>> wanted;
  for (const auto& j : journals) {
    if (j.failed() || j.replayed || j.duplicate_of >= 0) continue;
    for (const auto& [id, effect] : j.effects) {
      const ledger::Account& a = accounts.at(id);
      auto& slots = wanted[id];
      if (a.slots <= 1) {
        slots.insert(0);
      } else if (a.no_overdraft && ledger::lowers_available(effect) && !slot_only) {
        slots.insert(-1);
      } else {
        slots.insert(backend_slot(a.slots));
      }
    }
  }
  std::vector<int64_t> ids;
  std::vector<int16_t> slots;
  fully_locked_.clear();
  slot_locked_.clear();
  for (const auto& [id, set] : wanted) {
    if (escrowed(accounts.at(id)) && !set.count(-1)) slot_locked_.push_back(id);
    if (set.count(-1)) {
      fully_locked_.push_back(id);
      for (int s = 0; s < accounts.at(id).slots; ++s) {
        ids.push_back(id);
        slots.push_back(static_cast<int16_t>(s));
      }
      continue;
    }
    for (int s : set) {
      ids.push_back(id);
      slots.push_back(static_cast<int16_t>(s));
    }
  }
  locked_.clear();
  if (ids.empty()) return;
  Datum values[2] = {int8_array(ids), int2_array(slots)};
  const uint64 rows = run(lock_plan, values);
  // Fewer rows: the account's slots were changed since it was read (set_account_slots).
  if (rows != ids.size())
    throw Error(state::kSerializationFailure,
                "an account's balance slots changed during the posting; retry");
  for (uint64 r = 0; r < rows; ++r) {
    bool isnull = false;
    LockedRow row;
    row.account_id = int8_column(r, 1);
    row.slot = DatumGetInt16(column(r, 2, &isnull));
    row.balance = Balance{int8_column(r, 3), int8_column(r, 4), int8_column(r, 5)};
    row.ctid = *reinterpret_cast<ItemPointer>(DatumGetPointer(column(r, 6, &isnull)));
    locked_.push_back(row);
  }
}

bool LedgerSession::apply(int64_t book, std::vector<PendingJournal>& journals,
                          const ledger::Accounts& accounts, bool raise, bool claimed_must_pass) {
  // Whole-account balances of the fully locked accounts and of one-slot accounts; the one
  // locked slot of an escrowed account, whose debits that slot must cover.
  std::unordered_map<int64_t, Balance> running;
  const auto in = [](const std::vector<int64_t>& ids, int64_t id) {
    return std::binary_search(ids.begin(), ids.end(), id);
  };
  for (const auto& row : locked_) {
    const auto& a = accounts.at(row.account_id);
    if (a.slots <= 1 || in(fully_locked_, row.account_id) || in(slot_locked_, row.account_id))
      running[row.account_id] += row.balance;
  }
  // Decided in order before anything is written: a refusal of a claimed journal leaves the
  // journals untouched, for the caller to undo the claim.
  std::vector<std::pair<size_t, Error>> refused;
  std::map<std::pair<int64_t, int>, Balance> deltas;
  for (size_t i = 0; i < journals.size(); ++i) {
    auto& j = journals[i];
    if (j.failed() || j.replayed || j.duplicate_of >= 0) continue;
    try {
      for (const auto& [id, effect] : j.effects) {
        const auto& a = accounts.at(id);
        auto it = running.find(id);
        if (it != running.end()) ledger::check_overdraft(a, it->second, effect);
      }
      // Checked first and applied after: a refused journal leaves no trace.
      for (const auto& [id, effect] : j.effects) {
        const auto& a = accounts.at(id);
        auto it = running.find(id);
        if (it != running.end()) it->second += effect;
        deltas[{id, backend_slot(a.slots)}] += effect;
      }
    } catch (const Error& e) {
      if (raise) throw;
      if (claimed_must_pass && j.journal_id) return false;
      refused.emplace_back(i, e);
    }
  }
  for (const auto& [i, e] : refused) {
    journals[i].error_sqlstate = e.sqlstate();
    journals[i].error_message = e.what();
  }
  after_.clear();
  for (const auto& [id, balance] : running)
    if (!in(slot_locked_, id)) after_[id] = balance;
  // A no_overdraft account seen whole and changed is spread again over its slots, so that
  // each slot covers its share of the available balance by itself (see update_claimed).
  for (const int64_t id : fully_locked_) {
    const auto& a = accounts.at(id);
    const auto own = deltas.find({id, backend_slot(a.slots)});
    if (!escrowed(a) || own == deltas.end()) continue;
    const auto target = ledger::spread(running.at(id), a.slots);
    for (const auto& row : locked_) {
      if (row.account_id != id) continue;
      Balance d = target.at(static_cast<size_t>(row.slot));
      d += ledger::negate(row.balance);
      deltas[{id, row.slot}] = d;
    }
  }

  std::vector<ItemPointerData> rows;
  std::vector<int64_t> posted, pending_out, pending_in;
  for (const auto& [key, d] : deltas) {
    if (d.posted == 0 && d.pending_out == 0 && d.pending_in == 0) continue;
    // Every delta's row is locked: lock_balances took the slot this backend writes.
    const auto row = std::lower_bound(
        locked_.begin(), locked_.end(), key,
        [](const LockedRow& r, const auto& k) { return std::make_pair(r.account_id, r.slot) < k; });
    if (row == locked_.end() || row->account_id != key.first || row->slot != key.second)
      throw Error("XX000", "balance row of account " + std::to_string(key.first) +
                               " was not locked before its update");
    rows.push_back(row->ctid);
    posted.push_back(d.posted);
    pending_out.push_back(d.pending_out);
    pending_in.push_back(d.pending_in);
  }
  if (!rows.empty()) {
    Datum values[4] = {tid_array(rows), int8_array(posted), int8_array(pending_out),
                       int8_array(pending_in)};
    if (run(update_plan, values) != rows.size())
      throw Error(state::kSerializationFailure,
                  "an account's balance slots changed during the posting; retry");
  }

  insert(book, journals, false);
  settle_repeats(journals);
  return true;
}

void LedgerSession::settle_repeats(std::vector<PendingJournal>& journals) {
  for (auto& j : journals) {
    if (j.duplicate_of < 0) continue;
    const auto& first_one = journals[static_cast<size_t>(j.duplicate_of)];
    if (first_one.failed()) {
      j.error_sqlstate = first_one.error_sqlstate;
      j.error_message = first_one.error_message;
    } else {
      j.journal_id = first_one.journal_id;
      j.replayed = true;
    }
  }
}

LedgerSession::Update LedgerSession::update_claimed(std::vector<PendingJournal>& journals,
                                                    const ledger::Accounts& accounts, bool raise,
                                                    bool totals) {
  // Every journal to post is claimed already. A debit of an escrowed account is checked
  // against this backend's slot alone; when the slot does not cover it, the journal is
  // refused here and the caller, having undone this update, locks every slot. That needs a
  // caller that can undo: with raise set, such a debit is left to the lock-then-update path.
  if (raise && debits_escrowed(journals, accounts)) return Update::kNotDone;
  std::map<std::pair<int64_t, int>, Balance> deltas;
  for (const auto& j : journals) {
    if (j.failed() || j.replayed || j.duplicate_of >= 0) continue;
    if (!j.journal_id) return Update::kNotDone;
    for (const auto& [id, effect] : j.effects)
      deltas[{id, backend_slot(accounts.at(id).slots)}] += effect;
  }
  if (deltas.empty()) return Update::kDone;
  if (!update_keeps_order()) return Update::kNotDone;
  std::vector<int64_t> ids, posted, pending_out, pending_in;
  std::vector<int16_t> slots, slot_counts;
  for (const auto& [key, d] : deltas) {
    ids.push_back(key.first);
    slots.push_back(static_cast<int16_t>(key.second));
    // A slot count of 1 skips the read of a hot account's total.
    slot_counts.push_back(static_cast<int16_t>(totals ? accounts.at(key.first).slots : 1));
    posted.push_back(d.posted);
    pending_out.push_back(d.pending_out);
    pending_in.push_back(d.pending_in);
  }
  Datum values[6] = {int8_array(ids),         int2_array(slots),      int8_array(posted),
                     int8_array(pending_out), int8_array(pending_in), int2_array(slot_counts)};
  const uint64 rows = run(update_returning_plan, values);
  if (rows != deltas.size())
    throw Error(state::kSerializationFailure,
                "an account's balance slots changed during the posting; retry");
  // The balances before this call, of the accounts kept in one row and of the escrowed
  // accounts' slots written; then every journal is decided again in order against them, as
  // apply() would have.
  std::unordered_map<int64_t, Balance> running, hot_totals;
  for (uint64 r = 0; r < rows; ++r) {
    const int64_t id = int8_column(r, 1);
    const auto& a = accounts.at(id);
    bool isnull = false;
    const Balance& delta = deltas.at({id, DatumGetInt16(column(r, 2, &isnull))});
    if (a.slots > 1) {
      const auto sums = int8_array_column(r, 6);
      if (sums.size() == 3) {
        hot_totals[id] = Balance{sums[0], sums[1], sums[2]};
        hot_totals[id] += delta;
      }
      if (!escrowed(a)) continue;
    }
    const Balance after{int8_column(r, 3), int8_column(r, 4), int8_column(r, 5)};
    running[id] = after;
    running[id] += ledger::negate(delta);
  }
  for (const auto& j : journals) {
    if (j.failed() || j.replayed || j.duplicate_of >= 0) continue;
    try {
      for (const auto& [id, effect] : j.effects) {
        auto it = running.find(id);
        if (it != running.end()) ledger::check_overdraft(accounts.at(id), it->second, effect);
      }
    } catch (const Error&) {
      if (raise) throw;
      return Update::kRefused;
    }
    for (const auto& [id, effect] : j.effects) {
      auto it = running.find(id);
      if (it != running.end()) it->second += effect;
    }
  }
  after_ = std::move(hot_totals);
  for (const auto& [id, balance] : running)
    if (accounts.at(id).slots <= 1) after_[id] = balance;
  settle_repeats(journals);
  return Update::kDone;
}

void LedgerSession::post_claimed(int64_t book, std::vector<PendingJournal>& journals,
                                 const ledger::Accounts& accounts) {
  if (!debits_escrowed(journals, accounts)) {
    if (update_claimed(journals, accounts, true, true) == Update::kNotDone)
      post(book, journals, accounts, true, [] {});
    return;
  }
  // Tried on this backend's slot first, in a subtransaction that a refusal undoes (its row
  // locks with it); then every slot is locked, and the refusal, if it stands, raised.
  if (in_subtransaction([&] { return post_on_slots(book, journals, accounts, true); })) return;
  post(book, journals, accounts, true, [] {});
}

bool LedgerSession::post_on_slots(int64_t book, std::vector<PendingJournal>& journals,
                                  const ledger::Accounts& accounts, bool totals) {
  const Update update = update_claimed(journals, accounts, false, totals);
  if (update != Update::kNotDone) return update == Update::kDone;
  lock_balances(journals, accounts, true);
  return apply(book, journals, accounts, false, true);
}

void LedgerSession::post_batch(int64_t book, std::vector<PendingJournal>& journals,
                               const ledger::Accounts& accounts) {
  // The journals are written before the balance rows are locked, so the rows stay locked
  // only for the update and the commit. A refusal after the claim (an overdraft) undoes the
  // claim and posts the batch again the plain way, writing only what passes.
  const bool posted = in_subtransaction([&] {
    insert(book, journals, true);
    // A key the claim skipped exists already: the first journal replays, or conflicts.
    find_replays(book, journals);
    for (auto& j : journals)
      if (!j.failed() && !j.replayed && j.duplicate_of < 0 && !j.journal_id) {
        j.error_sqlstate = state::kSerializationFailure;
        j.error_message = "idempotency key \"" + j.idempotency_key +
                          "\" is being written by a concurrent call; retry to replay it";
      }
    return post_on_slots(book, journals, accounts, false);
  });
  if (posted) return;
  for (auto& j : journals)
    if (!j.replayed) j.journal_id = 0;
  lock_balances(journals, accounts);
  apply(book, journals, accounts, false, false);
}

bool LedgerSession::insert(int64_t book, std::vector<PendingJournal>& journals, bool claim) {
  std::vector<char> kinds;
  std::vector<std::optional<Datum>> refs, effective, expires;
  std::vector<std::optional<std::string>> keys, memos, metadata;
  std::vector<int32_t> first, last;
  std::vector<int64_t> leg_accounts, leg_amounts;
  std::vector<size_t> inserted;
  for (size_t i = 0; i < journals.size(); ++i) {
    const auto& j = journals[i];
    if (j.failed() || j.replayed || j.duplicate_of >= 0 || j.journal_id) continue;
    inserted.push_back(i);
    kinds.push_back(j.kind);
    refs.push_back(j.ref ? std::optional<Datum>(Int64GetDatum(j.ref)) : std::nullopt);
    keys.push_back(j.idempotency_key.empty() ? std::nullopt
                                             : std::optional<std::string>(j.idempotency_key));
    effective.push_back(j.effective_at);
    expires.push_back(j.expires_at);
    first.push_back(static_cast<int32_t>(leg_accounts.size() + 1));
    for (const auto& leg : j.legs) {
      leg_accounts.push_back(leg.account_id);
      leg_amounts.push_back(leg.amount);
    }
    last.push_back(static_cast<int32_t>(leg_accounts.size()));
    memos.push_back(j.memo);
    metadata.push_back(j.metadata_json);
  }
  if (claim && inserted.size() == 1) return claim_one(book, journals[inserted[0]]);
  if (!inserted.empty()) {
    Datum values[12] = {
        Int64GetDatum(book),
        char_array(kinds),
        nullable_array(refs, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE),
        text_array(keys),
        nullable_array(effective, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE),
        nullable_array(expires, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE),
        int4_array(first),
        int4_array(last),
        int8_array(leg_accounts),
        int8_array(leg_amounts),
        text_array(memos),
        text_array(metadata)};
    // RETURNING yields the rows in the order of the unnest that produced them.
    if (!claim) {
      const uint64 rows = insert_journals(values, journals, inserted);
      if (rows != inserted.size())
        throw Error("XX000", "journal insert returned " + std::to_string(rows) + " rows for " +
                                 std::to_string(inserted.size()));
      for (uint64 r = 0; r < rows; ++r) journals[inserted[r]].journal_id = int8_column(r, 1);
      return true;
    }
    // Keys are rarely taken: a plain insert, in a subtransaction of its own, checks each
    // key once. Only when one is taken is the insert undone and the claim below made.
    if (claim_by_plain_insert(values)) {
      for (uint64 r = 0; r < inserted.size(); ++r)
        journals[inserted[r]].journal_id = int8_column(r, 1);
      return true;
    }
    // A claim returns only the journals it wrote: a key that is taken is skipped. Keys are
    // distinct within a call (find_replays marks a batch's repeats), so they tell which.
    const uint64 rows = run(claim_plan, values);
    uint64 r = 0;
    for (size_t i : inserted) {
      if (r == rows) break;
      if (text_column(r, 2) != journals[i].idempotency_key) continue;
      journals[i].journal_id = int8_column(r, 1);
      ++r;
    }
    if (r != rows)
      throw Error("XX000", "journal claim returned " + std::to_string(rows) +
                               " rows that do not match the journals written");
    return rows == inserted.size();
  }
  return true;
}

bool LedgerSession::claim_one(int64_t book, PendingJournal& j) {
  std::vector<int64_t> ids, amounts;
  for (const auto& leg : j.legs) {
    ids.push_back(leg.account_id);
    amounts.push_back(leg.amount);
  }
  Datum values[10] = {Int64GetDatum(book),
                      CharGetDatum(j.kind),
                      Int64GetDatum(j.ref),
                      j.idempotency_key.empty() ? Datum(0) : text_datum(j.idempotency_key),
                      j.effective_at.value_or(Datum(0)),
                      j.expires_at.value_or(Datum(0)),
                      int8_array(ids),
                      int8_array(amounts),
                      j.memo ? text_datum(*j.memo) : Datum(0),
                      j.metadata_json ? text_datum(*j.metadata_json) : Datum(0)};
  const char nulls[11] = {' ',
                          ' ',
                          j.ref ? ' ' : 'n',
                          j.idempotency_key.empty() ? 'n' : ' ',
                          j.effective_at ? ' ' : 'n',
                          j.expires_at ? ' ' : 'n',
                          ' ',
                          ' ',
                          j.memo ? ' ' : 'n',
                          j.metadata_json ? ' ' : 'n',
                          '\0'};
  // The claim skips a taken key; a reversal or hold outcome written first by another call
  // (the journals_ref index) still raises.
  uint64 rows = 0;
  try {
    rows = run(claim_one_plan, values, nulls);
  } catch (const PgError& e) {
    raise_insert_conflict(e, &j);
  }
  if (rows == 0) return false;
  j.journal_id = int8_column(0, 1);
  return true;
}

bool LedgerSession::claim(int64_t book, std::vector<PendingJournal>& journals) {
  return insert(book, journals, true);
}

std::optional<StoredJournal> LedgerSession::journal(int64_t id) {
  Datum values[1] = {Int64GetDatum(id)};
  if (run(journal_plan, values) == 0) return std::nullopt;
  StoredJournal j;
  j.id = int8_column(0, 1);
  j.book_id = int8_column(0, 2);
  j.kind = char_column(0, 3);
  j.ref = int8_column(0, 4);
  j.legs = legs_of(int8_array_column(0, 5), int8_array_column(0, 6));
  bool isnull = false;
  const Datum expires = column(0, 7, &isnull);
  if (!isnull) j.expires_at = expires;
  j.expired_by_now = bool_column(0, 8);
  return j;
}

std::optional<PricingLookup> LedgerSession::pricing(int64_t schedule, const std::string& operation,
                                                    const std::string& idempotency_key) {
  PricingLookup found;
  if (auto cached = cached_pricing(schedule, operation)) {
    found.book = cached->book;
    found.rules = std::move(cached->rules);
    found.settings = std::move(cached->settings);
    Datum values[2] = {Int64GetDatum(found.book), text_datum(idempotency_key)};
    if (run(replay_plan, values) > 0) {
      found.previous_journal = int8_column(0, 1);
      found.previous_quote = optional_text_column(0, 2);
    }
    return found;
  }
  Datum values[3] = {Int64GetDatum(schedule), text_datum(idempotency_key), text_datum(operation)};
  if (run(pricing_plan, values) == 0) return std::nullopt;
  found.book = int8_column(0, 1);
  found.previous_journal = int8_column(0, 2);
  found.previous_quote = optional_text_column(0, 3);
  found.rules = optional_text_column(0, 4);
  found.settings = optional_text_column(0, 5).value_or(found.settings);
  cache_pricing(schedule, operation, CachedPricing{found.book, found.rules, found.settings});
  return found;
}

std::optional<Spending> LedgerSession::count_spending(int64_t account, int64_t amount,
                                                      Datum moment) {
  auto context = cached_spending_context(account);
  if (!context) {
    Datum values[1] = {Int64GetDatum(account)};
    if (run(spending_context_plan, values) == 0) return std::nullopt;
    context.emplace();
    context->book = int8_column(0, 1);
    context->timezone = text_column(0, 2);
    context->daily = optional_int8_column(0, 3);
    context->monthly = optional_int8_column(0, 4);
    cache_spending_context(account, *context);
  }
  Datum values[5] = {Int64GetDatum(context->book), Int64GetDatum(account), Int64GetDatum(amount),
                     moment, text_datum(context->timezone)};
  const uint64 rows = run(spend_plan, values);
  Spending s;
  s.daily_limit = context->daily;
  s.monthly_limit = context->monthly;
  for (uint64 r = 0; r < rows; ++r)
    (bool_column(r, 1) ? s.daily_spent : s.monthly_spent) = int8_column(r, 2);
  return s;
}

std::optional<std::pair<int64_t, char>> LedgerSession::outcome_of(int64_t id) {
  Datum values[1] = {Int64GetDatum(id)};
  if (run(outcome_plan, values) == 0) return std::nullopt;
  return std::make_pair(int8_column(0, 1), char_column(0, 2));
}

std::string LedgerSession::balances_json(const std::vector<int64_t>& ids,
                                         const ledger::Accounts& known) {
  // One-slot and fully locked accounts are known from the locked rows; a hot account's other
  // slots are read.
  std::vector<int64_t> to_read;
  for (int64_t id : ids)
    if (!after_.count(id)) to_read.push_back(id);
  std::unordered_map<int64_t, Balance> read;
  if (!to_read.empty()) {
    Datum values[1] = {int8_array(to_read)};
    const uint64 rows = run(sums_plan, values);
    for (uint64 r = 0; r < rows; ++r)
      read[int8_column(r, 1)] = Balance{int8_column(r, 2), int8_column(r, 3), int8_column(r, 4)};
  }
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ", ";
    auto it = after_.find(ids[i]);
    out += account_json(ids[i], it != after_.end() ? it->second : read[ids[i]]);
  }
  return out + "]";
}

}  // namespace khata::pg
