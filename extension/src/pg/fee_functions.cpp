// SQL entry points for khata/core/fee_schedule.h.
#include "khata/core/fee_schedule.h"
#include "khata/pg/guard.h"
#include "khata/pg/jsonb.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
}

#include <vector>

// khata.evaluate_fee(rules jsonb, amount bigint, context jsonb, settings jsonb) RETURNS jsonb
KHATA_FUNCTION(khata_evaluate_fee) {
  nlohmann::json rules = khata::pg::jsonb_arg(fcinfo, 0);
  nlohmann::json context = khata::pg::jsonb_arg(fcinfo, 2, nlohmann::json::object());
  nlohmann::json settings = khata::pg::jsonb_arg(fcinfo, 3, nlohmann::json::object());
  return khata::pg::jsonb_datum(khata::quote_fee(rules, PG_GETARG_INT64(1), context, settings));
}

// khata.validate_fee_rules(rules jsonb) RETURNS jsonb: the rules unchanged, or an error.
KHATA_FUNCTION(khata_validate_fee_rules) {
  khata::validate_fee_rules(khata::pg::jsonb_arg(fcinfo, 0));
  PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

// khata.fee_rule_settings(rules jsonb) RETURNS text[]
KHATA_FUNCTION(khata_fee_rule_settings) {
  std::vector<std::string> keys = khata::fee_rule_settings(khata::pg::jsonb_arg(fcinfo, 0));
  return khata::pg::pg_call([&] {
    std::vector<Datum> items;
    items.reserve(keys.size());
    for (const std::string& key : keys)
      items.push_back(
          PointerGetDatum(cstring_to_text_with_len(key.data(), static_cast<int>(key.size()))));
    ArrayType* array = construct_array(items.data(), static_cast<int>(items.size()), TEXTOID, -1,
                                       false, TYPALIGN_INT);
    return PointerGetDatum(array);
  });
}
