#include "metrics.h"

#include <sstream>

namespace khatad {
namespace {

std::string label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard<std::mutex> lock(mutex_);
  out << "# HELP khatad_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE khatad_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out << "khatad_requests_total{route=\"" << label(std::get<0>(key)) << "\",status=\""
        << std::get<1>(key) << "\"} " << count << "\n";
  out << "# HELP khatad_request_duration_seconds Time from request to response, by route.\n"
         "# TYPE khatad_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = label(route);
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out << "khatad_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << kBuckets[i]
          << "\"} " << h.counts[i] << "\n";
    out << "khatad_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} " << h.count
        << "\n"
        << "khatad_request_duration_seconds_sum{route=\"" << r << "\"} " << h.sum << "\n"
        << "khatad_request_duration_seconds_count{route=\"" << r << "\"} " << h.count << "\n";
  }
  out << "# HELP khatad_db_connections_in_use Database connections running a request now.\n"
         "# TYPE khatad_db_connections_in_use gauge\n"
         "khatad_db_connections_in_use "
      << in_use_.load() << "\n"
      << "# HELP khatad_db_retries_total Handler calls retried after 40001 or 40P01.\n"
         "# TYPE khatad_db_retries_total counter\n"
         "khatad_db_retries_total "
      << retries_.load() << "\n";
  return out.str();
}

}  // namespace khatad
