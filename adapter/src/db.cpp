#include "db.h"

namespace khatad {

bool Connection::ensure() {
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return true;
  conn_.reset(PQconnectdb(conninfo_.c_str()));
  if (PQstatus(conn_.get()) == CONNECTION_OK) {
    error_.clear();
    return true;
  }
  error_ = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
  conn_.reset();
  return false;
}

bool Connection::ping() {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ensure()) return false;
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_.get(), "SELECT 1"), PQclear);
    if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) return true;
    error_ = PQerrorMessage(conn_.get());
    // A connection broken since its last use fails once; reconnect and try again.
    if (PQstatus(conn_.get()) != CONNECTION_BAD) return false;
    conn_.reset();
  }
  return false;
}

}  // namespace khatad
