// Any bytes read as an XLSX workbook either become records or are refused with khata::Error;
// nothing else may escape, crash, hang or allocate without bound. Input starting with "PK" is
// the archive itself; any other input is the sheet, shared strings and styles parts,
// separated by \x01, put into a valid archive so the mutations reach the XML readers.
#include <cstdint>
#include <string>
#include <vector>

#include "../unit/core/zip_builder.h"
#include "khata/core/error.h"
#include "khata/core/table_reader.h"

namespace {

std::string wrap_parts(const std::string& input) {
  std::vector<std::string> parts(3);
  size_t at = 0;
  for (size_t i = 0; i < parts.size() && at <= input.size(); ++i) {
    const size_t end = i + 1 < parts.size() ? input.find('\x01', at) : std::string::npos;
    parts[i] = input.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? input.size() + 1 : end + 1;
  }
  return khata::testing::ZipBuilder()
      .add("xl/workbook.xml",
           std::string("<workbook xmlns:r=\"") + khata::testing::kRelNs +
               "\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>",
           false)
      .add("xl/_rels/workbook.xml.rels",
           std::string("<Relationships><Relationship Id=\"rId1\" Type=\"") +
               khata::testing::kRelNs +
               "/worksheet\" Target=\"s.xml\"/><Relationship Id=\"rId2\" "
               "Type=\"" +
               khata::testing::kRelNs +
               "/sharedStrings\" Target=\"t.xml\"/>"
               "<Relationship Id=\"rId3\" Type=\"" +
               khata::testing::kRelNs + "/styles\" Target=\"u.xml\"/></Relationships>",
           false)
      .add("xl/s.xml", parts[0], false)
      .add("xl/t.xml", parts[1], false)
      .add("xl/u.xml", parts[2], false)
      .build();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string archive = input.rfind("PK", 0) == 0 ? input : wrap_parts(input);
  khata::TableOptions options;
  options.format = khata::TableFormat::kXlsx;
  options.limits.max_part_bytes = 4 << 20;
  options.limits.max_total_bytes = 8 << 20;
  options.limits.max_columns = 64;
  try {
    khata::read_table(archive, options, [](int64_t, const std::string&) {});
  } catch (const khata::Error&) {
  }
  return 0;
}
