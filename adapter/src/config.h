// khatad's configuration: flags override environment variables override defaults.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace khatad {

// Three worker threads per core (at least 3): each holds a request until its database call
// returns, and a backend that commits money waits on the WAL flush for about half of its
// request, so three per core keep the cores busy while some wait; more only add backends
// taking turns on the same cores.
int default_threads();

struct Config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  int threads = default_threads();
  std::string conninfo = "host=127.0.0.1 port=54320 dbname=khata user=khatad";
  std::string replica_conninfo;  // a streaming replica for read-only routes; "" for none
  std::map<std::string, std::string> mounts;  // app -> prefix; the rest are at /APP
  std::string jwt_private_key;                // PEM file paths
  std::string jwt_public_key;
  std::string jwt_issuer = "khata";
  size_t max_json_bytes = 1 << 20;
  size_t max_upload_bytes = 20 << 20;
  int max_connections = 1024;
  int statement_timeout_ms = 30000;
  std::vector<std::string> cors_origins;  // "*" allows any
  std::vector<std::string> rate_limits;   // APP[:TIER]=LIMIT/WINDOW[,...]
  std::string log_level = "info";         // info (access log), warn, error
};

// Parses argv (and KHATAD_* environment variables). Returns the config, or nullopt after
// printing help (`--help`) or an error to stderr; `exit_code` says which.
std::optional<Config> parse_config(const std::vector<std::string>& args, int& exit_code);

std::string usage();

}  // namespace khatad
