#include "config.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <thread>

#include "rate_limit.h"

namespace khatad {
namespace {

bool parse_listen(const std::string& value, Config& config) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos) return false;
  try {
    size_t used = 0;
    const int port = std::stoi(value.substr(colon + 1), &used);
    if (used != value.size() - colon - 1 || port < 0 || port > 65535) return false;
    config.listen_host = value.substr(0, colon);
    config.listen_port = port;
    return !config.listen_host.empty();
  } catch (const std::exception&) {
    return false;
  }
}

bool parse_int(const std::string& value, long long low, long long high, long long& out) {
  try {
    size_t used = 0;
    out = std::stoll(value, &used);
    return used == value.size() && out >= low && out <= high;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<std::string> split(const std::string& value, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t end = std::min(value.find(separator, start), value.size());
    if (end > start) parts.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool parse_mount(const std::string& value, Config& config) {
  const size_t eq = value.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 >= value.size() || value[eq + 1] != '/')
    return false;
  std::string prefix = value.substr(eq + 1);
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  config.mounts[value.substr(0, eq)] = prefix;
  return true;
}

struct Option {
  const char* flag;
  const char* env;
  const char* help;
  // Applies one value; false when it is invalid (the help line says what is expected).
  std::function<bool(const std::string&, Config&)> apply;
};

template <typename T>
std::function<bool(const std::string&, Config&)> integer(T Config::*field, long long low,
                                                         long long high) {
  return [=](const std::string& v, Config& c) {
    long long n = 0;
    if (!parse_int(v, low, high, n)) return false;
    c.*field = static_cast<T>(n);
    return true;
  };
}

const std::vector<Option>& options() {
  static const std::vector<Option> all = {
      {"--listen", "KHATAD_LISTEN", "HOST:PORT to serve HTTP on (127.0.0.1:8080)", parse_listen},
      {"--db", "KHATAD_DB",
       "libpq connection string (host=127.0.0.1 port=54320 dbname=khata user=khatad)",
       [](const std::string& v, Config& c) { return !(c.conninfo = v).empty(); }},
      {"--replica", "KHATAD_REPLICA",
       "libpq connection string of a streaming replica: read-only routes run there, and on "
       "--db while it cannot be reached (none)",
       [](const std::string& v, Config& c) { return !(c.replica_conninfo = v).empty(); }},
      {"--threads", "KHATAD_THREADS",
       "N worker threads, one database connection each (three per core)",
       integer(&Config::threads, 1, 256)},
      {"--mount", "KHATAD_MOUNTS",
       "APP=/PREFIX; repeatable, the variable comma-separated "
       "(every app at /APP; APP=/ serves it at the root)",
       [](const std::string& v, Config& c) {
         for (const std::string& m : split(v, ','))
           if (!parse_mount(m, c)) return false;
         return true;
       }},
      {"--jwt-private-key", "KHATAD_JWT_PRIVATE_KEY",
       "PEM file of the RSA key tokens are signed "
       "with (required)",
       [](const std::string& v, Config& c) { return !(c.jwt_private_key = v).empty(); }},
      {"--jwt-public-key", "KHATAD_JWT_PUBLIC_KEY",
       "PEM file of the RSA public key tokens are "
       "verified with (derived from the private key)",
       [](const std::string& v, Config& c) { return !(c.jwt_public_key = v).empty(); }},
      {"--jwt-issuer", "KHATAD_JWT_ISSUER", "iss of the tokens signed and accepted (khata)",
       [](const std::string& v, Config& c) { return !(c.jwt_issuer = v).empty(); }},
      {"--max-json-bytes", "KHATAD_MAX_JSON_BYTES", "N largest request body, else 413 (1048576)",
       integer(&Config::max_json_bytes, 1, 1LL << 32)},
      {"--max-upload-bytes", "KHATAD_MAX_UPLOAD_BYTES",
       "N largest multipart/form-data body, "
       "else 413 (20971520)",
       integer(&Config::max_upload_bytes, 1, 1LL << 32)},
      {"--max-connections", "KHATAD_MAX_CONNECTIONS",
       "N open client connections; more are "
       "answered 503 and closed (1024)",
       integer(&Config::max_connections, 1, 1 << 20)},
      {"--statement-timeout", "KHATAD_STATEMENT_TIMEOUT", "MS a handler call may run (30000)",
       integer(&Config::statement_timeout_ms, 0, 1 << 30)},
      {"--cors-origin", "KHATAD_CORS_ORIGINS",
       "ORIGIN allowed by CORS, or *; repeatable, the "
       "variable comma-separated (none)",
       [](const std::string& v, Config& c) {
         for (const std::string& o : split(v, ',')) c.cors_origins.push_back(o);
         return true;
       }},
      {"--rate-limit", "KHATAD_RATE_LIMITS",
       "APP[:TIER]=LIMIT/WINDOW[,LIMIT/WINDOW] per client "
       "(e.g. books=100/1h,1000/1d books:diamond=1000/1h,10000/1d); repeatable, the variable "
       "separated by spaces (none)",
       [](const std::string& v, Config& c) {
         for (const std::string& spec : split(v, ' ')) {
           std::string app, tier;
           std::vector<RateRule> rules;
           if (!parse_rate_limit(spec, app, tier, rules)) return false;
           c.rate_limits.push_back(spec);
         }
         return true;
       }},
      {"--log-level", "KHATAD_LOG_LEVEL",
       "info (one JSON access-log line a request), warn or "
       "error (info)",
       [](const std::string& v, Config& c) {
         c.log_level = v;
         return v == "info" || v == "warn" || v == "error";
       }},
  };
  return all;
}

}  // namespace

int default_threads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 3 : static_cast<int>(std::clamp(3 * cores, 3U, 256U));
}

std::string usage() {
  std::string text = "usage: khatad [options]   (each option also reads the variable named)\n";
  for (const Option& o : options())
    text += "  " + std::string(o.flag) + "  (" + o.env + ")\n      " + o.help + "\n";
  text += "  --help\n      this text\n";
  return text;
}

std::optional<Config> parse_config(const std::vector<std::string>& args, int& exit_code) {
  Config config;
  exit_code = 0;
  auto fail = [&](const std::string& message) -> std::optional<Config> {
    std::cerr << "khatad: " << message << "\n" << usage();
    exit_code = 2;
    return std::nullopt;
  };
  for (const Option& o : options()) {
    const char* v = std::getenv(o.env);
    if (v && *v && !o.apply(v, config)) return fail(std::string(o.env) + ": expected " + o.help);
  }
  bool seen_mount = false, seen_cors = false, seen_rate = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage();
      return std::nullopt;
    }
    const Option* option = nullptr;
    for (const Option& o : options())
      if (arg == o.flag) option = &o;
    if (!option) return fail("unknown option: " + arg);
    if (i + 1 >= args.size()) return fail("missing value for " + arg);
    // A repeatable flag on the command line replaces what the environment said.
    if (arg == "--mount" && !seen_mount) seen_mount = true, config.mounts.clear();
    if (arg == "--cors-origin" && !seen_cors) seen_cors = true, config.cors_origins.clear();
    if (arg == "--rate-limit" && !seen_rate) seen_rate = true, config.rate_limits.clear();
    if (!option->apply(args[++i], config)) return fail(arg + ": expected " + option->help);
  }
  return config;
}

}  // namespace khatad
