#include "route_store.h"

#include <poll.h>

#include <ctime>

#include "db.h"
#include "log.h"

namespace khatad {

RouteStore::RouteStore(std::string conninfo, std::map<std::string, std::string> mounts)
    : conninfo_(std::move(conninfo)),
      mounts_(std::move(mounts)),
      table_(std::make_shared<RouteTable>(std::vector<Route>{}, mounts_)) {}

RouteStore::~RouteStore() { stop(); }

void RouteStore::load() {
  Connection connection(conninfo_);
  auto table = std::make_shared<const RouteTable>(connection.load_routes(), mounts_);
  std::atomic_store(&table_, table);
}

void RouteStore::start_listening() {
  listener_ = std::thread([this] { listen_loop(); });
}

void RouteStore::stop() {
  stopping_ = true;
  if (listener_.joinable()) listener_.join();
}

void RouteStore::listen_loop() {
  Connection connection(conninfo_);
  bool listening = false;
  while (!stopping_) {
    if (!listening) {
      // Routes may have changed while we were not listening: reload after every LISTEN.
      listening = connection.listen_routes();
      if (!listening) {
        connection.reset();
        for (int i = 0; i < 10 && !stopping_; ++i) {
          struct timespec pause = {0, 100 * 1000 * 1000};
          nanosleep(&pause, nullptr);
        }
        continue;
      }
      try {
        std::atomic_store(&table_,
                          std::make_shared<const RouteTable>(connection.load_routes(), mounts_));
      } catch (const std::exception& e) {
        log_event(LogLevel::error, "cannot reload routes", {{"error", e.what()}});
      }
    }
    PGconn* conn = connection.raw();
    struct pollfd fd = {PQsocket(conn), POLLIN, 0};
    if (poll(&fd, 1, 200) < 0) continue;
    if (PQconsumeInput(conn) != 1) {
      listening = false;
      connection.reset();
      continue;
    }
    bool changed = false;
    while (PGnotify* note = PQnotifies(conn)) {
      changed = true;
      PQfreemem(note);
    }
    if (!changed) continue;
    try {
      std::atomic_store(&table_,
                        std::make_shared<const RouteTable>(connection.load_routes(), mounts_));
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "cannot reload routes", {{"error", e.what()}});
    }
  }
}

}  // namespace khatad
