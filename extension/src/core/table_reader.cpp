#include "khata/core/table_reader.h"

#include <nlohmann/json.hpp>

#include <map>
#include <vector>

#include "khata/core/csv_reader.h"
#include "khata/core/error.h"
#include "khata/core/xlsx_reader.h"

namespace khata {
namespace {

[[noreturn]] void bad_option(const std::string& message) {
  throw Error(sqlstate::kInvalidParameterValue, message);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims ASCII whitespace and no-break spaces (U+00A0, common in copied headers).
std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && is_space(s.front())) {
      s.remove_prefix(1);
    } else if (!s.empty() && is_space(s.back())) {
      s.remove_suffix(1);
    } else if (s.substr(0, 2) == "\xC2\xA0") {
      s.remove_prefix(2);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") {
      s.remove_suffix(2);
    } else {
      return s;
    }
  }
}

void append_json_string(std::string& out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

class RecordBuilder {
 public:
  explicit RecordBuilder(const RecordSink& sink) : sink_(sink) {}

  void add(const SourceRow& row) {
    if (!has_header_) {
      take_header(row);
      return;
    }
    std::string json = "{";
    size_t last_value = 0;
    for (size_t i = 0; i < row.cells.size(); ++i)
      if (!trim(row.cells[i]).empty()) last_value = i + 1;
    if (last_value == 0) return;  // only no-break spaces: blank after all
    if (last_value > names_.size())
      throw Error(
          sqlstate::kCellWithoutHeader,
          "row " + std::to_string(row.line) + " has " + std::to_string(last_value - names_.size()) +
              (last_value - names_.size() == 1 ? " cell" : " cells") + " more than the header",
          "The header is row " + std::to_string(header_line_) + ".");
    for (size_t i = 0; i < last_value; ++i) {
      const std::string_view text = trim(row.cells[i]);
      if (text.empty()) continue;
      if (names_[i].empty())
        throw Error(sqlstate::kCellWithoutHeader,
                    "row " + std::to_string(row.line) + " has a value in column " +
                        column_letters(static_cast<int64_t>(i)) + ", which has no header",
                    "The header is row " + std::to_string(header_line_) + ".");
      if (json.size() > 1) json.push_back(',');
      append_json_string(json, names_[i]);
      json.push_back(':');
      append_json_string(json, text);
    }
    json.push_back('}');
    sink_(row.line, json);
  }

  void finish() const {
    if (!has_header_)
      throw Error(sqlstate::kMissingHeader, "the file has no header row: it is empty");
  }

 private:
  void take_header(const SourceRow& row) {
    has_header_ = true;
    header_line_ = row.line;
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < row.cells.size(); ++i) {
      std::string name = normalize_header_name(row.cells[i]);
      if (!name.empty()) {
        const auto [earlier, fresh] = seen.emplace(name, i);
        if (!fresh)
          throw Error(sqlstate::kDuplicateHeader,
                      "the header names \"" + name + "\" twice, in columns " +
                          column_letters(static_cast<int64_t>(earlier->second)) + " and " +
                          column_letters(static_cast<int64_t>(i)),
                      "The header is row " + std::to_string(row.line) + ".");
      }
      names_.push_back(std::move(name));
    }
    while (!names_.empty() && names_.back().empty()) names_.pop_back();
  }

  const RecordSink& sink_;
  std::vector<std::string> names_;
  bool has_header_ = false;
  int64_t header_line_ = 0;
};

}  // namespace

TableOptions parse_table_options(std::optional<std::string_view> format,
                                 std::string_view options_json) {
  TableOptions options;
  if (format) {
    if (*format == "csv") {
      options.format = TableFormat::kCsv;
    } else if (*format == "xlsx") {
      options.format = TableFormat::kXlsx;
    } else {
      bad_option("format must be \"csv\" or \"xlsx\", not \"" + std::string(*format) + "\"");
    }
  }
  if (options_json.empty()) return options;
  const nlohmann::json json = nlohmann::json::parse(options_json, nullptr, false);
  if (!json.is_object()) bad_option("options must be a JSON object");
  const std::map<std::string, int64_t TableLimits::*> caps = {
      {"max_file_bytes", &TableLimits::max_file_bytes},
      {"max_entries", &TableLimits::max_entries},
      {"max_part_bytes", &TableLimits::max_part_bytes},
      {"max_total_bytes", &TableLimits::max_total_bytes},
      {"max_expansion_ratio", &TableLimits::max_expansion_ratio},
      {"max_rows", &TableLimits::max_rows},
      {"max_columns", &TableLimits::max_columns},
      {"max_cell_bytes", &TableLimits::max_cell_bytes},
  };
  const TableLimits hard;
  for (const auto& [key, value] : json.items()) {
    if (key == "sheet") {
      if (!value.is_string()) bad_option("option sheet must be a string");
      options.sheet = value.get<std::string>();
    } else if (key == "delimiter") {
      const std::string d = value.is_string() ? value.get<std::string>() : "";
      if (d != "," && d != ";" && d != "\t")
        bad_option("option delimiter must be \",\", \";\" or a tab");
      options.delimiter = d[0];
    } else if (const auto cap = caps.find(key); cap != caps.end()) {
      const int64_t limit = hard.*(cap->second);
      if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > limit)
        bad_option("option " + key + " must be a whole number from 1 to " + std::to_string(limit));
      options.limits.*(cap->second) = value.get<int64_t>();
    } else {
      bad_option("unknown option \"" + key + "\"");
    }
  }
  return options;
}

TableFormat sniff_table_format(std::string_view data) {
  const std::string_view starts = data.substr(0, 4);
  if (starts == "PK\x03\x04" || starts == "PK\x05\x06" || starts == "\xD0\xCF\x11\xE0")
    return TableFormat::kXlsx;
  return TableFormat::kCsv;
}

std::string normalize_header_name(std::string_view cell) {
  std::string name;
  bool space = false;
  for (const char c : trim(cell)) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space) name.push_back(' ');
    space = false;
    name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return name;
}

void read_table(std::string_view data, const TableOptions& options, const RecordSink& sink) {
  RecordBuilder records(sink);
  const RowSink rows = [&](const SourceRow& row) { records.add(row); };
  const TableFormat format = options.format.value_or(sniff_table_format(data));
  if (format == TableFormat::kXlsx) {
    read_xlsx(data, options.limits, options.sheet, rows);
  } else {
    read_csv(data, options.limits, options.delimiter, rows);
  }
  records.finish();
}

}  // namespace khata
