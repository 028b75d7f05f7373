// One JSON object per line on stdout: the access log and khatad's own events.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace khatad {

enum class LogLevel { info = 0, warn = 1, error = 2 };

void set_log_level(LogLevel level);
LogLevel parse_log_level(const std::string& name);
bool log_enabled(LogLevel level);
// Adds "time" and "level" to `fields` and writes them as one line, in one write.
void log_event(LogLevel level, const std::string& message, nlohmann::json fields = {});

}  // namespace khatad
