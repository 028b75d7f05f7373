#include "multipart.h"

#include <algorithm>
#include <cctype>

namespace khatad {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `name` among `; name=value` parameters (quoted or token), or nullopt.
std::optional<std::string> header_parameter(std::string_view value, std::string_view name) {
  size_t at = value.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = trim(value.substr(at + 1));
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string key = lower(trim(rest.substr(0, eq)));
    rest = trim(rest.substr(eq + 1));
    std::string parsed;
    size_t consumed = 0;
    if (!rest.empty() && rest[0] == '"') {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        parsed.push_back(rest[i]);
      }
      if (i >= rest.size()) return std::nullopt;  // an unclosed quote
      consumed = i + 1;
    } else {
      consumed = std::min(rest.find(';'), rest.size());
      parsed = std::string(trim(rest.substr(0, consumed)));
    }
    if (key == name) return parsed;
    const size_t next = rest.find(';', consumed);
    if (next == std::string_view::npos) return std::nullopt;
    at = static_cast<size_t>(rest.data() + next - value.data());
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (lower(type) != "multipart/form-data") return std::nullopt;
  auto boundary = header_parameter(content_type, "boundary");
  // RFC 2046: 1 to 70 characters.
  if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
  return boundary;
}

MultipartForm parse_multipart(std::string_view body, const std::string& boundary,
                              size_t max_parts) {
  MultipartForm form;
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) throw MultipartError("no multipart boundary in the body");
  at += delimiter.size();
  while (true) {
    if (body.substr(at, 2) == "--") return form;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") throw MultipartError("a boundary line is malformed");
    at += 2;
    const size_t headers_end = body.find("\r\n\r\n", at);
    // A part with no headers at all starts straight with its blank line.
    const bool no_headers = body.substr(at, 2) == "\r\n";
    if (headers_end == std::string_view::npos && !no_headers)
      throw MultipartError("a part's headers never end");
    const std::string_view headers =
        no_headers ? std::string_view() : body.substr(at, headers_end - at);
    const size_t content_start = no_headers ? at + 2 : headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) throw MultipartError("the body ends inside a part");
    const std::string_view content = body.substr(content_start, next - content_start);
    if (form.fields.size() + form.files.size() >= max_parts) throw MultipartError("too many parts");

    std::optional<std::string> disposition;
    std::string content_type;
    size_t line_start = 0;
    while (line_start <= headers.size() && !headers.empty()) {
      const size_t line_end = std::min(headers.find("\r\n", line_start), headers.size());
      const std::string_view line = headers.substr(line_start, line_end - line_start);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) throw MultipartError("a part header has no colon");
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") disposition = std::string(value);
      if (name == "content-type") content_type = std::string(value);
      line_start = line_end + 2;
    }
    if (!disposition || lower(trim(disposition->substr(0, disposition->find(';')))) != "form-data")
      throw MultipartError("a part is not form-data");
    auto field = header_parameter(*disposition, "name");
    if (!field) throw MultipartError("a part has no name");
    auto filename = header_parameter(*disposition, "filename");
    if (filename) {
      form.files.push_back(
          UploadedFile{std::move(*field), std::move(*filename),
                       content_type.empty() ? "application/octet-stream" : std::move(content_type),
                       std::string(content)});
    } else {
      form.fields.emplace_back(std::move(*field), std::string(content));
    }
    at = next + 2 + delimiter.size();
  }
}

}  // namespace khatad
