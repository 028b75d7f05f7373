#include "khata/pg/guard.h"

#include <new>

extern "C" {
#include "utils/elog.h"
#include "utils/memutils.h"
}

namespace khata::pg {
namespace {

// The parts of a C++ error that survive the catch block, copied into the function's memory
// context: the exception object is destroyed before ereport longjmps away.
struct RaisedError {
  int sqlstate = ERRCODE_INTERNAL_ERROR;
  char* message = nullptr;
  char* detail = nullptr;
  char* hint = nullptr;
};

char* copy_text(const std::string& text) {
  if (text.empty()) return nullptr;
  char* out = static_cast<char*>(palloc_extended(text.size() + 1, MCXT_ALLOC_NO_OOM));
  if (out) memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

int sqlstate_code(const std::string& code) {
  if (code.size() != 5) return ERRCODE_INTERNAL_ERROR;
  for (char c : code)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return ERRCODE_INTERNAL_ERROR;
  return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}

}  // namespace

const char* PgError::what() const noexcept {
  return data_ && data_->message ? data_->message : "postgres error";
}

ErrorData* run_catching_pg_errors(void (*fn)(void*), void* arg) noexcept {
  MemoryContext context = CurrentMemoryContext;
  ErrorData* volatile error = nullptr;
  PG_TRY();
  { fn(arg); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(context);
    error = CopyErrorData();
    FlushErrorState();
  }
  PG_END_TRY();
  return error;
}

Datum guard(FunctionCallInfo fcinfo, Datum (*body)(FunctionCallInfo)) noexcept {
  RaisedError raised;
  ErrorData* pg_error = nullptr;
  try {
    return body(fcinfo);
  } catch (const PgError& e) {
    pg_error = e.data();
  } catch (const Error& e) {
    raised.sqlstate = sqlstate_code(e.sqlstate());
    raised.message = copy_text(e.what());
    raised.detail = copy_text(e.detail());
    raised.hint = copy_text(e.hint());
  } catch (const std::bad_alloc&) {
    raised.sqlstate = ERRCODE_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    raised.message = copy_text(e.what());
  } catch (...) {
  }
  if (pg_error) ReThrowError(pg_error);
  if (raised.sqlstate == ERRCODE_OUT_OF_MEMORY)
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
  ereport(ERROR, (errcode(raised.sqlstate),
                  errmsg("%s", raised.message ? raised.message : "internal error in khata"),
                  raised.detail ? errdetail("%s", raised.detail) : 0,
                  raised.hint ? errhint("%s", raised.hint) : 0));
  pg_unreachable();
}

}  // namespace khata::pg
