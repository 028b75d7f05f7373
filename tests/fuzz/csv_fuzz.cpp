// Any bytes read as CSV either become records of valid JSON or are refused with khata::Error;
// nothing else may escape, crash, hang or allocate without bound.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "khata/core/error.h"
#include "khata/core/table_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  khata::TableOptions options;
  options.format = khata::TableFormat::kCsv;
  options.limits.max_columns = 64;
  options.limits.max_cell_bytes = 256;
  for (const char delimiter : {'\0', ';'}) {
    options.delimiter = delimiter;
    try {
      int64_t last_line = 0;
      khata::read_table(text, options, [&](int64_t line, const std::string& cells) {
        if (line <= last_line || cells.empty() || cells.front() != '{' || cells.back() != '}')
          abort();
        last_line = line;
      });
    } catch (const khata::Error&) {
    }
  }
  return 0;
}
