// The routes in force: loaded from khata.routes at start, reloaded on NOTIFY khata_routes by
// a thread with its own connection, swapped atomically under the workers.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "route_matcher.h"

namespace khatad {

class RouteStore {
 public:
  RouteStore(std::string conninfo, std::map<std::string, std::string> mounts);
  ~RouteStore();
  RouteStore(const RouteStore&) = delete;
  RouteStore& operator=(const RouteStore&) = delete;

  // Loads the routes now; throws std::runtime_error saying why it cannot.
  void load();
  // Starts listening for NOTIFY khata_routes (reconnecting as needed) until stop().
  void start_listening();
  void stop();

  std::shared_ptr<const RouteTable> current() const { return std::atomic_load(&table_); }

 private:
  void listen_loop();

  std::string conninfo_;
  std::map<std::string, std::string> mounts_;
  std::shared_ptr<const RouteTable> table_;
  std::atomic<bool> stopping_{false};
  std::thread listener_;
};

}  // namespace khatad
