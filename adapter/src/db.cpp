#include "db.h"

#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>

namespace khatad {
namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

Result wrap(PGresult* r) { return Result(r, PQclear); }

// One statement is one implicit transaction (extended protocol: Bind, Execute, Sync), so a
// request costs one round trip and an error rolls everything back. The settings come first:
// the handler's argument depends on them (LATERAL), so they are set before it runs;
// transaction_read_only set there is SET TRANSACTION READ ONLY.
std::string call_sql(const std::string& handler) {
  return "SELECT t.r->>'status', t.r->'body', t.r->'headers', t.r->'set_token' "
         "FROM (SELECT pg_catalog.set_config('request.claims', $1, true), "
         "pg_catalog.set_config('request.id', $2, true), "
         "pg_catalog.set_config('transaction_read_only', $3, true)) AS s(claims, id, read_only), "
         "LATERAL " +
         handler +
         "(CASE WHEN s.read_only IS NOT NULL "
         "THEN $4::jsonb || jsonb_build_object('body', $5::jsonb) END) AS t(r)";
}

HandlerResult error_of(const PGresult* r, PGconn* conn) {
  HandlerResult out;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* message = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  out.sqlstate = state ? state : "08006";
  out.message = message ? message : PQerrorMessage(conn);
  out.detail = detail ? detail : "";
  return out;
}

}  // namespace

bool Connection::ensure() {
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return true;
  reset();
  conn_.reset(PQconnectdb(conninfo_.c_str()));
  if (PQstatus(conn_.get()) == CONNECTION_OK) {
    error_.clear();
    return true;
  }
  error_ = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
  conn_.reset();
  return false;
}

void Connection::reset() {
  conn_.reset();
  statements_.clear();
  session_timeout_ms_ = -1;
}

bool Connection::ping() {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ensure()) return false;
    Result r = wrap(PQexec(conn_.get(), "SELECT 1"));
    if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) return true;
    error_ = PQerrorMessage(conn_.get());
    // A connection broken since its last use fails once; reconnect and try again.
    if (PQstatus(conn_.get()) != CONNECTION_BAD) return false;
    reset();
  }
  return false;
}

bool Connection::prepare(const std::string& name, const std::string& sql, HandlerResult& failed) {
  Result r = wrap(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
  if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) return true;
  failed = error_of(r.get(), conn_.get());
  if (PQstatus(conn_.get()) == CONNECTION_BAD) reset();
  return false;
}

HandlerResult Connection::call(const HandlerCall& call, int retries, void (*on_retry)(void*),
                               void* retry_context) {
  thread_local std::mt19937 random{std::random_device{}()};
  HandlerResult result;
  for (int attempt = 0;; ++attempt) {
    // A connection found broken before anything was sent is safe to replace and use.
    if (!ensure()) {
      result = HandlerResult{};
      result.sqlstate = "08006";
      result.message = error_;
      result.attempts = attempt + 1;
      return result;
    }
    // statement_timeout is a setting of the session: a SET inside the statement would only
    // reach the statements after it.
    if (session_timeout_ms_ != call.statement_timeout_ms) {
      const std::string set =
          "SET statement_timeout = " + std::to_string(call.statement_timeout_ms);
      Result r = wrap(PQexec(conn_.get(), set.c_str()));
      if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        result = error_of(r.get(), conn_.get());
        result.attempts = attempt + 1;
        if (PQstatus(conn_.get()) == CONNECTION_BAD) reset();
        return result;
      }
      session_timeout_ms_ = call.statement_timeout_ms;
    }
    auto statement = statements_.find(call.handler);
    if (statement == statements_.end()) {
      const std::string name = "h" + std::to_string(statements_.size());
      HandlerResult failed;
      if (!prepare(name, call_sql(call.handler), failed)) return failed;
      statement = statements_.emplace(call.handler, name).first;
    }
    result = call_once(call, statement->second);
    result.attempts = attempt + 1;
    if (result.ok || attempt >= retries ||
        (result.sqlstate != "40001" && result.sqlstate != "40P01"))
      return result;
    if (on_retry) on_retry(retry_context);
    std::uniform_int_distribution<int> jitter(1, 10 * (attempt + 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
  }
}

HandlerResult Connection::call_once(const HandlerCall& call, const std::string& statement) {
  PGconn* conn = conn_.get();
  const char* params[5] = {call.claims.c_str(), call.request_id.c_str(),
                           call.read_only ? "on" : "off", call.request.c_str(),
                           call.body ? call.body->c_str() : nullptr};
  Result r = wrap(PQexecPrepared(conn, statement.c_str(), 5, params, nullptr, nullptr, 0));
  HandlerResult out;
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    out = error_of(r.get(), conn);
    // No result, or a broken connection: the next call reconnects.
    if (!r || PQstatus(conn) == CONNECTION_BAD) reset();
    return out;
  }
  if (PQntuples(r.get()) != 1) {
    out.sqlstate = "XX000";
    out.message = "the handler returned no row";
    return out;
  }
  auto text = [&](int column) {
    return PQgetisnull(r.get(), 0, column) ? std::string()
                                           : std::string(PQgetvalue(r.get(), 0, column));
  };
  out.ok = true;
  out.status = text(0);
  out.body = text(1);
  out.headers = text(2);
  out.set_token = text(3);
  return out;
}

std::vector<Route> Connection::load_routes() {
  if (!ensure()) throw std::runtime_error(error_);
  Result r =
      wrap(PQexec(conn_.get(),
                  "SELECT r.app, r.method, r.path, "
                  "quote_ident(n.nspname) || '.' || quote_ident(p.proname), r.auth, r.read_only "
                  "FROM khata.routes r JOIN pg_catalog.pg_proc p ON p.oid = r.handler "
                  "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                  "ORDER BY r.app, r.path, r.method"));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    throw std::runtime_error(std::string("cannot read khata.routes: ") +
                             PQresultErrorMessage(r.get()));
  std::vector<Route> routes;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    Route route;
    route.app = PQgetvalue(r.get(), i, 0);
    route.method = PQgetvalue(r.get(), i, 1);
    route.pattern = PQgetvalue(r.get(), i, 2);
    route.handler = PQgetvalue(r.get(), i, 3);
    const std::string auth = PQgetvalue(r.get(), i, 4);
    route.auth = auth == "none" ? Auth::none : auth == "refresh" ? Auth::refresh : Auth::token;
    route.read_only = PQgetvalue(r.get(), i, 5)[0] == 't';
    routes.push_back(std::move(route));
  }
  return routes;
}

bool Connection::listen_routes() {
  if (!ensure()) return false;
  Result r = wrap(PQexec(conn_.get(), "LISTEN khata_routes"));
  return PQresultStatus(r.get()) == PGRES_COMMAND_OK;
}

}  // namespace khatad
