#include "jwt.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "base64.h"

namespace khatad {
namespace {

using Json = nlohmann::json;

struct Pem {
  std::string private_key, public_key;
};

Pem make_key(int bits) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(bits), EVP_PKEY_free);
  auto write = [&](bool is_private) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (is_private)
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    else
      PEM_write_bio_PUBKEY(bio.get(), key.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(size));
  };
  return {write(true), write(false)};
}

const Pem& pem() {
  static const Pem keys = make_key(2048);
  return keys;
}

constexpr int64_t kNow = 1700000000;

Json claims(const Json& extra = Json::object()) {
  Json c = {{"iss", "khata"}, {"aud", "wallet"}, {"typ", "access"},  {"sub", "u-1"},
            {"iat", kNow},    {"nbf", kNow},     {"exp", kNow + 900}};
  c.update(extra);
  return c;
}

JwtExpectations access() { return {"khata", "wallet", "access", kNow, 5}; }

std::string with_header(const std::string& header, const Json& payload, const std::string& sig) {
  return base64url_encode(header) + "." + base64url_encode(payload.dump()) + "." + sig;
}

TEST(Jwt, SignedTokenVerifiesAndKeepsItsClaims) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  const Json verified = keys.verify(keys.sign(claims({{"sid", "s-9"}})), access());
  EXPECT_EQ(verified["sub"], "u-1");
  EXPECT_EQ(verified["sid"], "s-9");
}

TEST(Jwt, PublicKeyIsDerivedFromThePrivateOneWhenNotGiven) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, "");
  EXPECT_NO_THROW(keys.verify(keys.sign(claims()), access()));
}

TEST(Jwt, AlgNoneIsRefused) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  EXPECT_THROW(keys.verify(with_header(R"({"alg":"none","typ":"JWT"})", claims(), ""), access()),
               JwtError);
  EXPECT_THROW(keys.verify(with_header(R"({"alg":"none"})", claims(), "c2ln"), access()), JwtError);
}

TEST(Jwt, Hs256SignedWithThePublicKeyIsRefused) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  const std::string input =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims().dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), pem().public_key.data(), static_cast<int>(pem().public_key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  const std::string token =
      input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), length));
  EXPECT_THROW(keys.verify(token, access()), JwtError);
}

TEST(Jwt, ExpiredIsRefused) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  EXPECT_THROW(keys.verify(keys.sign(claims({{"exp", kNow - 60}})), access()), JwtError);
  EXPECT_NO_THROW(keys.verify(keys.sign(claims({{"exp", kNow + 1}})), access()));
  EXPECT_THROW(keys.verify(keys.sign(claims({{"exp", nullptr}})), access()), JwtError);
}

TEST(Jwt, NotYetValidIsRefused) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  EXPECT_THROW(keys.verify(keys.sign(claims({{"nbf", kNow + 600}})), access()), JwtError);
  EXPECT_NO_THROW(keys.verify(keys.sign(claims({{"nbf", kNow + 3}})), access()));
}

TEST(Jwt, TamperedPayloadOrSignatureIsRefused) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  const std::string token = keys.sign(claims());
  const size_t first = token.find('.'), second = token.rfind('.');
  const std::string forged = token.substr(0, first + 1) +
                             base64url_encode(claims({{"sub", "admin"}}).dump()) +
                             token.substr(second);
  EXPECT_THROW(keys.verify(forged, access()), JwtError);
  std::string flipped = token;
  flipped[second + 5] = flipped[second + 5] == 'A' ? 'B' : 'A';
  EXPECT_THROW(keys.verify(flipped, access()), JwtError);
  EXPECT_THROW(keys.verify(token + ".x", access()), JwtError);
}

TEST(Jwt, AnotherKeysSignatureIsRefused) {
  const Pem other = make_key(2048);
  const JwtKeys theirs = JwtKeys::from_pem(other.private_key, "");
  const JwtKeys ours = JwtKeys::from_pem(pem().private_key, pem().public_key);
  EXPECT_THROW(ours.verify(theirs.sign(claims()), access()), JwtError);
}

TEST(Jwt, AReusedTokenHasItsClaimsCheckedEveryTime) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  const std::string token = keys.sign(claims());
  EXPECT_NO_THROW(keys.verify(token, access()));
  JwtExpectations later = access();
  later.now = kNow + 3600;
  EXPECT_THROW(keys.verify(token, later), JwtError) << "expired on its second use";
  JwtExpectations other_app = access();
  other_app.audience = "books";
  EXPECT_THROW(keys.verify(token, other_app), JwtError);
  EXPECT_EQ(keys.verify(token, access())["sub"], "u-1");
}

TEST(Jwt, ATokenVerifiedWithOneKeyIsNotTrustedByAnother) {
  const JwtKeys ours = JwtKeys::from_pem(pem().private_key, pem().public_key);
  const Pem other = make_key(2048);
  const JwtKeys theirs = JwtKeys::from_pem(other.private_key, "");
  const std::string token = theirs.sign(claims());
  EXPECT_NO_THROW(theirs.verify(token, access()));
  EXPECT_THROW(ours.verify(token, access()), JwtError);
}

TEST(Jwt, RefreshTokenIsNotAnAccessTokenNorTheReverse) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  const std::string refresh = keys.sign(claims({{"typ", "refresh"}}));
  EXPECT_THROW(keys.verify(refresh, access()), JwtError);
  JwtExpectations want_refresh = access();
  want_refresh.type = "refresh";
  EXPECT_NO_THROW(keys.verify(refresh, want_refresh));
  EXPECT_THROW(keys.verify(keys.sign(claims()), want_refresh), JwtError);
}

TEST(Jwt, IssuerAndAudienceArePinned) {
  const JwtKeys keys = JwtKeys::from_pem(pem().private_key, pem().public_key);
  EXPECT_THROW(keys.verify(keys.sign(claims({{"iss", "other"}})), access()), JwtError);
  EXPECT_THROW(keys.verify(keys.sign(claims({{"aud", "books"}})), access()), JwtError);
  EXPECT_NO_THROW(keys.verify(keys.sign(claims({{"aud", {"books", "wallet"}}})), access()));
}

TEST(Jwt, WeakOrMissingKeysAreRefused) {
  EXPECT_THROW(JwtKeys::from_pem(make_key(1024).private_key, ""), JwtError);
  EXPECT_THROW(JwtKeys::from_pem("not a key", ""), JwtError);
  EXPECT_THROW(JwtKeys::from_files("/nonexistent/jwt.key", ""), JwtError);
}

TEST(Base64Url, StrictDecoding) {
  EXPECT_EQ(base64url_decode(base64url_encode(std::string("\0\xfe\xff", 3))),
            std::string("\0\xfe\xff", 3));
  EXPECT_EQ(base64url_decode("YQ"), "a");
  EXPECT_EQ(base64url_decode("YR"), std::nullopt);  // stray bits
  EXPECT_EQ(base64url_decode("YQ=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Y+/"), std::nullopt);
  EXPECT_EQ(base64_encode("ab"), "YWI=");
}

}  // namespace
}  // namespace khatad
