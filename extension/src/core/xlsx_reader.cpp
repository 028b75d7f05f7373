#include "khata/core/xlsx_reader.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "khata/core/error.h"
#include "khata/core/xlsx_cells.h"
#include "khata/core/xml_stream.h"
#include "khata/core/zip_archive.h"

namespace khata {
namespace {

constexpr int64_t kMaxSheetRow = 1048576;   // Excel's last row
constexpr int64_t kMaxSheetColumn = 16384;  // Excel's last column, XFD

[[noreturn]] void invalid(const std::string& reason) {
  throw Error(sqlstate::kUnreadableFile, reason);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

void parse_part(ZipArchive& zip, const std::string& part, XmlHandler& handler) {
  XmlStream stream(handler, part);
  zip.read(part, [&](std::string_view piece) { stream.feed(piece); });
  stream.finish();
}

std::string directory_of(const std::string& part) {
  const size_t slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash + 1);
}

// "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"
std::string relationships_of(const std::string& part) {
  const std::string directory = directory_of(part);
  return directory + "_rels/" + part.substr(directory.size()) + ".rels";
}

// A relationship's target as a part name: relative to the source's directory unless it
// starts with "/", with "." and ".." segments resolved.
std::string resolve_target(const std::string& directory, std::string_view target) {
  const std::string path = !target.empty() && target[0] == '/' ? std::string(target.substr(1))
                                                               : directory + std::string(target);
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (segments.empty()) invalid("a relationship points outside the archive: " + path);
      segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string resolved;
  for (const std::string& segment : segments) resolved += (resolved.empty() ? "" : "/") + segment;
  return resolved;
}

// Replaces OOXML's _xHHHH_ escapes (for characters XML cannot carry, such as _x000D_) with
// the character, encoded as UTF-8; NUL and surrogates stay as written.
std::string decode_escapes(std::string text) {
  size_t at = text.find("_x");
  if (at == std::string::npos) return text;
  std::string out;
  size_t copied = 0;
  for (; at != std::string::npos; at = text.find("_x", at + 1)) {
    if (at + 7 > text.size() || text[at + 6] != '_') continue;
    unsigned code = 0;
    const auto parsed = std::from_chars(text.data() + at + 2, text.data() + at + 6, code, 16);
    if (parsed.ptr != text.data() + at + 6 || code == 0 || (code >= 0xD800 && code <= 0xDFFF))
      continue;
    out.append(text, copied, at - copied);
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    copied = at + 7;
    at += 6;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

struct Relationship {
  std::string type;
  std::string target;
  bool external = false;
};

class RelationshipsHandler : public XmlHandler {
 public:
  std::map<std::string, Relationship> by_id;

  void start(std::string_view name, const char** attributes) override {
    if (name != "Relationship") return;
    const char* id = xml_attribute(attributes, "Id");
    const char* type = xml_attribute(attributes, "Type");
    const char* target = xml_attribute(attributes, "Target");
    const char* mode = xml_attribute(attributes, "TargetMode");
    if (!id || !type || !target) return;
    by_id[id] = {type, target, mode && std::string_view(mode) == "External"};
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}

  // The first relationship of this kind ("worksheet", "sharedStrings"...), or nullptr.
  const Relationship* first_of_type(std::string_view kind) const {
    for (const auto& [id, relationship] : by_id)
      if (ends_with(relationship.type, "/" + std::string(kind))) return &relationship;
    return nullptr;
  }
};

RelationshipsHandler read_relationships(ZipArchive& zip, const std::string& part) {
  RelationshipsHandler relationships;
  const std::string name = relationships_of(part);
  if (zip.contains(name)) parse_part(zip, name, relationships);
  return relationships;
}

struct SheetEntry {
  std::string name;
  std::string relationship_id;
};

class WorkbookHandler : public XmlHandler {
 public:
  std::vector<SheetEntry> sheets;
  bool date1904 = false;

  void start(std::string_view name, const char** attributes) override {
    if (name == "workbookPr") {
      const char* flag = xml_attribute(attributes, "date1904");
      date1904 = flag && (std::string_view(flag) == "1" || std::string_view(flag) == "true");
    } else if (name == "sheet") {
      const char* sheet_name = xml_attribute(attributes, "name");
      const char* id = xml_attribute(attributes, "id");
      if (sheet_name && id) sheets.push_back({sheet_name, id});
    }
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}
};

// The text of <si> items, phonetic runs (<rPh>) left out, kept in one buffer.
class SharedStringsHandler : public XmlHandler {
 public:
  size_t size() const { return ends_.size(); }
  std::string at(size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return chars_.substr(begin, ends_[i] - begin);
  }

  void start(std::string_view name, const char**) override {
    if (name == "si") in_item_ = true;
    if (name == "rPh") ++phonetic_;
    if (name == "t" && in_item_ && phonetic_ == 0) in_text_ = true;
  }
  void end(std::string_view name) override {
    if (name == "t") in_text_ = false;
    if (name == "rPh" && phonetic_ > 0) --phonetic_;
    if (name == "si" && in_item_) {
      ends_.push_back(chars_.size());
      in_item_ = false;
    }
  }
  void text(std::string_view text) override {
    if (in_text_) chars_.append(text);
  }

 private:
  std::string chars_;
  std::vector<size_t> ends_;
  bool in_item_ = false;
  bool in_text_ = false;
  int phonetic_ = 0;
};

// The date kind of each cell format (<cellXfs>), by index: a cell's s attribute.
class StylesHandler : public XmlHandler {
 public:
  std::vector<DateKind> date_kinds() const {
    std::vector<DateKind> kinds;
    kinds.reserve(format_ids_.size());
    for (const int id : format_ids_) {
      const auto code = codes_.find(id);
      kinds.push_back(date_kind_of_format(
          id, code == codes_.end() ? std::nullopt : std::optional<std::string_view>(code->second)));
    }
    return kinds;
  }

  void start(std::string_view name, const char** attributes) override {
    if (name == "numFmt") {
      const char* id = xml_attribute(attributes, "numFmtId");
      const char* code = xml_attribute(attributes, "formatCode");
      if (id && code) codes_[std::atoi(id)] = code;
    } else if (name == "cellXfs") {
      in_cell_formats_ = true;
    } else if (name == "xf" && in_cell_formats_) {
      const char* id = xml_attribute(attributes, "numFmtId");
      format_ids_.push_back(id ? std::atoi(id) : 0);
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_formats_ = false;
  }
  void text(std::string_view) override {}

 private:
  std::map<int, std::string> codes_;
  std::vector<int> format_ids_;
  bool in_cell_formats_ = false;
};

// Parses decimal digits (nothing else) into `value`.
bool parse_unsigned(std::string_view digits, uint64_t& value) {
  const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return !digits.empty() && parsed.ec == std::errc() && parsed.ptr == digits.data() + digits.size();
}

// A row or shared-string number from 1 to max, or 0 when it is not one.
int64_t parse_index(std::string_view digits, int64_t max) {
  uint64_t value = 0;
  if (!parse_unsigned(digits, value) || value < 1 || value > static_cast<uint64_t>(max)) return 0;
  return static_cast<int64_t>(value);
}

// The 0-based column of a cell reference such as "B12".
int64_t column_of_reference(std::string_view reference) {
  int64_t column = 0;
  size_t i = 0;
  for (; i < reference.size() && reference[i] >= 'A' && reference[i] <= 'Z' && i < 3; ++i)
    column = column * 26 + (reference[i] - 'A' + 1);
  if (column == 0 || column > kMaxSheetColumn ||
      parse_index(reference.substr(i), kMaxSheetRow) == 0)
    invalid("a cell has the reference \"" + std::string(reference) + "\", which is not valid");
  return column - 1;
}

class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const TableLimits& limits, const SharedStringsHandler& strings,
               std::vector<DateKind> date_kinds, bool date1904, const RowSink& sink)
      : limits_(limits),
        strings_(strings),
        date_kinds_(std::move(date_kinds)),
        date1904_(date1904),
        sink_(sink) {}

  void start(std::string_view name, const char** attributes) override {
    if (name == "sheetData") in_data_ = true;
    if (!in_data_) return;
    if (name == "row") {
      const char* r = xml_attribute(attributes, "r");
      row_.line = r ? parse_index(r, kMaxSheetRow) : row_.line + 1;
      if (row_.line == 0 || row_.line > kMaxSheetRow)
        invalid("a row has the number \"" + std::string(r ? r : "") + "\", which is not valid");
      row_.cells.clear();
      next_column_ = 0;
      in_row_ = true;
    } else if (name == "c" && in_row_) {
      const char* r = xml_attribute(attributes, "r");
      const char* type = xml_attribute(attributes, "t");
      const char* style = xml_attribute(attributes, "s");
      column_ = r ? column_of_reference(r) : next_column_;
      if (column_ >= kMaxSheetColumn) invalid("a row has more than 16384 cells");
      type_ = type ? type : "";
      style_ = style ? std::atoi(style) : 0;
      value_.clear();
      in_cell_ = true;
    } else if (name == "is" && in_cell_) {
      in_inline_ = true;
    } else if (name == "rPh") {
      ++phonetic_;
    } else if ((name == "v" && in_cell_) || (name == "t" && in_inline_ && phonetic_ == 0)) {
      capturing_ = true;
    }
  }

  void end(std::string_view name) override {
    if (name == "v" || name == "t") {
      capturing_ = false;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (name == "rPh" && phonetic_ > 0) {
      --phonetic_;
    } else if (name == "c" && in_cell_) {
      place_cell(cell_text());
      next_column_ = column_ + 1;
      in_cell_ = false;
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      if (is_blank(row_)) return;
      if (++rows_ > limits_.max_rows)
        throw Error(sqlstate::kFileOverCap,
                    "the sheet has more than " + std::to_string(limits_.max_rows) + " rows");
      sink_(row_);
    } else if (name == "sheetData") {
      in_data_ = false;
    }
  }

  void text(std::string_view text) override {
    if (!capturing_) return;
    value_.append(text);
    if (static_cast<int64_t>(value_.size()) > limits_.max_cell_bytes) too_long();
  }

 private:
  std::string cell_name() const { return column_letters(column_) + std::to_string(row_.line); }

  [[noreturn]] void too_long() const {
    throw Error(sqlstate::kFileOverCap, "cell " + cell_name() + " is longer than " +
                                            std::to_string(limits_.max_cell_bytes) + " bytes");
  }

  std::string cell_text() const {
    if (type_ == "s") {
      uint64_t index = 0;
      if (!parse_unsigned(value_, index) || index >= strings_.size())
        invalid("cell " + cell_name() + " refers to a shared string that does not exist");
      return decode_escapes(strings_.at(static_cast<size_t>(index)));
    }
    if (type_ == "inlineStr" || type_ == "str") return decode_escapes(value_);
    if (type_ == "e" || type_ == "d") return value_;
    if (type_ == "b") {
      if (value_ == "1") return "TRUE";
      if (value_ == "0") return "FALSE";
      invalid("cell " + cell_name() + " holds a boolean that is neither 0 nor 1");
    }
    if (!type_.empty() && type_ != "n") invalid("cell " + cell_name() + " has an unknown type");
    return number_text();
  }

  std::string number_text() const {
    const size_t first = value_.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const size_t last = value_.find_last_not_of(" \t\r\n");
    double number = 0;
    const char* begin = value_.data() + first;
    const char* end = value_.data() + last + 1;
    const auto parsed = std::from_chars(begin, end, number);
    if (parsed.ec != std::errc() || parsed.ptr != end || !std::isfinite(number))
      invalid("cell " + cell_name() + " holds a number that cannot be read");
    if (style_ >= 0 && static_cast<size_t>(style_) < date_kinds_.size() &&
        date_kinds_[static_cast<size_t>(style_)] != DateKind::kNone) {
      if (auto iso = serial_to_iso(number, date_kinds_[static_cast<size_t>(style_)], date1904_))
        return *iso;
    }
    return shortest_decimal(number);
  }

  void place_cell(std::string text) {
    if (text.empty()) return;
    if (column_ >= limits_.max_columns)
      throw Error(sqlstate::kFileOverCap, "row " + std::to_string(row_.line) + " has more than " +
                                              std::to_string(limits_.max_columns) + " columns");
    if (static_cast<int64_t>(text.size()) > limits_.max_cell_bytes) too_long();
    if (static_cast<size_t>(column_) >= row_.cells.size())
      row_.cells.resize(static_cast<size_t>(column_) + 1);
    row_.cells[static_cast<size_t>(column_)] = std::move(text);
  }

  const TableLimits& limits_;
  const SharedStringsHandler& strings_;
  const std::vector<DateKind> date_kinds_;
  const bool date1904_;
  const RowSink& sink_;

  SourceRow row_;
  int64_t rows_ = 0;
  int64_t column_ = 0;
  int64_t next_column_ = 0;
  std::string type_;
  int style_ = 0;
  std::string value_;
  bool in_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_inline_ = false;
  bool capturing_ = false;
  int phonetic_ = 0;
};

std::string workbook_part(ZipArchive& zip) {
  const RelationshipsHandler package = read_relationships(zip, "");
  const Relationship* document = package.first_of_type("officeDocument");
  if (!document) return "xl/workbook.xml";
  return resolve_target("", document->target);
}

const SheetEntry& choose_sheet(const std::vector<SheetEntry>& sheets,
                               const RelationshipsHandler& relationships,
                               const std::string& wanted) {
  const auto is_worksheet = [&](const SheetEntry& sheet) {
    const auto relationship = relationships.by_id.find(sheet.relationship_id);
    return relationship != relationships.by_id.end() &&
           ends_with(relationship->second.type, "/worksheet");
  };
  const SheetEntry* chosen = nullptr;
  for (const SheetEntry& sheet : sheets) {
    if (wanted.empty() ? is_worksheet(sheet) : sheet.name == wanted) {
      chosen = &sheet;
      break;
    }
  }
  for (size_t i = 0; !chosen && !wanted.empty() && i < sheets.size(); ++i)
    if (equal_ignoring_case(sheets[i].name, wanted)) chosen = &sheets[i];
  if (!chosen && wanted.empty()) invalid("the workbook has no worksheet");
  if (!chosen) {
    std::string names;
    for (const SheetEntry& sheet : sheets) names += (names.empty() ? "" : ", ") + sheet.name;
    throw Error(sqlstate::kSheetNotFound, "the workbook has no sheet named \"" + wanted + "\"",
                "Its sheets are: " + names + ".");
  }
  if (!is_worksheet(*chosen))
    throw Error(sqlstate::kSheetNotFound,
                "the sheet \"" + chosen->name + "\" is not a worksheet (a chart, perhaps)");
  return *chosen;
}

void read_workbook(std::string_view data, const TableLimits& limits, const std::string& wanted,
                   const RowSink& sink) {
  ZipArchive zip(data, limits);
  const std::string workbook_name = workbook_part(zip);
  WorkbookHandler workbook;
  parse_part(zip, workbook_name, workbook);
  const RelationshipsHandler relationships = read_relationships(zip, workbook_name);
  const SheetEntry& sheet = choose_sheet(workbook.sheets, relationships, wanted);
  const Relationship& sheet_relationship = relationships.by_id.at(sheet.relationship_id);
  if (sheet_relationship.external) invalid("the sheet \"" + sheet.name + "\" is outside the file");

  const std::string directory = directory_of(workbook_name);
  // Shared strings and styles are optional parts: a workbook without them has none.
  const auto parse_optional = [&](std::string_view kind, XmlHandler& handler) {
    const Relationship* part = relationships.first_of_type(kind);
    if (!part || part->external) return;
    const std::string name = resolve_target(directory, part->target);
    if (zip.contains(name)) parse_part(zip, name, handler);
  };
  SharedStringsHandler strings;
  parse_optional("sharedStrings", strings);
  StylesHandler styles;
  parse_optional("styles", styles);

  SheetHandler rows(limits, strings, styles.date_kinds(), workbook.date1904, sink);
  parse_part(zip, resolve_target(directory, sheet_relationship.target), rows);
}

}  // namespace

void read_xlsx(std::string_view data, const TableLimits& limits, const std::string& sheet,
               const RowSink& sink) {
  constexpr std::string_view kCompoundFile = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
  const std::string hint =
      "Open it in a spreadsheet program and save it as Excel Workbook (.xlsx).";
  if (static_cast<int64_t>(data.size()) > limits.max_file_bytes)
    throw Error(sqlstate::kFileOverCap,
                "the file is larger than " + std::to_string(limits.max_file_bytes) + " bytes");
  if (data.substr(0, kCompoundFile.size()) == kCompoundFile)
    throw Error(sqlstate::kUnreadableFile, "the file is not a valid XLSX workbook",
                "It is an Excel 97-2003 workbook (.xls) or a password-protected one.",
                hint + " Remove any password.");
  try {
    read_workbook(data, limits, sheet, sink);
  } catch (const Error& e) {
    if (e.sqlstate() != sqlstate::kUnreadableFile) throw;
    throw Error(sqlstate::kUnreadableFile, "the file is not a valid XLSX workbook", e.what(), hint);
  }
}

}  // namespace khata
