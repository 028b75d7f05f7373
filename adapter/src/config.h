// khatad's configuration: flags override environment variables override defaults.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace khatad {

struct Config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  int threads = 2;
  std::string conninfo = "host=127.0.0.1 port=54320 dbname=khata user=khatad";
};

// Parses argv (and KHATAD_* environment variables). Returns the config, or nullopt after
// printing help (`--help`) or an error to stderr; `exit_code` says which.
std::optional<Config> parse_config(const std::vector<std::string>& args, int& exit_code);

std::string usage();

}  // namespace khatad
