// One libpq connection, owned by one worker thread.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

namespace khatad {

class Connection {
 public:
  explicit Connection(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // Connects (or reconnects after a broken connection); false with error() set on failure.
  bool ensure();
  // Runs `SELECT 1`; false when the database cannot be reached.
  bool ping();
  const std::string& error() const { return error_; }

 private:
  struct Closer {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  std::string conninfo_;
  std::unique_ptr<PGconn, Closer> conn_;
  std::string error_;
};

}  // namespace khatad
