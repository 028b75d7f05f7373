// Base64 (RFC 4648): the standard alphabet for uploaded files, the URL-safe one for JWTs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace khatad {

std::string base64_encode(std::string_view bytes);
// Unpadded, URL-safe alphabet.
std::string base64url_encode(std::string_view bytes);
// Strict: URL-safe alphabet, no padding, no stray bits; nullopt otherwise.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace khatad
