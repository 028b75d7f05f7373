// The one error type of khata's C++ code: it carries a SQLSTATE across the C++ -> Postgres
// boundary, so a validation error reaches a client as a 400 and not a 500.
#pragma once

#include <stdexcept>
#include <string>

namespace khata {

class Error : public std::runtime_error {
 public:
  Error(std::string sqlstate, const std::string& message, std::string detail = {},
        std::string hint = {})
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}

  // Five characters, e.g. "22023" (invalid_parameter_value).
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  std::string sqlstate_;
  std::string detail_;
  std::string hint_;
};

// SQLSTATEs raised by khata; the table with meanings is in README.md ("Errors").
namespace sqlstate {
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kNumericValueOutOfRange = "22003";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
// receivables: 22K40-22K59 (invalid input), 23K40-23K59 (refused by the document's state)
inline constexpr const char* kInvalidAgingBuckets = "22K40";
inline constexpr const char* kInvalidPaymentTerms = "22K42";
inline constexpr const char* kInvalidAllocation = "22K44";
inline constexpr const char* kUnknownStatus = "22K45";
inline constexpr const char* kStatusTransition = "23K40";
inline constexpr const char* kDocumentHasPayments = "23K41";
inline constexpr const char* kDocumentClosed = "23K42";
inline constexpr const char* kPaymentOverAllocated = "23K43";
inline constexpr const char* kDocumentOverAllocated = "23K44";
}  // namespace sqlstate

}  // namespace khata
