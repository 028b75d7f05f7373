// The HTTP side of khatad: one Pistache handler that dispatches every request itself (Pistache's
// router races on unknown methods), answers synchronously and lets no exception escape.
#pragma once

#include <pistache/http.h>
#include <pistache/peer.h>

#include <atomic>
#include <memory>

#include "config.h"
#include "jwt.h"
#include "metrics.h"
#include "rate_limit.h"
#include "route_store.h"

namespace khatad {

// What every worker thread's copy of the handler shares.
struct Shared {
  Shared(Config c, JwtKeys k);
  Config config;
  JwtKeys keys;
  RouteStore routes;
  Metrics metrics;
  RateLimiter limiter;
  std::atomic<int> connections{0};
  std::atomic<int> in_flight{0};
  // Set on SIGTERM/SIGINT: requests still running finish, new ones are answered 503.
  std::atomic<bool> draining{false};
};

class RequestHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(RequestHandler)

  explicit RequestHandler(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override;
  // Counts open connections; one past the cap is answered 503 and closed.
  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace khatad
