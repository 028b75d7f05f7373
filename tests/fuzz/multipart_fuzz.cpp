// Any body either parses into parts that lie inside it, or is refused with MultipartError.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  try {
    const khatad::MultipartForm form = khatad::parse_multipart(body, "XyZ", 100);
    size_t total = 0;
    for (const auto& f : form.files) total += f.data.size();
    for (const auto& f : form.fields) total += f.second.size();
    if (total > body.size()) abort();
  } catch (const khatad::MultipartError&) {
  }
  // The Content-Type parser sees the same bytes.
  if (const auto boundary = khatad::multipart_boundary(body))
    if (boundary->empty() || boundary->size() > 70) abort();
  return 0;
}
