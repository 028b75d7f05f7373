// Test helper: ZIP archives and XLSX workbooks built in memory, including broken and hostile
// ones (headers that lie, bombs, truncations). Used by the unit tests and the XLSX fuzzer.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace khata::testing {

inline std::string raw_deflate(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("deflate");
  return out;
}

class ZipBuilder {
 public:
  struct Entry {
    std::string name;
    std::string stored;  // the bytes as written: deflated or not
    uint16_t method = 8;
    uint32_t crc = 0;
    uint32_t size = 0;  // as declared in both headers
  };

  // An honest entry, deflated (or stored).
  ZipBuilder& add(std::string name, std::string_view content, bool deflated = true) {
    Entry entry;
    entry.name = std::move(name);
    entry.stored = deflated ? raw_deflate(content) : std::string(content);
    entry.method = deflated ? 8 : 0;
    entry.crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(content.data()),
                                            static_cast<uInt>(content.size())));
    entry.size = static_cast<uint32_t>(content.size());
    entries_.push_back(std::move(entry));
    return *this;
  }

  // The last entry's headers claim this size instead of its real one.
  ZipBuilder& declare_size(uint32_t size) {
    entries_.back().size = size;
    return *this;
  }

  std::string build() const {
    std::string out, directory;
    for (const Entry& e : entries_) {
      const auto offset = static_cast<uint32_t>(out.size());
      u32(out, 0x04034b50);
      header_fields(out, e);
      out += e.name;
      out += e.stored;
      u32(directory, 0x02014b50);
      u16(directory, 20);
      header_fields(directory, e);
      u16(directory, 0);  // comment
      u16(directory, 0);  // disk
      u16(directory, 0);  // internal attributes
      u32(directory, 0);  // external attributes
      u32(directory, offset);
      directory += e.name;
    }
    const auto directory_offset = static_cast<uint32_t>(out.size());
    out += directory;
    u32(out, 0x06054b50);
    u16(out, 0);
    u16(out, 0);
    u16(out, static_cast<uint16_t>(entries_.size()));
    u16(out, static_cast<uint16_t>(entries_.size()));
    u32(out, static_cast<uint32_t>(directory.size()));
    u32(out, directory_offset);
    u16(out, 0);
    return out;
  }

 private:
  static void u16(std::string& out, uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
  }
  static void u32(std::string& out, uint32_t v) {
    u16(out, static_cast<uint16_t>(v & 0xFFFF));
    u16(out, static_cast<uint16_t>(v >> 16));
  }
  // From "version needed" to "extra length": the same in both headers.
  static void header_fields(std::string& out, const Entry& e) {
    u16(out, 20);
    u16(out, 0);  // flags
    u16(out, e.method);
    u16(out, 0);       // time
    u16(out, 0x5821);  // 2024-01-01
    u32(out, e.crc);
    u32(out, static_cast<uint32_t>(e.stored.size()));
    u32(out, e.size);
    u16(out, static_cast<uint16_t>(e.name.size()));
    u16(out, 0);
  }

  std::vector<Entry> entries_;
};

inline constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A one-sheet workbook ("Sheet1") around `sheet_data` (the inside of <sheetData>), with
// optional shared strings (the inside of <sst>) and cell formats (the inside of <styleSheet>).
inline ZipBuilder workbook_parts(const std::string& sheet_data, const std::string& strings = {},
                                 const std::string& styles = {}, bool date1904 = false) {
  const std::string rels = std::string("<Relationships xmlns=\"") +
                           "http://schemas.openxmlformats.org/package/2006/relationships\">";
  const std::string type = std::string(kRelNs) + "/";
  ZipBuilder zip;
  zip.add("_rels/.rels", rels + "<Relationship Id=\"rId1\" Type=\"" + type +
                             "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  zip.add("xl/workbook.xml", std::string("<workbook xmlns=\"") + kMainNs + "\" xmlns:r=\"" +
                                 kRelNs + "\">" + (date1904 ? "<workbookPr date1904=\"1\"/>" : "") +
                                 "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
                                 "</sheets></workbook>");
  zip.add("xl/_rels/workbook.xml.rels",
          rels + "<Relationship Id=\"rId1\" Type=\"" + type +
              "worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" +
              type +
              "sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" "
              "Type=\"" +
              type + "styles\" Target=\"styles.xml\"/></Relationships>");
  if (!strings.empty())
    zip.add("xl/sharedStrings.xml",
            std::string("<sst xmlns=\"") + kMainNs + "\">" + strings + "</sst>");
  if (!styles.empty())
    zip.add("xl/styles.xml",
            std::string("<styleSheet xmlns=\"") + kMainNs + "\">" + styles + "</styleSheet>");
  zip.add("xl/worksheets/sheet1.xml", std::string("<worksheet xmlns=\"") + kMainNs +
                                          "\"><sheetData>" + sheet_data +
                                          "</sheetData></worksheet>");
  return zip;
}

inline std::string workbook(const std::string& sheet_data, const std::string& strings = {},
                            const std::string& styles = {}, bool date1904 = false) {
  return workbook_parts(sheet_data, strings, styles, date1904).build();
}

}  // namespace khata::testing
