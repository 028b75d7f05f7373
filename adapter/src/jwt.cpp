#include "jwt.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "base64.h"

namespace khatad {
namespace {

using Json = nlohmann::json;

std::atomic<uint64_t> next_keys_id{1};  // JwtKeys ids

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JwtError(std::string("cannot read the ") + what + " key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<EVP_PKEY> checked_rsa(EVP_PKEY* key, const char* what) {
  if (key == nullptr) throw JwtError(std::string("the ") + what + " key is not a PEM key");
  std::shared_ptr<EVP_PKEY> owned(key, EVP_PKEY_free);
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || EVP_PKEY_get_bits(key) < 2048)
    throw JwtError(std::string("the ") + what + " key must be an RSA key of at least 2048 bits");
  return owned;
}

std::shared_ptr<EVP_PKEY> parse_private(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return checked_rsa(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), "private");
}

std::shared_ptr<EVP_PKEY> parse_public(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return checked_rsa(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), "public");
}

Json decode_part(std::string_view part, const char* what) {
  const auto bytes = base64url_decode(part);
  if (!bytes) throw JwtError(std::string("the token's ") + what + " is not base64url");
  Json value = Json::parse(*bytes, nullptr, false);
  if (!value.is_object())
    throw JwtError(std::string("the token's ") + what + " is not a JSON object");
  return value;
}

bool has_audience(const Json& aud, const std::string& audience) {
  if (aud.is_string()) return aud.get<std::string>() == audience;
  if (!aud.is_array()) return false;
  for (const Json& a : aud)
    if (a.is_string() && a.get<std::string>() == audience) return true;
  return false;
}

}  // namespace

JwtKeys JwtKeys::from_files(const std::string& private_key_path,
                            const std::string& public_key_path) {
  if (private_key_path.empty()) throw JwtError("no private key file given");
  return from_pem(read_file(private_key_path, "private"),
                  public_key_path.empty() ? std::string() : read_file(public_key_path, "public"));
}

JwtKeys JwtKeys::from_pem(const std::string& private_pem, const std::string& public_pem) {
  JwtKeys keys;
  keys.id_ = next_keys_id.fetch_add(1);
  keys.private_key_ = parse_private(private_pem);
  keys.public_key_ = public_pem.empty() ? keys.private_key_ : parse_public(public_pem);
  return keys;
}

std::string JwtKeys::sign(const Json& claims) const {
  const std::string input =
      base64url_encode(R"({"alg":"RS256","typ":"JWT"})") + "." +
      base64url_encode(claims.dump(-1, ' ', false, Json::error_handler_t::replace));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t length = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, private_key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw JwtError("signing failed");
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw JwtError("signing failed");
  return input + "." +
         base64url_encode(
             std::string_view(reinterpret_cast<const char*>(signature.data()), length));
}

namespace {

// Tokens whose signature this thread has verified, with their claims. A client sends the same
// token with every request, and an RSA verification costs more than the rest of khatad's work
// on a request. The key is the keys' id and the whole token, so only the very bytes verified
// match; the claims are checked again (exp, nbf, iss, aud, typ) on every use.
constexpr size_t kVerifiedCapacity = 4096;

void check_claims(const Json& claims, const JwtExpectations& expect) {
  const Json& exp = claims.value("exp", Json());
  if (!exp.is_number()) throw JwtError("the token has no exp");
  if (exp.get<double>() + static_cast<double>(expect.leeway) <= static_cast<double>(expect.now))
    throw JwtError("the token has expired");
  const Json& nbf = claims.value("nbf", Json());
  if (!nbf.is_null() &&
      (!nbf.is_number() ||
       nbf.get<double>() - static_cast<double>(expect.leeway) > static_cast<double>(expect.now)))
    throw JwtError("the token is not valid yet");
  if (claims.value("iss", Json()) != expect.issuer) throw JwtError("the token's issuer is wrong");
  if (!has_audience(claims.value("aud", Json()), expect.audience))
    throw JwtError("the token is not for this app");
  if (claims.value("typ", Json()) != expect.type)
    throw JwtError("the token type is not " + expect.type);
}

}  // namespace

Json JwtKeys::verify(const std::string& token, const JwtExpectations& expect) const {
  thread_local std::unordered_map<std::string, Json> verified;
  const std::string cache_key = std::to_string(id_) + ':' + token;
  if (const auto hit = verified.find(cache_key); hit != verified.end()) {
    check_claims(hit->second, expect);
    return hit->second;
  }

  const size_t first = token.find('.');
  const size_t second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos || token.find('.', second + 1) != std::string::npos)
    throw JwtError("the token does not have three parts");

  const Json header = decode_part(std::string_view(token).substr(0, first), "header");
  // Pinned: only RS256 with our key. "none", HS256 keyed with the public key and every other
  // algorithm the header might name are refused before anything else is looked at.
  if (header.value("alg", Json()) != "RS256") throw JwtError("the token's algorithm is not RS256");
  if (header.contains("crit")) throw JwtError("the token has critical header extensions");

  const auto signature = base64url_decode(std::string_view(token).substr(second + 1));
  if (!signature || signature->empty()) throw JwtError("the token's signature is not base64url");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key_.get()) != 1 ||
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(), reinterpret_cast<const unsigned char*>(token.data()),
                       second) != 1)
    throw JwtError("the token's signature does not verify");

  Json claims =
      decode_part(std::string_view(token).substr(first + 1, second - first - 1), "payload");
  if (verified.size() >= kVerifiedCapacity) verified.clear();
  verified.emplace(cache_key, claims);
  check_claims(claims, expect);
  return claims;
}

}  // namespace khatad
