#include "rate_limit.h"

#include <algorithm>
#include <cctype>

namespace khatad {
namespace {

bool parse_number(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 12) return false;
  for (const char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  out = std::stoll(text);
  return out > 0;
}

bool parse_window(std::string text, int64_t& seconds) {
  int64_t unit = 1;
  if (!text.empty() && std::isalpha(static_cast<unsigned char>(text.back()))) {
    switch (text.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        return false;
    }
    text.pop_back();
  }
  if (!parse_number(text, seconds)) return false;
  seconds *= unit;
  return true;
}

}  // namespace

bool parse_rate_limit(const std::string& text, std::string& app, std::string& tier,
                      std::vector<RateRule>& rules) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  const std::string who = text.substr(0, eq);
  const size_t colon = who.find(':');
  app = who.substr(0, colon);
  tier = colon == std::string::npos ? "" : who.substr(colon + 1);
  if (app.empty() || (colon != std::string::npos && tier.empty())) return false;
  rules.clear();
  size_t at = eq + 1;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string rule = text.substr(at, comma - at);
    const size_t slash = rule.find('/');
    RateRule r;
    if (slash == std::string::npos || !parse_number(rule.substr(0, slash), r.limit) ||
        !parse_window(rule.substr(slash + 1), r.window))
      return false;
    rules.push_back(r);
    at = comma + 1;
  }
  return !rules.empty();
}

void RateLimiter::set_rules(const std::string& app, const std::string& tier,
                            std::vector<RateRule> rules) {
  rules_[app][tier] = std::move(rules);
}

std::optional<RateDecision> RateLimiter::hit(const std::string& app, const std::string& tier,
                                             const std::string& client, int64_t now) {
  const auto for_app = rules_.find(app);
  if (for_app == rules_.end()) return std::nullopt;
  auto for_tier = for_app->second.find(tier);
  if (for_tier == for_app->second.end()) for_tier = for_app->second.find("");
  if (for_tier == for_app->second.end()) return std::nullopt;
  const std::vector<RateRule>& rules = for_tier->second;

  std::lock_guard<std::mutex> lock(mutex_);
  // Forget clients whose windows have all ended, once a minute.
  if (now - last_sweep_ >= 60) {
    last_sweep_ = now;
    for (auto it = windows_.begin(); it != windows_.end();) {
      const bool ended = std::all_of(it->second.begin(), it->second.end(),
                                     [&](const Window& w) { return w.end <= now; });
      it = ended ? windows_.erase(it) : std::next(it);
    }
  }
  std::vector<Window>& windows = windows_[app + '\n' + tier + '\n' + client];
  windows.resize(rules.size());
  RateDecision decision;
  bool first = true;
  for (size_t i = 0; i < rules.size(); ++i) {
    const int64_t start = now - now % rules[i].window;
    if (windows[i].start != start) windows[i] = Window{start, start + rules[i].window, 0};
    if (windows[i].count >= rules[i].limit) decision.allowed = false;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (decision.allowed) ++windows[i].count;
    const int64_t remaining = std::max<int64_t>(0, rules[i].limit - windows[i].count);
    if (first || remaining < decision.remaining) {
      decision.limit = rules[i].limit;
      decision.remaining = remaining;
      decision.reset = windows[i].end;
      first = false;
    }
  }
  return decision;
}

}  // namespace khatad
