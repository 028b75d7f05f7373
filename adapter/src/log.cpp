#include "log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>

namespace khatad {
namespace {

std::atomic<int> threshold{static_cast<int>(LogLevel::info)};

std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

}  // namespace

void set_log_level(LogLevel level) { threshold = static_cast<int>(level); }

LogLevel parse_log_level(const std::string& name) {
  if (name == "error") return LogLevel::error;
  if (name == "warn") return LogLevel::warn;
  return LogLevel::info;
}

bool log_enabled(LogLevel level) { return static_cast<int>(level) >= threshold.load(); }

void log_event(LogLevel level, const std::string& message, nlohmann::json fields) {
  if (!log_enabled(level)) return;
  static const char* names[] = {"info", "warn", "error"};
  nlohmann::json line = {
      {"time", now_iso()}, {"level", names[static_cast<int>(level)]}, {"msg", message}};
  if (fields.is_object()) line.update(fields);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // One write per line keeps lines whole between threads.
  const ssize_t written = ::write(STDOUT_FILENO, text.data(), text.size());
  (void)written;
}

}  // namespace khatad
