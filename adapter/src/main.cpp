// khatad: serves khata's apps over HTTP, one SQL call in one transaction per request.
#include <pistache/endpoint.h>

#include <pthread.h>
#include <csignal>
#include <iostream>
#include <memory>

#include "config.h"
#include "db.h"
#include "server.h"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto config = khatad::parse_config(std::vector<std::string>(argv + 1, argv + argc), exit_code);
  if (!config) return exit_code;

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
    Pistache::Address address(config->listen_host, Pistache::Port(config->listen_port));
    Pistache::Http::Endpoint endpoint(address);
    endpoint.init(Pistache::Http::Endpoint::options()
                      .threads(config->threads)
                      .flags(Pistache::Tcp::Options::ReuseAddr));
    endpoint.setHandler(std::make_shared<khatad::RequestHandler>(*config));
    endpoint.serveThreaded();
    std::cerr << "khatad: serving http://" << config->listen_host << ":" << endpoint.getPort()
              << std::endl;
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "khatad: shutting down" << std::endl;
    endpoint.shutdown();
  } catch (const std::exception& e) {
    std::cerr << "khatad: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
