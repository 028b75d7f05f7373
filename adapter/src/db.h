// One libpq connection, owned by one worker thread, and the one call a request becomes.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "route_matcher.h"

namespace khatad {

struct HandlerCall {
  std::string handler;              // schema-qualified function name
  std::string request;              // req as JSON text, without its body
  std::optional<std::string> body;  // the raw body text, cast to jsonb by Postgres
  std::string claims;               // JSON text, or "" when there are none
  std::string request_id;
  int statement_timeout_ms = 0;
  bool read_only = false;
};

struct HandlerResult {
  bool ok = false;
  // ok: the handler's result, each part as JSON text ("" when absent).
  std::string status, body, headers, set_token;
  // !ok: the error raised, or 08006 when the connection was lost.
  std::string sqlstate, message, detail;
  int attempts = 0;
};

class Connection {
 public:
  explicit Connection(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // Connects (or reconnects after a broken connection); false with error() set on failure.
  bool ensure();
  // Runs `SELECT 1`; false when the database cannot be reached.
  bool ping();
  const std::string& error() const { return error_; }

  // One transaction, one statement, one round trip: set_config (claims, request id,
  // read-only) and the handler call; statement_timeout is set on the session once. 40001 and 40P01
  // are retried up to `retries` times with jitter; `on_retry` counts them.
  HandlerResult call(const HandlerCall& call, int retries, void (*on_retry)(void*),
                     void* retry_context);

  // The routes of khata.routes; throws std::runtime_error when they cannot be read.
  std::vector<Route> load_routes();
  // LISTEN khata_routes on this connection.
  bool listen_routes();
  PGconn* raw() { return conn_.get(); }
  void reset();

 private:
  HandlerResult call_once(const HandlerCall& call, const std::string& statement);
  bool prepare(const std::string& name, const std::string& sql, HandlerResult& failed);

  struct Closer {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  std::string conninfo_;
  std::unique_ptr<PGconn, Closer> conn_;
  std::string error_;
  std::unordered_map<std::string, std::string> statements_;  // handler -> prepared name
  int session_timeout_ms_ = -1;                              // statement_timeout set, or -1
};

}  // namespace khatad
