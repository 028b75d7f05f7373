#include "config.h"

#include <cstdlib>
#include <iostream>

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

bool parse_threads(const std::string& value, Config& config) {
  try {
    size_t used = 0;
    const int n = std::stoi(value, &used);
    if (used != value.size() || n < 1 || n > 256) return false;
    config.threads = n;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string usage() {
  return "usage: khatad [options]\n"
         "  --listen HOST:PORT   address to serve HTTP on      (KHATAD_LISTEN, 127.0.0.1:8080)\n"
         "  --db CONNINFO        libpq connection string        (KHATAD_DB)\n"
         "  --threads N          worker threads, one database connection each (KHATAD_THREADS, 2)\n"
         "  --help               this text\n";
}

std::optional<Config> parse_config(const std::vector<std::string>& args, int& exit_code) {
  Config config;
  exit_code = 0;
  auto fail = [&](const std::string& message) -> std::optional<Config> {
    std::cerr << "khatad: " << message << "\n" << usage();
    exit_code = 2;
    return std::nullopt;
  };
  if (const char* v = std::getenv("KHATAD_LISTEN"); v && !parse_listen(v, config))
    return fail("KHATAD_LISTEN must be HOST:PORT");
  if (const char* v = std::getenv("KHATAD_DB")) config.conninfo = v;
  if (const char* v = std::getenv("KHATAD_THREADS"); v && !parse_threads(v, config))
    return fail("KHATAD_THREADS must be a number from 1 to 256");

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage();
      return std::nullopt;
    }
    if (i + 1 >= args.size()) return fail("unknown option or missing value: " + arg);
    const std::string& value = args[++i];
    if (arg == "--listen") {
      if (!parse_listen(value, config)) return fail("--listen must be HOST:PORT");
    } else if (arg == "--db") {
      config.conninfo = value;
    } else if (arg == "--threads") {
      if (!parse_threads(value, config)) return fail("--threads must be a number from 1 to 256");
    } else {
      return fail("unknown option: " + arg);
    }
  }
  return config;
}

}  // namespace khatad
