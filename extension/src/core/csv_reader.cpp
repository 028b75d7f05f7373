#include "khata/core/csv_reader.h"

#include <cstdint>
#include <string>

#include "khata/core/error.h"

namespace khata {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

// Steps over the line end at text[i] (CRLF counts as one); returns the index after it.
size_t skip_line_end(std::string_view text, size_t i) {
  if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') return i + 2;
  return i + 1;
}

int64_t count_line_ends(std::string_view text) {
  int64_t lines = 0;
  for (size_t i = 0; i < text.size();) {
    if (is_line_end(text[i])) {
      ++lines;
      i = skip_line_end(text, i);
    } else {
      ++i;
    }
  }
  return lines;
}

// The length of the valid UTF-8 sequence at text[i], or 0 when it is invalid (overlong
// forms, surrogates and code points past U+10FFFF included) or a NUL.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead == 0) return 0;
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return length;
}

void check_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      const int64_t line = count_line_ends(text.substr(0, i)) + 1;
      throw Error(sqlstate::kUnreadableFile,
                  "line " + std::to_string(line) +
                      (text[i] == '\0' ? " contains a NUL character" : " is not valid UTF-8"),
                  {}, "Save the file as CSV UTF-8.");
    }
    i += length;
  }
}

class CsvParser {
 public:
  CsvParser(std::string_view text, const TableLimits& limits, char delimiter)
      : text_(text), limits_(limits), delimiter_(delimiter) {}

  void run(const RowSink& sink) {
    int64_t rows = 0;
    while (pos_ < text_.size()) {
      SourceRow row;
      row.line = line_;
      read_record(row);
      if (is_blank(row)) continue;
      if (++rows > limits_.max_rows)
        throw Error(sqlstate::kFileOverCap,
                    "the file has more than " + std::to_string(limits_.max_rows) + " rows");
      sink(row);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(sqlstate::kUnreadableFile, "line " + std::to_string(line_) + ": " + what, {},
                "The file is not valid CSV.");
  }

  // Reads cells up to the end of the record; trailing empty cells are dropped.
  void read_record(SourceRow& row) {
    int64_t pending_empty = 0;  // empty cells not yet appended: they matter only before a value
    for (;;) {
      const bool quoted = pos_ < text_.size() && text_[pos_] == '"';
      std::string cell = quoted ? quoted_cell() : plain_cell();
      if (cell.empty()) {
        ++pending_empty;
      } else {
        const int64_t column = static_cast<int64_t>(row.cells.size()) + pending_empty;
        if (column >= limits_.max_columns)
          throw Error(sqlstate::kFileOverCap, "line " + std::to_string(row.line) +
                                                  " has more than " +
                                                  std::to_string(limits_.max_columns) + " columns");
        row.cells.resize(static_cast<size_t>(column));
        row.cells.push_back(std::move(cell));
        pending_empty = 0;
      }
      if (pos_ >= text_.size()) return;
      if (text_[pos_] == delimiter_) {
        ++pos_;
        if (pos_ >= text_.size()) return;
        continue;
      }
      pos_ = skip_line_end(text_, pos_);
      ++line_;
      return;
    }
  }

  std::string plain_cell() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != delimiter_ && !is_line_end(text_[pos_])) ++pos_;
    check_cell_length(pos_ - start);
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string quoted_cell() {
    const int64_t opened_on = line_;
    std::string cell;
    ++pos_;
    for (;;) {
      const size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        line_ = opened_on;
        fail("a quoted cell is not closed before the end of the file");
      }
      const std::string_view piece = text_.substr(pos_, quote - pos_);
      line_ += count_line_ends(piece);
      cell.append(piece);
      pos_ = quote + 1;
      const bool doubled = pos_ < text_.size() && text_[pos_] == '"';
      if (doubled) {
        cell.push_back('"');
        ++pos_;
      }
      check_cell_length(cell.size());
      if (!doubled) break;
    }
    if (pos_ < text_.size() && text_[pos_] != delimiter_ && !is_line_end(text_[pos_]))
      fail("text follows the closing quote of a cell");
    return cell;
  }

  void check_cell_length(size_t length) const {
    if (static_cast<int64_t>(length) > limits_.max_cell_bytes)
      throw Error(sqlstate::kFileOverCap, "line " + std::to_string(line_) +
                                              " has a cell longer than " +
                                              std::to_string(limits_.max_cell_bytes) + " bytes");
  }

  std::string_view text_;
  const TableLimits& limits_;
  char delimiter_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace

char detect_csv_delimiter(std::string_view text) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  size_t i = 0;
  while (i < text.size() && is_line_end(text[i])) ++i;
  int64_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (is_line_end(c)) break;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

void read_csv(std::string_view data, const TableLimits& limits, char delimiter,
              const RowSink& sink) {
  if (static_cast<int64_t>(data.size()) > limits.max_file_bytes)
    throw Error(sqlstate::kFileOverCap,
                "the file is larger than " + std::to_string(limits.max_file_bytes) + " bytes");
  if (data.substr(0, kBom.size()) == kBom) data.remove_prefix(kBom.size());
  check_utf8(data);
  if (delimiter == 0) delimiter = detect_csv_delimiter(data);
  CsvParser(data, limits, delimiter).run(sink);
}

}  // namespace khata
