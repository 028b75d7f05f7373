// A read-only view of a ZIP archive in memory (the container of an XLSX workbook) that trusts
// nothing it is told: sizes in headers are checked against the bytes that actually inflate,
// and the caps of TableLimits are enforced while inflating, so a zip bomb stops at the cap.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "khata/core/table_source.h"

namespace khata {

class ZipArchive {
 public:
  // Reads the central directory; `data` must outlive the archive. Throws khata::Error: 22K60 when
  // `data` is not a readable ZIP archive, 22K61 when it has more entries than the cap.
  ZipArchive(std::string_view data, const TableLimits& limits);

  // Whether an entry of this name exists (names compare case-insensitively, as in OPC).
  bool contains(std::string_view name) const;

  // Hands the entry's bytes to `chunk`, in pieces, as they inflate. Throws 22K60 for a missing
  // or corrupt entry (CRC or size not as recorded), 22K61 when a cap is passed: the part's
  // size, the total inflated by this archive so far, or the expansion ratio.
  void read(std::string_view name, const std::function<void(std::string_view)>& chunk);

 private:
  struct Entry {
    std::string name;
    uint16_t flags = 0;
    uint16_t method = 0;
    uint32_t crc = 0;
    uint64_t compressed_size = 0;
    uint64_t size = 0;
    uint64_t local_header_offset = 0;
  };

  const Entry* find(std::string_view name) const;
  std::string_view entry_data(const Entry& entry) const;
  void read_central_directory(uint64_t offset, uint64_t size, uint64_t count);

  std::string_view data_;
  TableLimits limits_;
  std::vector<Entry> entries_;
  int64_t total_inflated_ = 0;
};

}  // namespace khata
