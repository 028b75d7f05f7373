// How an XLSX cell's stored value becomes text: numbers as the shortest decimal that reads
// back to the same double, and serial dates (numbers with a date format) as ISO 8601.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace khata {

// What a number format shows of a serial date-time value.
enum class DateKind { kNone, kDate, kDateTime, kTime };

// The kind of a cell's number format: the builtin formats 14-22 by id, any other by its code
// (`dd/mm/yyyy`, `d-mmm-yy h:mm`, `hh:mm:ss`); elapsed times (`[h]:mm`) are not dates.
DateKind date_kind_of_format(int format_id, std::optional<std::string_view> format_code);

// 1018.5 -> "1018.5", 1e21 -> "1e+21", -0.0 -> "0": plain decimals for 1e-6 <= |v| < 1e21.
std::string shortest_decimal(double value);

// A serial value as "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" or "HH:MM:SS" (kTime), counted in the
// 1900 system (serial 1 is 1900-01-01, with Excel's fictitious 1900-02-29 as serial 60) or the
// 1904 one (serial 0 is 1904-01-01). nullopt when the value names no real date (negative,
// 0 or 60 in the 1900 system, after 9999-12-31): such a cell keeps its number.
std::optional<std::string> serial_to_iso(double serial, DateKind kind, bool date1904);

}  // namespace khata
