// Prometheus text metrics: requests by route and status, a latency histogram, database
// connections in use, retries.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace khatad {

class Metrics {
 public:
  // route is "METHOD /mounted/pattern", or "unmatched".
  void observe(const std::string& route, int status, double seconds);
  void retry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void connection_busy(int delta) { in_use_.fetch_add(delta, std::memory_order_relaxed); }

  std::string render() const;

 private:
  static constexpr std::array<double, 13> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  5,     10};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<int64_t> retries_{0};
  std::atomic<int> in_use_{0};
};

}  // namespace khatad
