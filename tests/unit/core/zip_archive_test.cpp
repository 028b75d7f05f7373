#include "khata/core/zip_archive.h"

#include <gtest/gtest.h>

#include <string>

#include "khata/core/error.h"
#include "tabular_support.h"
#include "zip_builder.h"

namespace {

using khata::testing::ZipBuilder;

std::string read_entry(khata::ZipArchive& zip, const std::string& name, int64_t* peak = nullptr) {
  std::string out;
  zip.read(name, [&](std::string_view piece) {
    out.append(piece);
    if (peak) *peak = std::max<int64_t>(*peak, static_cast<int64_t>(out.size()));
  });
  return out;
}

// The error of reading `name` from `archive`, or of opening the archive.
khata::Error error_of(const std::string& archive, const std::string& name,
                      const khata::TableLimits& limits = {}, int64_t* inflated = nullptr) {
  return khata::testing::error_of_call([&] {
    khata::ZipArchive zip(archive, limits);
    zip.read(name, [&](std::string_view piece) {
      if (inflated) *inflated += static_cast<int64_t>(piece.size());
    });
  });
}

TEST(ZipArchive, DeflatedAndStoredEntriesReadBack) {
  const std::string big(200000, 'x');
  const std::string archive =
      ZipBuilder().add("a.xml", "<a/>").add("b.bin", big, false).add("c.txt", big).build();
  khata::ZipArchive zip(archive, {});
  EXPECT_EQ(read_entry(zip, "a.xml"), "<a/>");
  EXPECT_EQ(read_entry(zip, "b.bin"), big);
  EXPECT_EQ(read_entry(zip, "C.TXT"), big) << "part names compare case-insensitively";
  EXPECT_TRUE(zip.contains("A.xml"));
  EXPECT_FALSE(zip.contains("missing.xml"));
}

TEST(ZipArchive, EmptyEntryReadsAsNothing) {
  const std::string archive = ZipBuilder().add("e", "").build();
  khata::ZipArchive zip(archive, {});
  EXPECT_EQ(read_entry(zip, "e"), "");
}

TEST(ZipArchive, ZipBombStopsAtThePartCapWhileInflating) {
  // 64 MiB of zeros deflate to about 64 KiB: a ratio of about 1000.
  const std::string zeros(64u << 20, '\0');
  const std::string bomb = ZipBuilder().add("xl/worksheets/sheet1.xml", zeros).build();
  ASSERT_LT(bomb.size(), 100000u);
  khata::TableLimits limits;
  limits.max_expansion_ratio = 100000;  // the size caps alone must stop it
  limits.max_part_bytes = 8 << 20;
  int64_t inflated = 0;
  const khata::Error e = error_of(bomb, "xl/worksheets/sheet1.xml", limits, &inflated);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "a part of the workbook unpacks to more than 8388608 bytes");
  EXPECT_EQ(inflated, 0) << "the directory's size is checked before inflating";
}

TEST(ZipArchive, ZipBombStopsAtTheExpansionRatio) {
  const std::string bomb = ZipBuilder().add("s.xml", std::string(16u << 20, '\0')).build();
  int64_t inflated = 0;
  const khata::Error e = error_of(bomb, "s.xml", {}, &inflated);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "a part of the workbook expands more than 250 times when unpacked");
  EXPECT_LT(inflated, 2 << 20) << "refused soon after the first MiB, not after 16";
}

TEST(ZipArchive, EntryWhoseHeaderUnderstatesItsSizeIsStoppedAtTheStatedSize) {
  const std::string lying =
      ZipBuilder().add("s.xml", std::string(32u << 20, 'a')).declare_size(100).build();
  int64_t inflated = 0;
  const khata::Error e = error_of(lying, "s.xml", {}, &inflated);
  EXPECT_EQ(e.sqlstate(), "22K60");
  EXPECT_STREQ(e.what(), "the ZIP archive holds more data than its directory says for s.xml");
  EXPECT_EQ(inflated, 0) << "nothing past the stated size reaches the reader";
}

TEST(ZipArchive, EntryWhoseHeaderClaimsAHugeSizeStillStopsAtTheCaps) {
  const std::string lying =
      ZipBuilder().add("s.xml", std::string(32u << 20, 'a')).declare_size(0xFFFFFFF0u).build();
  khata::TableLimits limits;
  limits.max_part_bytes = 1LL << 40;  // only the running total can stop it now
  limits.max_total_bytes = 4 << 20;
  limits.max_expansion_ratio = 100000;
  int64_t inflated = 0;
  const khata::Error e = error_of(lying, "s.xml", limits, &inflated);
  EXPECT_STREQ(e.what(), "the workbook unpacks to more than 4194304 bytes");
  EXPECT_LE(inflated, 4 << 20);
}

TEST(ZipArchive, TotalCapCountsEveryPartRead) {
  const std::string part(600000, 'p');
  const std::string archive = ZipBuilder().add("a", part).add("b", part).build();
  khata::TableLimits limits;
  limits.max_total_bytes = 1000000;
  khata::ZipArchive zip(archive, limits);
  read_entry(zip, "a");
  try {
    read_entry(zip, "b");
    FAIL() << "the second part passes the total";
  } catch (const khata::Error& e) {
    EXPECT_EQ(e.sqlstate(), "22K61");
  }
}

TEST(ZipArchive, MoreEntriesThanTheCapAreRefusedBeforeTheDirectoryIsRead) {
  ZipBuilder builder;
  for (int i = 0; i < 11; ++i) builder.add("e" + std::to_string(i), "x");
  khata::TableLimits limits;
  limits.max_entries = 10;
  try {
    khata::ZipArchive zip(builder.build(), limits);
    FAIL();
  } catch (const khata::Error& e) {
    EXPECT_EQ(e.sqlstate(), "22K61");
    EXPECT_STREQ(e.what(), "the workbook has more than 10 parts");
  }
}

TEST(ZipArchive, WrongChecksumIsRefused) {
  std::string archive = ZipBuilder().add("a.txt", "hello", false).build();
  archive[30 + 5] = 'j';  // "jello", behind the 30-byte local header and the name
  EXPECT_STREQ(error_of(archive, "a.txt").what(), "the ZIP archive has a damaged part: a.txt");
}

TEST(ZipArchive, EveryTruncationIsACleanError) {
  const std::string archive =
      ZipBuilder().add("a.xml", std::string(5000, 'a') + "b").add("b.xml", "<b/>").build();
  for (size_t keep = 0; keep < archive.size(); ++keep) {
    const std::string cut = archive.substr(0, keep);
    try {
      khata::ZipArchive zip(cut, {});
      read_entry(zip, "a.xml");
      read_entry(zip, "b.xml");
      ADD_FAILURE() << "a cut at " << keep << " read without error";
    } catch (const khata::Error& e) {
      EXPECT_EQ(e.sqlstate(), "22K60") << keep;
    }
  }
}

TEST(ZipArchive, CorruptDeflateStreamIsRefused) {
  std::string archive = ZipBuilder().add("a.xml", std::string(3000, 'q') + "z").build();
  for (size_t i = 40; i < 50; ++i) archive[i] = '\xFF';
  EXPECT_EQ(error_of(archive, "a.xml").sqlstate(), "22K60");
}

TEST(ZipArchive, NotAZipArchiveIsRefused) {
  try {
    khata::ZipArchive zip("name,amount\nRahim Traders,1018.5\nKarim,250\n", {});
    FAIL();
  } catch (const khata::Error& e) {
    EXPECT_STREQ(e.what(), "the ZIP archive has no central directory");
  }
}

TEST(ZipArchive, DuplicatePartNamesAreRefused) {
  const std::string archive = ZipBuilder().add("a.xml", "1").add("A.XML", "2").build();
  EXPECT_EQ(error_of(archive, "a.xml").sqlstate(), "22K60");
}

TEST(ZipArchive, MissingPartIsRefused) {
  EXPECT_STREQ(error_of(ZipBuilder().add("a", "1").build(), "b").what(),
               "the ZIP archive has no part b");
}

}  // namespace
