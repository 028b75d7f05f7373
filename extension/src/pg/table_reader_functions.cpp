// SQL entry point for khata/core/table_reader.h: khata.read_table(data, format, options).
#include <optional>
#include <string>

#include "khata/core/error.h"
#include "khata/core/table_reader.h"
#include "khata/pg/convert.h"
#include "khata/pg/guard.h"

extern "C" {
#include "access/detoast.h"
// funcapi.h reaches the spinlock headers, whose `register` C++17 refuses.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
#include "funcapi.h"
#pragma GCC diagnostic pop
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
}

// khata.read_table(data bytea, format text, options jsonb) RETURNS TABLE(line int, cells jsonb)
KHATA_FUNCTION(khata_read_table) {
  std::optional<std::string> format;
  if (!PG_ARGISNULL(1)) format = khata::pg::text_arg(fcinfo, 1);
  std::string options_json;
  if (!PG_ARGISNULL(2))
    options_json = khata::pg::pg_call(
        [&] { return DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(2))); });
  const khata::TableOptions options = khata::parse_table_options(format, options_json);

  khata::pg::pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  // The size is known before the value is detoasted: a file over the cap is never copied.
  const auto size = khata::pg::pg_call(
      [&] { return static_cast<int64_t>(toast_raw_datum_size(PG_GETARG_DATUM(0))) - VARHDRSZ; });
  if (size > options.limits.max_file_bytes)
    throw khata::Error(
        khata::sqlstate::kFileOverCap,
        "the file is larger than " + std::to_string(options.limits.max_file_bytes) + " bytes");
  const bytea* data = khata::pg::pg_call([&] { return PG_GETARG_BYTEA_PP(0); });

  auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  MemoryContext row_context = khata::pg::pg_call([&] {
    return AllocSetContextCreate(CurrentMemoryContext, "khata.read_table row",
                                 ALLOCSET_DEFAULT_SIZES);
  });
  const std::string_view bytes(VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data));
  khata::read_table(bytes, options, [&](int64_t line, const std::string& cells) {
    khata::pg::pg_call([&] {
      CHECK_FOR_INTERRUPTS();
      MemoryContext caller = MemoryContextSwitchTo(row_context);
      Datum values[2] = {Int32GetDatum(static_cast<int32>(line)),
                         DirectFunctionCall1(jsonb_in, CStringGetDatum(cells.c_str()))};
      bool nulls[2] = {false, false};
      tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
      MemoryContextSwitchTo(caller);
      MemoryContextReset(row_context);
    });
  });
  khata::pg::pg_call([&] { MemoryContextDelete(row_context); });
  PG_RETURN_NULL();
}
