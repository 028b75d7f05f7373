#include "khata/core/table_source.h"

namespace khata {

bool is_blank(const SourceRow& row) {
  for (const std::string& cell : row.cells)
    if (cell.find_first_not_of(" \t\r\n") != std::string::npos) return false;
  return true;
}

std::string column_letters(int64_t column_index) {
  std::string letters;
  for (int64_t n = column_index + 1; n > 0; n = (n - 1) / 26)
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  return letters;
}

}  // namespace khata
