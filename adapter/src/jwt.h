// JSON Web Tokens, RS256 only: khatad signs the tokens its handlers ask for and verifies the
// ones clients send. The algorithm is pinned, so "none" and HS256 forgeries are refused.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace khatad {

class JwtError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JwtExpectations {
  std::string issuer;
  std::string audience;  // the app
  std::string type;      // "access" or "refresh"
  int64_t now = 0;       // seconds since the epoch
  int64_t leeway = 5;    // seconds of clock skew allowed for exp and nbf
};

class JwtKeys {
 public:
  // Reads PEM files. The public key may be empty: it is then derived from the private key.
  // Throws JwtError naming the file when a key is missing or not an RSA key of 2048+ bits.
  static JwtKeys from_files(const std::string& private_key_path,
                            const std::string& public_key_path);
  static JwtKeys from_pem(const std::string& private_pem, const std::string& public_pem);

  // header.payload.signature of `claims`, RS256.
  std::string sign(const nlohmann::json& claims) const;
  // The verified claims; throws JwtError saying why the token is refused.
  nlohmann::json verify(const std::string& token, const JwtExpectations& expect) const;

 private:
  struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  std::shared_ptr<EVP_PKEY> private_key_;
  std::shared_ptr<EVP_PKEY> public_key_;
  uint64_t id_ = 0;  // tells apart the key pairs of one process (for the verified-token cache)
};

}  // namespace khatad
