#include "khata/core/zip_archive.h"

#include <zlib.h>

#include <cctype>
#include <memory>
#include <set>

#include "khata/core/error.h"

namespace khata {
namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50;
constexpr uint32_t kZip64EndLocator = 0x07064b50;
constexpr uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr uint32_t kDirectoryEntry = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint16_t kZip64Extra = 0x0001;
constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;
constexpr uint16_t kEncrypted = 0x0001;
constexpr size_t kChunkBytes = size_t{64} << 10;
// The expansion ratio is judged only past this many inflated bytes: small parts may expand
// a lot, harmlessly.
constexpr int64_t kRatioGraceBytes = 1 << 20;

[[noreturn]] void corrupt(const std::string& what) {
  throw Error(sqlstate::kUnreadableFile, "the ZIP archive " + what);
}

// Little-endian fields at checked offsets: reading past the end is a corrupt archive.
class Reader {
 public:
  Reader(std::string_view data, uint64_t offset) : data_(data), pos_(offset) {}

  uint64_t pos() const { return pos_; }
  void skip(uint64_t n) {
    need(n);
    pos_ += n;
  }
  uint16_t u16() { return static_cast<uint16_t>(field(2)); }
  uint32_t u32() { return static_cast<uint32_t>(field(4)); }
  uint64_t u64() { return field(8); }
  std::string_view bytes(uint64_t n) {
    need(n);
    const std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  void need(uint64_t n) const {
    if (pos_ > data_.size() || n > data_.size() - pos_) corrupt("is truncated");
  }
  uint64_t field(int width) {
    need(width);
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i)
      value = (value << 8) | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += width;
    return value;
  }

  std::string_view data_;
  uint64_t pos_;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Applies a ZIP64 extra field: each 32-bit field that overflowed is there, in this order.
void apply_zip64_extra(std::string_view extra, uint64_t& size, uint64_t& compressed_size,
                       uint64_t& offset) {
  Reader r(extra, 0);
  while (r.pos() + 4 <= extra.size()) {
    const uint16_t id = r.u16();
    const uint16_t length = r.u16();
    Reader field(r.bytes(length), 0);
    if (id != kZip64Extra) continue;
    if (size == 0xFFFFFFFF) size = field.u64();
    if (compressed_size == 0xFFFFFFFF) compressed_size = field.u64();
    if (offset == 0xFFFFFFFF) offset = field.u64();
    return;
  }
}

[[noreturn]] void over_cap(const std::string& what) { throw Error(sqlstate::kFileOverCap, what); }

struct InflateStream {
  z_stream z{};
  bool open = false;
  ~InflateStream() {
    if (open) inflateEnd(&z);
  }
};

}  // namespace

ZipArchive::ZipArchive(std::string_view data, const TableLimits& limits)
    : data_(data), limits_(limits) {
  if (data.size() < 22) corrupt("is truncated");
  // The end-of-directory record sits in the last 22 bytes plus at most a 64 KiB comment.
  const size_t lowest = data.size() >= 22 + 0xFFFF ? data.size() - 22 - 0xFFFF : 0;
  size_t end = data.size() - 22;
  for (;; --end) {
    if (Reader(data, end).u32() == kEndOfDirectory) break;
    if (end == lowest) corrupt("has no central directory");
  }
  Reader eocd(data, end + 4);
  const uint16_t disk = eocd.u16();
  const uint16_t directory_disk = eocd.u16();
  eocd.skip(2);
  uint64_t count = eocd.u16();
  uint64_t directory_size = eocd.u32();
  uint64_t directory_offset = eocd.u32();
  if (disk != 0 || directory_disk != 0) corrupt("spans several disks");
  if (count == 0xFFFF || directory_size == 0xFFFFFFFF || directory_offset == 0xFFFFFFFF) {
    if (end < 20) corrupt("is truncated");
    Reader locator(data, end - 20);
    if (locator.u32() != kZip64EndLocator) corrupt("has a broken ZIP64 directory");
    locator.skip(4);
    Reader zip64(data, locator.u64());
    if (zip64.u32() != kZip64EndOfDirectory) corrupt("has a broken ZIP64 directory");
    zip64.skip(8 + 2 + 2 + 4 + 4 + 8);
    count = zip64.u64();
    directory_size = zip64.u64();
    directory_offset = zip64.u64();
  }
  if (count > static_cast<uint64_t>(limits_.max_entries))
    over_cap("the workbook has more than " + std::to_string(limits_.max_entries) + " parts");
  read_central_directory(directory_offset, directory_size, count);
}

void ZipArchive::read_central_directory(uint64_t offset, uint64_t size, uint64_t count) {
  if (offset > data_.size() || size > data_.size() - offset) corrupt("is truncated");
  Reader r(data_.substr(offset, size), 0);
  std::set<std::string> names;
  entries_.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (r.u32() != kDirectoryEntry) corrupt("has a broken central directory");
    Entry entry;
    r.skip(4);
    entry.flags = r.u16();
    entry.method = r.u16();
    r.skip(4);
    entry.crc = r.u32();
    entry.compressed_size = r.u32();
    entry.size = r.u32();
    const uint16_t name_length = r.u16();
    const uint16_t extra_length = r.u16();
    const uint16_t comment_length = r.u16();
    r.skip(2 + 2 + 4);
    entry.local_header_offset = r.u32();
    entry.name = std::string(r.bytes(name_length));
    apply_zip64_extra(r.bytes(extra_length), entry.size, entry.compressed_size,
                      entry.local_header_offset);
    r.skip(comment_length);
    if (!names.insert(lower(entry.name)).second) corrupt("names a part twice: " + entry.name);
    entries_.push_back(std::move(entry));
  }
}

const ZipArchive::Entry* ZipArchive::find(std::string_view name) const {
  const std::string wanted = lower(name);
  for (const Entry& entry : entries_)
    if (lower(entry.name) == wanted) return &entry;
  return nullptr;
}

bool ZipArchive::contains(std::string_view name) const { return find(name) != nullptr; }

std::string_view ZipArchive::entry_data(const Entry& entry) const {
  Reader local(data_, entry.local_header_offset);
  if (local.u32() != kLocalHeader) corrupt("has a broken entry: " + entry.name);
  local.skip(2 + 2 + 2 + 4 + 4 + 4 + 4);
  const uint16_t name_length = local.u16();
  const uint16_t extra_length = local.u16();
  local.skip(static_cast<uint64_t>(name_length) + extra_length);
  return local.bytes(entry.compressed_size);
}

void ZipArchive::read(std::string_view name, const std::function<void(std::string_view)>& chunk) {
  const Entry* entry = find(name);
  if (!entry) corrupt("has no part " + std::string(name));
  if (entry->flags & kEncrypted) corrupt("is encrypted");
  if (entry->method != kStored && entry->method != kDeflated)
    corrupt("uses an unsupported compression method for " + entry->name);
  const std::string part_over_cap = "a part of the workbook unpacks to more than " +
                                    std::to_string(limits_.max_part_bytes) + " bytes";
  if (entry->size > static_cast<uint64_t>(limits_.max_part_bytes)) over_cap(part_over_cap);
  const std::string_view input = entry_data(*entry);

  int64_t produced = 0;
  uLong crc = crc32(0, nullptr, 0);
  // Every piece passes the caps before anyone sees it.
  const auto deliver = [&](std::string_view piece, uint64_t consumed) {
    produced += static_cast<int64_t>(piece.size());
    total_inflated_ += static_cast<int64_t>(piece.size());
    if (produced > limits_.max_part_bytes) over_cap(part_over_cap);
    if (total_inflated_ > limits_.max_total_bytes)
      over_cap("the workbook unpacks to more than " + std::to_string(limits_.max_total_bytes) +
               " bytes");
    if (produced > kRatioGraceBytes &&
        produced > limits_.max_expansion_ratio * static_cast<int64_t>(consumed))
      over_cap("a part of the workbook expands more than " +
               std::to_string(limits_.max_expansion_ratio) + " times when unpacked");
    if (static_cast<uint64_t>(produced) > entry->size)
      corrupt("holds more data than its directory says for " + entry->name);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(piece.data()), static_cast<uInt>(piece.size()));
    chunk(piece);
  };

  if (entry->method == kStored) {
    for (size_t at = 0; at < input.size(); at += kChunkBytes)
      deliver(input.substr(at, kChunkBytes), at + kChunkBytes);
  } else {
    InflateStream stream;
    if (inflateInit2(&stream.z, -MAX_WBITS) != Z_OK) throw std::bad_alloc();
    stream.open = true;
    stream.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream.z.avail_in = static_cast<uInt>(input.size());
    const auto out = std::make_unique<char[]>(kChunkBytes);
    for (;;) {
      stream.z.next_out = reinterpret_cast<Bytef*>(out.get());
      stream.z.avail_out = kChunkBytes;
      const int status = inflate(&stream.z, Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END) {
        if (status == Z_MEM_ERROR) throw std::bad_alloc();
        corrupt(status == Z_BUF_ERROR ? "is truncated in " + entry->name
                                      : "has corrupt data in " + entry->name);
      }
      deliver(std::string_view(out.get(), kChunkBytes - stream.z.avail_out),
              input.size() - stream.z.avail_in);
      if (status == Z_STREAM_END) break;
    }
  }
  if (static_cast<uint64_t>(produced) != entry->size || crc != entry->crc)
    corrupt("has a damaged part: " + entry->name);
}

}  // namespace khata
