#include "khata/core/xlsx_cells.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace khata {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// The letters of a format code's first section that matter for dates, lower-cased, with
// literal text ("...", \x, _x, *x) and bracketed options ([Red], [$-409]) left out; an elapsed
// time bracket ([h], [mm], [ss]) gives "!".
std::string date_letters(std::string_view code) {
  std::string letters;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      const size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() && inside.find_first_not_of("hHmMsS") == std::string_view::npos)
        letters.push_back('!');
      i = close;
    } else {
      const char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (lower == 'd' || lower == 'm' || lower == 'y' || lower == 'h' || lower == 's')
        letters.push_back(lower);
    }
  }
  return letters;
}

std::string two_digits(unsigned v) {
  char out[3] = {static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10), '\0'};
  return out;
}

}  // namespace

DateKind date_kind_of_format(int format_id, std::optional<std::string_view> format_code) {
  if (!format_code) {
    if (format_id >= 14 && format_id <= 17) return DateKind::kDate;
    if (format_id >= 18 && format_id <= 21) return DateKind::kTime;
    if (format_id == 22) return DateKind::kDateTime;
    return DateKind::kNone;
  }
  const std::string letters = date_letters(*format_code);
  if (letters.find('!') != std::string::npos) return DateKind::kNone;
  const bool date = letters.find_first_of("dy") != std::string::npos;
  const bool time = letters.find_first_of("hs") != std::string::npos;
  if (date) return time ? DateKind::kDateTime : DateKind::kDate;
  if (time) return DateKind::kTime;
  // A lone month (`mmm`) is a date; `m` next to h or s was a minute and is handled above.
  return letters.empty() ? DateKind::kNone : DateKind::kDate;
}

std::string shortest_decimal(double value) {
  if (value == 0) return "0";
  char out[400];
  const double magnitude = std::fabs(value);
  const auto format = magnitude >= 1e-6 && magnitude < 1e21 ? std::chars_format::fixed
                                                            : std::chars_format::scientific;
  const auto result = std::to_chars(out, out + sizeof out, value, format);
  return std::string(out, result.ptr);
}

std::optional<std::string> serial_to_iso(double serial, DateKind kind, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial > 3e6) return std::nullopt;
  const auto seconds = static_cast<int64_t>(std::llround(serial * 86400));
  const int64_t serial_day = seconds / 86400;
  const int64_t second_of_day = seconds % 86400;
  const std::string clock = two_digits(static_cast<unsigned>(second_of_day / 3600)) + ":" +
                            two_digits(static_cast<unsigned>(second_of_day / 60 % 60)) + ":" +
                            two_digits(static_cast<unsigned>(second_of_day % 60));
  if (kind == DateKind::kTime) return clock;

  int64_t days;  // since 1970-01-01
  if (date1904) {
    days = days_from_civil(1904, 1, 1) + serial_day;
  } else if (serial_day == 0 || serial_day == 60) {
    return std::nullopt;  // "1900-01-00" and "1900-02-29" exist only in Excel
  } else {
    // Serials after the fictitious leap day count one day too many.
    days = days_from_civil(1899, 12, 31) + serial_day - (serial_day > 60 ? 1 : 0);
  }
  const Civil civil = civil_from_days(days);
  if (civil.year > 9999) return std::nullopt;
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%s-%s", static_cast<int>(civil.year),
                two_digits(civil.month).c_str(), two_digits(civil.day).c_str());
  if (kind == DateKind::kDateTime) return std::string(date) + "T" + clock;
  return std::string(date);
}

}  // namespace khata
