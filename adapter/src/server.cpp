#include "server.h"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <sstream>

#include "base64.h"
#include "db.h"
#include "error_map.h"
#include "json_body.h"
#include "log.h"
#include "multipart.h"

namespace khatad {
namespace {

using Json = nlohmann::json;
using Pistache::Http::Code;

// A response header of any name: Pistache 0.0.5 writes only typed headers, never raw ones.
class Field : public Pistache::Http::Header::Header {
 public:
  Field(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return std::hash<std::string>()(name_); }
#endif

 private:
  std::string name_;
  std::string value_;
};

void add_header(Pistache::Http::ResponseWriter& response, std::string name, std::string value) {
  response.headers().add(std::make_shared<Field>(std::move(name), std::move(value)));
}

constexpr int kRetries = 3;

// The worker thread's connection to a server, the primary's or the replica's (--replica),
// made on first use and kept for the thread's life.
Connection& thread_connection(const std::string& conninfo) {
  thread_local std::map<std::string, Connection, std::less<>> connections;
  return connections.try_emplace(conninfo, conninfo).first->second;
}

int64_t epoch_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A client's X-Request-Id is kept when it is short and plain; otherwise we make one.
std::string request_id_for(const Pistache::Http::Request& request) {
  const auto given = request.headers().tryGetRaw("X-Request-Id");
  if (given) {
    const std::string& v = given->value();
    const bool plain = !v.empty() && v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    if (plain) return v;
  }
  thread_local std::mt19937_64 random{std::random_device{}()};
  char text[40];
  const uint64_t a = random(), b = random();
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return text;
}

std::optional<std::string> header(const Pistache::Http::Request& request, const char* name) {
  const auto raw = request.headers().tryGetRaw(name);
  if (raw) return raw->value();
  return std::nullopt;
}

// Every header, lower-cased, as strings; Pistache keeps the ones it knows as typed headers.
Json request_headers(const Pistache::Http::Request& request) {
  Json out = Json::object();
  for (const auto& [name, raw] : request.headers().rawList()) out[lower(name)] = raw.value();
  for (const auto& typed : request.headers().list()) {
    std::ostringstream value;
    typed->write(value);
    if (!value.str().empty()) out[lower(typed->name())] = value.str();
  }
  out.erase("authorization");  // verified here; its claims go on instead
  return out;
}

std::string bearer_token(const Pistache::Http::Request& request) {
  const auto auth = request.headers().tryGet<Pistache::Http::Header::Authorization>();
  if (!auth) return {};
  const std::string value = auth->value();
  if (value.size() <= 7 || lower(value.substr(0, 7)) != "bearer ") return {};
  return value.substr(7);
}

std::string content_type_of(const Pistache::Http::Request& request) {
  const auto type = request.headers().tryGet<Pistache::Http::Header::ContentType>();
  if (!type) return {};
  std::ostringstream value;
  type->write(value);
  return value.str();
}

bool form_decode(const std::string& in, std::string& out) {
  std::string spaced = in;
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  return percent_decode(spaced, out);
}

// application/x-www-form-urlencoded fields as one JSON object of strings.
std::optional<Json> urlencoded_fields(const std::string& body) {
  Json fields = Json::object();
  size_t at = 0;
  while (at < body.size()) {
    const size_t amp = std::min(body.find('&', at), body.size());
    const std::string pair = body.substr(at, amp - at);
    const size_t eq = pair.find('=');
    std::string name, value;
    if (!form_decode(pair.substr(0, eq), name) ||
        !form_decode(eq == std::string::npos ? "" : pair.substr(eq + 1), value))
      return std::nullopt;
    if (!name.empty()) fields[name] = value;
    at = amp + 1;
  }
  return fields;
}

// A JSON document parsed and dumped again with its decimal numbers as written (10.10 stays
// 10.10): each is held as a string behind a NUL marker, which no jsonb string can contain.
const std::string kNumberMarker = std::string(1, '\0') + "khatad-number:";

struct KeepNumbers : nlohmann::detail::json_sax_dom_parser<Json> {
  using json_sax_dom_parser::json_sax_dom_parser;
  bool number_float(double /*value*/, const std::string& text) {
    std::string marked = kNumberMarker + text;
    return string(marked);
  }
};

Json parse_keeping_numbers(const std::string& text) {
  Json out;
  KeepNumbers sax(out, true);
  if (!Json::sax_parse(text, &sax)) throw std::runtime_error("the body is not JSON");
  return out;
}

std::string dump_keeping_numbers(const Json& j) {
  std::string text = dump(j);
  const std::string marker = "\"\\u0000khatad-number:";
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at)) {
    const size_t end = text.find('"', at + marker.size());
    text.replace(at, end + 1 - at, text.substr(at + marker.size(), end - at - marker.size()));
  }
  return text;
}

struct Outcome {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route = "unmatched";
};

Outcome adapter_error(int status, const std::string& message, const std::string& request_id) {
  Outcome out;
  out.status = status;
  out.body = error_body(message, error_code_for_status(status), request_id);
  return out;
}

struct Request {
  const Pistache::Http::Request& http;
  std::string id;
  std::string method;
  std::string path;
  std::string ip;
};

class Dispatcher {
 public:
  Dispatcher(Shared& shared, const Request& request) : shared_(shared), r_(request) {}

  Outcome run() {
    if (r_.path == "/healthz") return r_.method == "GET" ? healthz() : only_get();
    if (r_.path == "/metrics") return r_.method == "GET" ? metrics() : only_get();
    const auto table = shared_.routes.current();
    const bool preflight = r_.method == "OPTIONS";
    std::string method = r_.method;
    if (preflight) method = header(r_.http, "Access-Control-Request-Method").value_or("OPTIONS");
    Match match = table->match(method, r_.path);
    if (match.kind == Match::Kind::no_path)
      return adapter_error(404, "No route for " + r_.method + " " + r_.path, r_.id);
    if (preflight) return options(*table, match);
    if (match.kind == Match::Kind::wrong_method) {
      Outcome out = adapter_error(405, "Method " + r_.method + " not allowed here", r_.id);
      out.headers.emplace_back("Allow", join(match.allow));
      return out;
    }
    return call(*match.route, match);
  }

 private:
  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
  }

  Outcome only_get() {
    Outcome out = adapter_error(405, "Method " + r_.method + " not allowed here", r_.id);
    out.headers.emplace_back("Allow", "GET");
    return out;
  }

  Outcome healthz() {
    Outcome out;
    out.route = "GET /healthz";
    if (thread_connection(shared_.config.conninfo).ping()) {
      out.body = R"({"status":"ok","db":"ok"})";
    } else {
      out.status = 503;
      out.body = R"({"status":"unavailable","db":"unreachable"})";
    }
    return out;
  }

  Outcome metrics() {
    Outcome out;
    out.route = "GET /metrics";
    out.body = shared_.metrics.render();
    out.content_type = "text/plain; version=0.0.4";
    return out;
  }

  // OPTIONS: the methods of the path (a CORS preflight gets its answer in the CORS headers).
  Outcome options(const RouteTable& table, const Match& match) {
    Match any = match;
    // No route has the method "\n": this lists every method of the path.
    if (match.kind == Match::Kind::found) any = table.match("\n", r_.path);
    Outcome out;
    out.status = 204;
    out.route = "OPTIONS";
    out.headers.emplace_back("Allow", join(any.allow));
    out.headers.emplace_back("Access-Control-Allow-Methods", join(any.allow));
    out.headers.emplace_back("Access-Control-Allow-Headers",
                             header(r_.http, "Access-Control-Request-Headers")
                                 .value_or("Authorization, Content-Type, X-Request-Id"));
    out.headers.emplace_back("Access-Control-Max-Age", "600");
    return out;
  }

  // The claims of a valid token of `type` for `app`, or null with `why` set.
  Json verified_claims(const std::string& app, const char* type, std::string& why) {
    const std::string token = bearer_token(r_.http);
    if (token.empty()) {
      why = "Invalid or missing token";
      return nullptr;
    }
    try {
      return shared_.keys.verify(
          token, JwtExpectations{shared_.config.jwt_issuer, app, type, epoch_seconds(), 5});
    } catch (const JwtError& e) {
      why = "Invalid or missing token";
      log_event(LogLevel::warn, "token refused", {{"request_id", r_.id}, {"reason", e.what()}});
      return nullptr;
    }
  }

  Outcome call(const Route& route, const Match& match) {
    const std::string route_name = route.method + " " + route.pattern;
    auto finish = [&](Outcome out) {
      out.route = route.app + " " + route_name;
      out.headers.insert(out.headers.end(), rate_headers_.begin(), rate_headers_.end());
      return out;
    };
    std::string why;
    Json claims = nullptr;
    if (route.auth == Auth::none) {
      claims = bearer_token(r_.http).empty() ? Json() : verified_claims(route.app, "access", why);
    } else {
      claims = verified_claims(route.app, route.auth == Auth::refresh ? "refresh" : "access", why);
      if (claims.is_null()) {
        Outcome out = adapter_error(401, why, r_.id);
        out.headers.emplace_back("WWW-Authenticate", "Bearer");
        return finish(out);
      }
    }

    // Rate limits count per client: the token's subject when there is one, else the address.
    if (!shared_.limiter.empty()) {
      const std::string tier = claims.is_object() && claims.value("tier", Json()).is_string()
                                   ? lower(claims["tier"].get<std::string>())
                                   : "";
      const std::string client = claims.is_object() && claims.contains("sub")
                                     ? "sub:" + dump(claims["sub"])
                                     : "ip:" + r_.ip;
      const int64_t now = epoch_seconds();
      if (const auto decision = shared_.limiter.hit(route.app, tier, client, now)) {
        rate_headers_ = {{"X-RateLimit-Limit", std::to_string(decision->limit)},
                         {"X-RateLimit-Remaining", std::to_string(decision->remaining)},
                         {"X-RateLimit-Reset", std::to_string(decision->reset)}};
        if (!decision->allowed) {
          Outcome out = adapter_error(429, "Too many requests", r_.id);
          out.headers.emplace_back("Retry-After", std::to_string(decision->reset - now));
          return finish(out);
        }
      }
    }

    HandlerCall call;
    Json files = Json::array();
    if (auto refused = body_of(call, files)) return finish(*refused);

    Json params = Json::object();
    for (const auto& [name, value] : match.params) params[name] = value;
    Json query = Json::object();
    for (auto it = r_.http.query().parameters_begin(); it != r_.http.query().parameters_end();
         ++it) {
      std::string name, value;
      if (!form_decode(it->first, name) || !form_decode(it->second, value))
        return finish(adapter_error(400, "Malformed query string", r_.id));
      query[name] = value;
    }
    const Json req = {{"method", r_.method},
                      {"path", r_.path},
                      {"params", params},
                      {"query", query},
                      {"headers", request_headers(r_.http)},
                      {"claims", claims},
                      {"ip", r_.ip},
                      {"request_id", r_.id},
                      {"files", files}};
    call.handler = route.handler;
    call.request = dump(req);
    call.claims = claims.is_null() ? "" : dump(claims);
    call.request_id = r_.id;
    call.statement_timeout_ms = shared_.config.statement_timeout_ms;
    call.read_only = route.read_only;

    shared_.metrics.connection_busy(1);
    const auto on_retry = [](void* m) { static_cast<Metrics*>(m)->retry(); };
    HandlerResult result;
    // A read-only route may run on the replica; when the replica cannot be reached (class 08)
    // the call, which wrote nothing, runs on the primary instead.
    const bool on_replica = route.read_only && !shared_.config.replica_conninfo.empty();
    if (on_replica)
      result = thread_connection(shared_.config.replica_conninfo)
                   .call(call, kRetries, on_retry, &shared_.metrics);
    if (!on_replica || (!result.ok && result.sqlstate.compare(0, 2, "08") == 0))
      result = thread_connection(shared_.config.conninfo)
                   .call(call, kRetries, on_retry, &shared_.metrics);
    shared_.metrics.connection_busy(-1);
    if (!result.ok) return finish(raised(result));
    return finish(respond(route, result));
  }

  // Fills call.body (raw JSON text, or the form fields) and files; an Outcome when refused.
  std::optional<Outcome> body_of(HandlerCall& call, Json& files) {
    const std::string& body = r_.http.body();
    const std::string type = content_type_of(r_.http);
    const std::string media = lower(type.substr(0, type.find(';')));
    if (const auto boundary = multipart_boundary(type)) {
      if (body.size() > shared_.config.max_upload_bytes)
        return adapter_error(
            413, "Upload larger than " + std::to_string(shared_.config.max_upload_bytes) + " bytes",
            r_.id);
      try {
        const MultipartForm form = parse_multipart(body, *boundary);
        Json fields = Json::object();
        for (const auto& [name, value] : form.fields) {
          if (!fields.contains(name)) {
            fields[name] = value;
          } else {
            if (!fields[name].is_array()) fields[name] = Json::array({fields[name]});
            fields[name].push_back(value);
          }
        }
        for (const UploadedFile& f : form.files)
          files.push_back({{"field", f.field},
                           {"filename", f.filename},
                           {"content_type", f.content_type},
                           {"size", f.data.size()},
                           {"data", base64_encode(f.data)}});
        call.body = dump(fields);
      } catch (const MultipartError& e) {
        return adapter_error(400, std::string("Malformed multipart body: ") + e.what(), r_.id);
      }
      return std::nullopt;
    }
    if (body.size() > shared_.config.max_json_bytes)
      return adapter_error(
          413, "Body larger than " + std::to_string(shared_.config.max_json_bytes) + " bytes",
          r_.id);
    if (body.empty()) return std::nullopt;
    if (media == "application/x-www-form-urlencoded") {
      const auto fields = urlencoded_fields(body);
      if (!fields) return adapter_error(400, "Malformed form body", r_.id);
      call.body = dump(*fields);
      return std::nullopt;
    }
    if (!media.empty() && media != "application/json" &&
        !(media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0) &&
        media != "text/plain")
      return adapter_error(415, "Send JSON, a form or multipart/form-data", r_.id);
    // Only checked here: the text itself goes to Postgres, so numbers are never re-encoded.
    switch (check_json_body(body)) {
      case JsonBody::ok:
        break;
      case JsonBody::malformed:
        return adapter_error(400, "Malformed JSON body", r_.id);
      case JsonBody::too_deep:
        return adapter_error(
            400, "JSON body nested deeper than " + std::to_string(kMaxJsonDepth) + " levels",
            r_.id);
      case JsonBody::number_out_of_range:
        return adapter_error(400, "A number in the JSON body is out of range", r_.id);
      case JsonBody::nul_character:
        return adapter_error(400, "The JSON body has a \\u0000 character, which is not accepted",
                             r_.id);
    }
    call.body = body;
    return std::nullopt;
  }

  Outcome raised(const HandlerResult& result) {
    const int status = http_status_for_sqlstate(result.sqlstate);
    log_event(status >= 500 ? LogLevel::error : LogLevel::warn, "handler raised",
              {{"request_id", r_.id},
               {"sqlstate", result.sqlstate},
               {"error", result.message},
               {"detail", result.detail},
               {"attempts", result.attempts}});
    if (status == 503)
      return adapter_error(503, "Service unavailable, try again (request " + r_.id + ")", r_.id);
    if (status >= 500)
      return adapter_error(500, "Internal server error (request " + r_.id + ")", r_.id);
    return adapter_error(status, result.message, r_.id);
  }

  Outcome internal(const std::string& why) {
    log_event(LogLevel::error, why, {{"request_id", r_.id}});
    return adapter_error(500, "Internal server error (request " + r_.id + ")", r_.id);
  }

  Outcome respond(const Route& route, const HandlerResult& result) {
    Outcome out;
    try {
      out.status = std::stoi(result.status);
    } catch (const std::exception&) {
      return internal("the handler result has no status");
    }
    if (out.status < 100 || out.status > 599) return internal("the handler status is invalid");
    out.body = result.body;
    if (!result.headers.empty()) {
      const Json headers = Json::parse(result.headers, nullptr, false);
      if (headers.is_object()) {
        for (const auto& [name, value] : headers.items()) {
          if (!value.is_string()) continue;
          const std::string key = lower(name);
          if (key == "content-type") {
            out.content_type = value.get<std::string>();
          } else if (key != "content-length" && key != "transfer-encoding" && key != "connection") {
            out.headers.emplace_back(name, value.get<std::string>());
          }
        }
      }
    }
    if (!result.set_token.empty() && result.set_token != "null") {
      try {
        out.body = with_tokens(route, result.body, Json::parse(result.set_token));
      } catch (const std::exception& e) {
        return internal(std::string("cannot sign set_token: ") + e.what());
      }
    }
    // A body that is a JSON string under a non-JSON content type is sent as that text (CSV).
    const std::string media = lower(out.content_type.substr(0, out.content_type.find(';')));
    if (media != "application/json" && !out.body.empty() && out.body[0] == '"') {
      const Json text = Json::parse(out.body, nullptr, false);
      if (text.is_string()) out.body = text.get<std::string>();
    }
    if (out.status == 204 || out.status == 304 || out.body == "null") out.body.clear();
    return out;
  }

  std::string with_tokens(const Route& route, const std::string& body_text, Json set_token) {
    // The body is re-encoded only here, to place the tokens in it; its numbers stay as written.
    Json body = body_text.empty() ? Json::object() : parse_keeping_numbers(body_text);
    if (!set_token.is_array()) set_token = Json::array({set_token});
    const int64_t now = epoch_seconds();
    for (const Json& st : set_token) {
      if (!st.is_object()) throw std::runtime_error("set_token is not an object");
      const std::string type = st.value("type", std::string("access"));
      if (type != "access" && type != "refresh")
        throw std::runtime_error("set_token type is neither access nor refresh");
      const int64_t lifetime = st.value("lifetime", type == "access" ? 900 : 30 * 86400);
      if (lifetime <= 0) throw std::runtime_error("set_token lifetime is not positive");
      Json claims = st.value("claims", Json::object());
      if (!claims.is_object()) throw std::runtime_error("set_token claims is not an object");
      claims["iss"] = shared_.config.jwt_issuer;
      claims["aud"] = route.app;
      claims["app"] = route.app;
      claims["typ"] = type;
      claims["iat"] = now;
      claims["nbf"] = now;
      claims["exp"] = now + lifetime;
      Json::json_pointer where;
      for (const Json& step : st.value("path", Json::array({"token"}))) {
        if (step.is_string())
          where /= step.get<std::string>();
        else if (step.is_number_unsigned())
          where /= step.get<size_t>();
        else
          throw std::runtime_error("set_token path holds a non-key");
      }
      body[where] = shared_.keys.sign(claims);
    }
    return dump_keeping_numbers(body);
  }

  Shared& shared_;
  const Request& r_;
  std::vector<std::pair<std::string, std::string>> rate_headers_;
};

void add_cors(const Config& config, const Pistache::Http::Request& request,
              Pistache::Http::ResponseWriter& response) {
  const auto origin = header(request, "Origin");
  if (!origin || config.cors_origins.empty()) return;
  const bool any = std::find(config.cors_origins.begin(), config.cors_origins.end(), "*") !=
                   config.cors_origins.end();
  if (!any && std::find(config.cors_origins.begin(), config.cors_origins.end(), *origin) ==
                  config.cors_origins.end())
    return;
  add_header(response, "Access-Control-Allow-Origin", *origin);
  add_header(response, "Vary", "Origin");
  add_header(
      response, "Access-Control-Expose-Headers",
      "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After");
}

// Pistache answers "Connection: Close" to every request without a Connection header, which
// makes HTTP/1.1 clients reconnect for each request. HTTP/1.1 connections persist unless the
// client asks otherwise (RFC 9112, 9.3); HTTP/1.0 ones only when the client asks.
void set_connection(const Pistache::Http::Request& request,
                    Pistache::Http::ResponseWriter& response, bool draining) {
  using Pistache::Http::ConnectionControl;
  const auto asked = request.headers().tryGet<Pistache::Http::Header::Connection>();
  bool keep = request.version() == Pistache::Http::Version::Http11
                  ? !asked || asked->control() != ConnectionControl::Close
                  : asked && asked->control() == ConnectionControl::KeepAlive;
  if (draining) keep = false;
  response.headers().remove<Pistache::Http::Header::Connection>();
  response.headers().add<Pistache::Http::Header::Connection>(keep ? ConnectionControl::KeepAlive
                                                                  : ConnectionControl::Close);
}

}  // namespace

Shared::Shared(Config c, JwtKeys k)
    : config(std::move(c)), keys(std::move(k)), routes(config.conninfo, config.mounts) {
  for (const std::string& spec : config.rate_limits) {
    std::string app, tier;
    std::vector<RateRule> rules;
    if (parse_rate_limit(spec, app, tier, rules)) limiter.set_rules(app, lower(tier), rules);
  }
}

void RequestHandler::onRequest(const Pistache::Http::Request& request,
                               Pistache::Http::ResponseWriter response) {
  const auto started = std::chrono::steady_clock::now();
  shared_->in_flight.fetch_add(1);
  // Nothing may escape: Pistache would answer with e.what() as the body.
  Outcome out;
  std::string id = "-";
  std::string method = "-";
  try {
    id = request_id_for(request);
    method = Pistache::Http::methodString(request.method());
    const Request r{request, id, method, request.resource(), request.address().host()};
    out =
        shared_->draining ? adapter_error(503, "Shutting down", id) : Dispatcher(*shared_, r).run();
  } catch (const std::exception& e) {
    log_event(LogLevel::error, "request failed", {{"request_id", id}, {"error", e.what()}});
    out = adapter_error(500, "Internal server error (request " + id + ")", id);
  } catch (...) {
    out = adapter_error(500, "Internal server error (request " + id + ")", id);
  }
  try {
    set_connection(request, response, shared_->draining);
    add_header(response, "X-Request-Id", id);
    add_cors(shared_->config, request, response);
    for (const auto& [name, value] : out.headers) add_header(response, name, value);
    if (!out.body.empty())
      response.headers().add<Pistache::Http::Header::ContentType>(
          Pistache::Http::Mime::MediaType::fromString(out.content_type));
    response.send(static_cast<Code>(out.status), out.body);
  } catch (...) {
    // The client went away, or a header would not parse: nothing more to say to it.
  }
  shared_->in_flight.fetch_sub(1);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  shared_->metrics.observe(out.route, out.status, seconds);
  if (log_enabled(LogLevel::info))
    log_event(LogLevel::info, "request",
              {{"request_id", id},
               {"method", method},
               {"route", out.route},
               {"status", out.status},
               {"duration_ms", std::round(seconds * 1e5) / 100}});
}

void RequestHandler::onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  // What Pistache's own onConnection does (it is private): give the peer its parser.
  peer->putData(ParserData, std::make_shared<Pistache::Http::RequestParser>(getMaxRequestSize()));
  if (shared_->connections.fetch_add(1) < shared_->config.max_connections) return;
  static const std::string body = error_body("Too many connections", "unavailable", "-");
  const std::string reply =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  const ssize_t sent = ::send(peer->fd(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)sent;
  ::shutdown(peer->fd(), SHUT_RDWR);
}

void RequestHandler::onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  shared_->connections.fetch_sub(1);
}

}  // namespace khatad
