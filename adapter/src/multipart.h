// multipart/form-data (RFC 7578) bodies: text fields and uploaded files.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace khatad {

class MultipartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct UploadedFile {
  std::string field;
  std::string filename;
  std::string content_type;
  std::string data;
};

struct MultipartForm {
  std::vector<std::pair<std::string, std::string>> fields;  // in order; a name may repeat
  std::vector<UploadedFile> files;
};

// The boundary named by a Content-Type header value, or nullopt when it is not
// multipart/form-data with a usable boundary.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Parses a whole body; throws MultipartError on anything malformed. At most `max_parts` parts.
MultipartForm parse_multipart(std::string_view body, const std::string& boundary,
                              size_t max_parts = 1000);

}  // namespace khatad
