// The boundary between Postgres and khata's C++ code, in both directions:
//  - KHATA_FUNCTION defines a SQL-callable entry point whose C++ body runs inside a guard: a
//    khata::Error leaves as an ereport with its own SQLSTATE, anything else as XX000. No C++
//    exception ever crosses into Postgres.
//  - pg_call runs Postgres code from C++: an ereport(ERROR) inside it becomes a PgError
//    exception, so the C++ frames above unwind with their destructors instead of being
//    skipped by longjmp. The guard re-raises the original error unchanged.
// Destructors that run during such unwinding must not call Postgres.
#pragma once

#include "khata/pg/pg_headers.h"

#include <exception>
#include <type_traits>
#include <utility>

#include "khata/core/error.h"

namespace khata::pg {

class PgError : public std::exception {
 public:
  explicit PgError(ErrorData* data) : data_(data) {}
  ErrorData* data() const noexcept { return data_; }
  const char* what() const noexcept override;

 private:
  ErrorData* data_;  // palloc'd in the function's memory context
};

// Runs fn(arg) under PG_TRY; returns the caught Postgres error, or nullptr. The one place
// that calls sigsetjmp, so callers keep no locals across a longjmp.
ErrorData* run_catching_pg_errors(void (*fn)(void*), void* arg) noexcept;

template <typename F>
auto pg_call(F&& body) -> decltype(body()) {
  using Result = decltype(body());
  if constexpr (std::is_void_v<Result>) {
    auto thunk = [](void* b) { (*static_cast<std::remove_reference_t<F>*>(b))(); };
    if (ErrorData* error = run_catching_pg_errors(thunk, &body)) throw PgError(error);
  } else {
    struct Call {
      std::remove_reference_t<F>* body;
      Result result;
    } call{&body, Result{}};
    auto thunk = [](void* c) {
      auto* call = static_cast<Call*>(c);
      call->result = (*call->body)();
    };
    if (ErrorData* error = run_catching_pg_errors(thunk, &call)) throw PgError(error);
    return call.result;
  }
}

Datum guard(FunctionCallInfo fcinfo, Datum (*body)(FunctionCallInfo)) noexcept;

}  // namespace khata::pg

// KHATA_FUNCTION(khata_balance) { ... return Datum; }  (fcinfo is in scope, as in PG_FUNCTION_ARGS)
#define KHATA_FUNCTION(name)                                                     \
  static Datum name##_body(FunctionCallInfo fcinfo);                             \
  extern "C" {                                                                   \
  PG_FUNCTION_INFO_V1(name);                                                     \
  Datum name(PG_FUNCTION_ARGS) { return khata::pg::guard(fcinfo, name##_body); } \
  }                                                                              \
  static Datum name##_body(FunctionCallInfo fcinfo)
