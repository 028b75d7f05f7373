// khatad: serves khata's apps over HTTP, one SQL call in one transaction per request.
#include <pistache/endpoint.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "config.h"
#include "db.h"
#include "jwt.h"
#include "log.h"
#include "server.h"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto config = khatad::parse_config(std::vector<std::string>(argv + 1, argv + argc), exit_code);
  if (!config) return exit_code;
  khatad::set_log_level(khatad::parse_log_level(config->log_level));

  std::optional<khatad::JwtKeys> keys;
  try {
    keys = khatad::JwtKeys::from_files(config->jwt_private_key, config->jwt_public_key);
  } catch (const khatad::JwtError& e) {
    std::cerr << "khatad: " << e.what()
              << " (--jwt-private-key / KHATAD_JWT_PRIVATE_KEY; make one with: openssl genpkey "
                 "-algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jwt.key)\n";
    return 1;
  }

  khatad::Connection probe(config->conninfo);
  if (!probe.ensure()) {
    std::cerr << "khatad: cannot connect to the database (" << config->conninfo
              << "): " << probe.error();
    return 1;
  }

  // Block the shutdown signals in every thread; main waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    auto shared = std::make_shared<khatad::Shared>(*config, std::move(*keys));
    try {
      shared->routes.load();
    } catch (const std::exception& e) {
      std::cerr << "khatad: " << e.what() << " (is the khata extension installed?)\n";
      return 1;
    }
    shared->routes.start_listening();

    Pistache::Address address(config->listen_host, Pistache::Port(config->listen_port));
    Pistache::Http::Endpoint endpoint(address);
    // Pistache's own limit is 4 KiB: room for the largest upload and its headers.
    const size_t largest = std::max(config->max_json_bytes, config->max_upload_bytes) + (64 << 10);
    endpoint.init(Pistache::Http::Endpoint::options()
                      .threads(config->threads)
                      .maxRequestSize(largest)
                      .maxResponseSize(64 << 20)
                      .flags(Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::NoDelay));
    endpoint.setHandler(Pistache::Http::make_handler<khatad::RequestHandler>(shared));
    endpoint.serveThreaded();
    std::cerr << "khatad: serving http://" << config->listen_host << ":" << endpoint.getPort()
              << " (" << shared->routes.current()->size() << " routes)" << std::endl;
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "khatad: shutting down" << std::endl;
    // Pistache's shutdown closes connections at once: first let running requests finish
    // (up to 30 s), answering new ones 503.
    shared->draining = true;
    for (int i = 0; i < 3000 && shared->in_flight.load() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    endpoint.shutdown();
    shared->routes.stop();
  } catch (const std::exception& e) {
    std::cerr << "khatad: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
