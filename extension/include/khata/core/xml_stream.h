// A streaming XML parser for the parts of an XLSX workbook, over expat, that refuses any
// document type declaration (so no entity is ever declared, expanded or fetched) and bounds
// the parser's own memory. Element and attribute names reach the handler without their
// namespace: <x:row> and <row> are both "row".
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace khata {

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  // attributes: name, value, name, value, ..., nullptr (expat's layout, names local).
  virtual void start(std::string_view name, const char** attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view text) = 0;
};

// The value of the attribute with this local name, or nullptr.
const char* xml_attribute(const char** attributes, std::string_view name);

class XmlStream {
 public:
  // `part` names the document in error messages.
  XmlStream(XmlHandler& handler, std::string part);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Parses the next piece of the document. Throws khata::Error: 22K60 for malformed XML,
  // 22K62 for a DOCTYPE, 22K61 when the parser would need more memory than its cap; and
  // whatever the handler threw.
  void feed(std::string_view piece);
  // Ends the document (an unclosed element is malformed).
  void finish();

 private:
  void parse(std::string_view piece, bool last);
  static void on_start(void* self, const char* name, const char** attributes);
  static void on_end(void* self, const char* name);
  static void on_text(void* self, const char* text, int length);
  static void on_doctype(void* self, const char*, const char*, const char*, int);
  template <typename F>
  void guarded(F&& f);

  XmlHandler& handler_;
  std::string part_;
  void* parser_ = nullptr;  // XML_Parser, kept opaque so expat.h stays out of this header
  std::exception_ptr failure_;
  bool doctype_ = false;
};

}  // namespace khata
