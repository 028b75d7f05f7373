#include "server.h"

#include "db.h"

namespace khatad {
namespace {

using Pistache::Http::Code;

// Each worker thread owns its database connection.
Connection& thread_connection(const std::string& conninfo) {
  thread_local Connection connection(conninfo);
  return connection;
}

void send_json(Pistache::Http::ResponseWriter& response, Code code, const std::string& body) {
  response.headers().add<Pistache::Http::Header::ContentType>(
      Pistache::Http::Mime::MediaType("application/json"));
  response.send(code, body);
}

}  // namespace

void RequestHandler::onRequest(const Pistache::Http::Request& request,
                               Pistache::Http::ResponseWriter response) {
  // Nothing may escape a handler: Pistache would answer with e.what() as the body.
  try {
    if (request.resource() == "/healthz") {
      if (request.method() != Pistache::Http::Method::Get) {
        response.headers().addRaw(Pistache::Http::Header::Raw("Allow", "GET"));
        send_json(response, Code::Method_Not_Allowed,
                  R"({"error":"method_not_allowed","message":"use GET"})");
        return;
      }
      healthz(response);
      return;
    }
    send_json(response, Code::Not_Found, R"({"error":"not_found","message":"no such route"})");
  } catch (...) {
    send_json(response, Code::Internal_Server_Error,
              R"({"error":"internal","message":"internal error"})");
  }
}

void RequestHandler::healthz(Pistache::Http::ResponseWriter& response) {
  if (thread_connection(config_.conninfo).ping()) {
    send_json(response, Code::Ok, R"({"status":"ok","db":"ok"})");
  } else {
    send_json(response, Code::Service_Unavailable,
              R"({"status":"unavailable","db":"unreachable"})");
  }
}

}  // namespace khatad
