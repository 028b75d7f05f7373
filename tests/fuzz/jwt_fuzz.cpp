// No token that the fuzzer makes verifies (it cannot sign), and nothing but JwtError escapes.
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "base64.h"
#include "jwt.h"

namespace {

const khatad::JwtKeys& keys() {
  static const khatad::JwtKeys k = [] {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return khatad::JwtKeys::from_pem(pem, "");
  }();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const khatad::JwtExpectations expect{"khata", "wallet", "access", 1700000000, 5};
  try {
    keys().verify(input, expect);
    abort();
  } catch (const khatad::JwtError&) {
  }
  // The fuzzer's bytes as the header and payload of a token with a stale signature.
  const std::string token =
      khatad::base64url_encode(input) + "." + khatad::base64url_encode(input) + ".c2lnbmF0dXJl";
  try {
    keys().verify(token, expect);
    abort();
  } catch (const khatad::JwtError&) {
  }
  if (const auto decoded = khatad::base64url_decode(input))
    if (khatad::base64url_encode(*decoded) != input) abort();
  return 0;
}
