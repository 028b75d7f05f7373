// Test helpers for the tabular readers: the committed fixtures, and the error a call raises.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "khata/core/error.h"

namespace khata::testing {

// tests/fixtures/tabular/NAME, as bytes.
inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(KHATA_FIXTURES_DIR) + "/tabular/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (out.str().empty()) ADD_FAILURE() << "missing fixture " << name;
  return out.str();
}

// The khata::Error that call() throws; a test failure when it throws none.
template <typename Call>
khata::Error error_of_call(Call&& call) {
  try {
    call();
  } catch (const khata::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no khata::Error was thrown";
  return khata::Error("00000", "none");
}

}  // namespace khata::testing
