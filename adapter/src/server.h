// The HTTP side of khatad: one Pistache handler that dispatches every request itself.
#pragma once

#include <pistache/http.h>

#include "config.h"

namespace khatad {

class RequestHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(RequestHandler)

  explicit RequestHandler(Config config) : config_(std::move(config)) {}

  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override;

 private:
  void healthz(Pistache::Http::ResponseWriter& response);

  Config config_;
};

}  // namespace khatad
