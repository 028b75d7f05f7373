#include "multipart.h"

#include <gtest/gtest.h>

namespace khatad {
namespace {

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(multipart_boundary("application/json"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')),
            std::nullopt);
}

TEST(Multipart, FieldsAndFilesInOrder) {
  const std::string body =
      "preamble\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"month\"\r\n\r\n"
      "2024-03\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"march.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n"
      "a;b\r\n1;2\r\n\r\n--XyZ--\r\nepilogue";
  const MultipartForm form = parse_multipart(body, "XyZ");
  ASSERT_EQ(form.fields.size(), 1u);
  EXPECT_EQ(form.fields[0].first, "month");
  EXPECT_EQ(form.fields[0].second, "2024-03");
  ASSERT_EQ(form.files.size(), 1u);
  EXPECT_EQ(form.files[0].field, "file");
  EXPECT_EQ(form.files[0].filename, "march.csv");
  EXPECT_EQ(form.files[0].content_type, "text/csv");
  EXPECT_EQ(form.files[0].data, "a;b\r\n1;2\r\n");
}

TEST(Multipart, BinaryContentKeepsEveryByte) {
  const std::string data("\0\xff\r\n--Xy\r\n", 10);
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"b\"\r\n\r\n" + data +
      "\r\n--XyZ--";
  const MultipartForm form = parse_multipart(body, "XyZ");
  ASSERT_EQ(form.files.size(), 1u);
  EXPECT_EQ(form.files[0].data, data);
  EXPECT_EQ(form.files[0].content_type, "application/octet-stream");
}

TEST(Multipart, MalformedBodiesAreRefused) {
  const std::string head = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n";
  EXPECT_THROW(parse_multipart("no boundary here", "b"), MultipartError);
  EXPECT_THROW(parse_multipart(head + "value never closed", "b"), MultipartError);
  EXPECT_THROW(parse_multipart("--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--", "b"),
               MultipartError);
  EXPECT_THROW(
      parse_multipart("--b\r\nContent-Disposition: attachment; name=x\r\n\r\nv\r\n--b--", "b"),
      MultipartError);
  EXPECT_THROW(parse_multipart("--b\r\nno colon\r\n\r\nv\r\n--b--", "b"), MultipartError);
  EXPECT_THROW(parse_multipart("--bjunk", "b"), MultipartError);
}

TEST(Multipart, PartCountIsCapped) {
  std::string body;
  for (int i = 0; i < 5; ++i)
    body += "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n";
  body += "--b--";
  EXPECT_EQ(parse_multipart(body, "b").fields.size(), 5u);
  EXPECT_THROW(parse_multipart(body, "b", 4), MultipartError);
}

}  // namespace
}  // namespace khatad
