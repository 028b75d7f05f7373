// Per-client rate limits in fixed windows (the books spec's tiers: 100 requests an hour and
// 1000 a day on FREE, 1000 and 10000 on DIAMOND+), configured per app and tier.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace khatad {

struct RateRule {
  int64_t limit = 0;
  int64_t window = 0;  // seconds
};

// "APP[:TIER]=LIMIT/WINDOW[,LIMIT/WINDOW...]" with WINDOW in seconds or as 30s, 15m, 1h, 1d.
// Returns false when the text is malformed.
bool parse_rate_limit(const std::string& text, std::string& app, std::string& tier,
                      std::vector<RateRule>& rules);

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;  // of the rule with the fewest requests left
  int64_t remaining = 0;
  int64_t reset = 0;  // epoch seconds when that rule's window ends
};

class RateLimiter {
 public:
  // rules[app][tier]; tier "" is the default for the app's clients with no (known) tier.
  void set_rules(const std::string& app, const std::string& tier, std::vector<RateRule> rules);
  bool empty() const { return rules_.empty(); }

  // Counts one request of `client` to `app` at `now`; nullopt when the app has no limits.
  std::optional<RateDecision> hit(const std::string& app, const std::string& tier,
                                  const std::string& client, int64_t now);

 private:
  struct Window {
    int64_t start = 0;
    int64_t end = 0;
    int64_t count = 0;
  };
  std::map<std::string, std::map<std::string, std::vector<RateRule>>> rules_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Window>> windows_;
  int64_t last_sweep_ = 0;
};

}  // namespace khatad
