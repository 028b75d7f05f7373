#include "khata/core/xml_stream.h"

#include <expat.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "khata/core/error.h"
#include "khata/core/table_source.h"

namespace khata {
namespace {

// What expat may hold at once. A workbook's tokens are small (a cell is at most 32767
// characters); only a hostile one needs more.
constexpr size_t kParserMemoryCap = 32u << 20;
constexpr char kNamespaceSeparator = '\x01';

// expat's memory functions take no context; the backend parses on one thread.
thread_local size_t parser_memory_in_use = 0;

// Each block carries its size in front, aligned for any type.
constexpr size_t kHeader = alignof(std::max_align_t);

void* counted_malloc(size_t size) {
  if (size > kParserMemoryCap - parser_memory_in_use) return nullptr;
  auto* block = static_cast<char*>(std::malloc(size + kHeader));
  if (!block) return nullptr;
  std::memcpy(block, &size, sizeof size);
  parser_memory_in_use += size;
  return block + kHeader;
}

void counted_free(void* ptr) {
  if (!ptr) return;
  char* block = static_cast<char*>(ptr) - kHeader;
  size_t size;
  std::memcpy(&size, block, sizeof size);
  parser_memory_in_use -= size;
  std::free(block);
}

void* counted_realloc(void* ptr, size_t size) {
  if (!ptr) return counted_malloc(size);
  char* block = static_cast<char*>(ptr) - kHeader;
  size_t old_size;
  std::memcpy(&old_size, block, sizeof old_size);
  if (size > old_size && size - old_size > kParserMemoryCap - parser_memory_in_use) return nullptr;
  auto* grown = static_cast<char*>(std::realloc(block, size + kHeader));
  if (!grown) return nullptr;
  std::memcpy(grown, &size, sizeof size);
  parser_memory_in_use = parser_memory_in_use - old_size + size;
  return grown + kHeader;
}

const XML_Memory_Handling_Suite kCountedMemory = {counted_malloc, counted_realloc, counted_free};

std::string_view local_name(const char* name) {
  const char* separator = std::strrchr(name, kNamespaceSeparator);
  return separator ? separator + 1 : name;
}

XML_Parser as_parser(void* p) { return static_cast<XML_Parser>(p); }

}  // namespace

const char* xml_attribute(const char** attributes, std::string_view name) {
  for (const char** a = attributes; a && a[0]; a += 2)
    if (local_name(a[0]) == name) return a[1];
  return nullptr;
}

XmlStream::XmlStream(XmlHandler& handler, std::string part)
    : handler_(handler), part_(std::move(part)) {
  const char separator[] = {kNamespaceSeparator, '\0'};
  XML_Parser parser = XML_ParserCreate_MM(nullptr, &kCountedMemory, separator);
  if (!parser) throw std::bad_alloc();
  parser_ = parser;
  XML_SetUserData(parser, this);
  XML_SetElementHandler(parser, on_start, on_end);
  XML_SetCharacterDataHandler(parser, on_text);
  XML_SetStartDoctypeDeclHandler(parser, on_doctype);
  // No external entity reference handler is set, so nothing is ever fetched either way.
  XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
}

XmlStream::~XmlStream() { XML_ParserFree(as_parser(parser_)); }

// No exception may unwind through expat's C frames: a handler's failure is kept, the parser
// stopped, and the failure rethrown once XML_Parse has returned.
template <typename F>
void XmlStream::guarded(F&& f) {
  if (failure_) return;
  try {
    f();
  } catch (...) {
    failure_ = std::current_exception();
    XML_StopParser(as_parser(parser_), XML_FALSE);
  }
}

void XmlStream::on_start(void* self, const char* name, const char** attributes) {
  auto* stream = static_cast<XmlStream*>(self);
  stream->guarded([&] {
    for (const char** a = attributes; a[0]; a += 2) a[0] = local_name(a[0]).data();
    stream->handler_.start(local_name(name), attributes);
  });
}

void XmlStream::on_end(void* self, const char* name) {
  auto* stream = static_cast<XmlStream*>(self);
  stream->guarded([&] { stream->handler_.end(local_name(name)); });
}

void XmlStream::on_text(void* self, const char* text, int length) {
  auto* stream = static_cast<XmlStream*>(self);
  stream->guarded([&] { stream->handler_.text(std::string_view(text, length)); });
}

void XmlStream::on_doctype(void* self, const char*, const char*, const char*, int) {
  auto* stream = static_cast<XmlStream*>(self);
  stream->doctype_ = true;
  XML_StopParser(as_parser(stream->parser_), XML_FALSE);
}

void XmlStream::feed(std::string_view piece) {
  constexpr size_t kMaxPiece = std::numeric_limits<int>::max() / 2;
  while (piece.size() > kMaxPiece) {
    parse(piece.substr(0, kMaxPiece), false);
    piece.remove_prefix(kMaxPiece);
  }
  parse(piece, false);
}

void XmlStream::finish() { parse({}, true); }

void XmlStream::parse(std::string_view piece, bool last) {
  XML_Parser parser = as_parser(parser_);
  const XML_Status status =
      XML_Parse(parser, piece.data(), static_cast<int>(piece.size()), last ? XML_TRUE : XML_FALSE);
  if (failure_) std::rethrow_exception(failure_);
  if (doctype_)
    throw Error(sqlstate::kUnsafeXml,
                "the file declares a document type in " + part_ + ", which is refused", {},
                "A workbook saved by a spreadsheet program has none; the file was altered.");
  if (status == XML_STATUS_OK) return;
  const XML_Error error = XML_GetErrorCode(parser);
  if (error == XML_ERROR_NO_MEMORY)
    throw Error(sqlstate::kFileOverCap, "an element of " + part_ + " is too large to read");
  throw Error(sqlstate::kUnreadableFile, part_ + " line " +
                                             std::to_string(XML_GetCurrentLineNumber(parser)) +
                                             ": " + XML_ErrorString(error));
}

}  // namespace khata
