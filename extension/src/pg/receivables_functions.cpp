// SQL entry points for khata/core/receivables.h. The tables and their locking are in
// sql/khata/300_receivables.sql; these functions hold the rules the SQL applies.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "khata/core/error.h"
#include "khata/core/receivables.h"
#include "khata/pg/convert.h"
#include "khata/pg/guard.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
}

namespace rv = khata::receivables;

namespace {

// A one-dimensional int[] without NULLs, such as '{30,60,90}'.
std::vector<int> int_array_arg(FunctionCallInfo fcinfo, int n) {
  ArrayType* array = khata::pg::pg_call([&] { return PG_GETARG_ARRAYTYPE_P(n); });
  if (ARR_ELEMTYPE(array) != INT4OID || ARR_NDIM(array) > 1 || ARR_HASNULL(array)) {
    throw khata::Error(khata::sqlstate::kInvalidAgingBuckets,
                       "aging bucket bounds must be a one-dimensional int[] without NULLs");
  }
  const int count = ARR_NDIM(array) == 0 ? 0 : ARR_DIMS(array)[0];
  const auto* data = reinterpret_cast<const int32*>(ARR_DATA_PTR(array));
  return std::vector<int>(data, data + count);
}

std::string jsonb_arg(FunctionCallInfo fcinfo, int n) {
  return khata::pg::pg_call([&] {
    return std::string(DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(n))));
  });
}

Datum jsonb_datum(const std::string& json) {
  return khata::pg::pg_call(
      [&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
}

int64_t json_int(const nlohmann::json& object, const char* key, int64_t fallback = 0) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) {
    throw khata::Error(khata::sqlstate::kInvalidAllocation,
                       std::string("\"") + key + "\" must be a whole number of minor units",
                       it->dump());
  }
  return it->get<int64_t>();
}

// {id, amount, outstanding, status, discount_basis_points, discount_days,
//  days_since_document, discount_taken}: an open document as the allocation sees it.
rv::OpenDocument open_document(const nlohmann::json& j) {
  rv::OpenDocument doc;
  doc.id = json_int(j, "id");
  doc.outstanding = json_int(j, "outstanding");
  doc.allocatable = !rv::is_closed(rv::parse_status(j.value("status", std::string("open"))));
  const rv::PaymentTerms terms{0, static_cast<int>(json_int(j, "discount_basis_points")),
                               static_cast<int>(json_int(j, "discount_days"))};
  doc.discount = rv::available_discount(json_int(j, "amount"), doc.outstanding, terms,
                                        static_cast<int>(json_int(j, "days_since_document", -1)),
                                        j.value("discount_taken", false));
  return doc;
}

nlohmann::json parse_json_array(const std::string& text, const char* what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) {
    throw khata::Error(khata::sqlstate::kInvalidAllocation,
                       std::string(what) + " must be a JSON array");
  }
  return j;
}

}  // namespace

// khata.aging_bucket(days_past_due int, buckets int[]) RETURNS int
KHATA_FUNCTION(khata_aging_bucket) {
  PG_RETURN_INT32(rv::bucket_index(PG_GETARG_INT32(0), int_array_arg(fcinfo, 1)));
}

// khata.aging_bucket_labels(buckets int[]) RETURNS text[]
KHATA_FUNCTION(khata_aging_bucket_labels) {
  const std::vector<int> bounds = int_array_arg(fcinfo, 0);
  rv::validate_buckets(bounds);
  const std::vector<std::string> labels = rv::bucket_labels(bounds);
  return khata::pg::pg_call([&] {
    std::vector<Datum> items;
    items.reserve(labels.size());
    for (const std::string& label : labels) items.push_back(khata::pg::text_datum(label));
    return PointerGetDatum(construct_array(items.data(), static_cast<int>(items.size()), TEXTOID,
                                           -1, false, TYPALIGN_INT));
  });
}

// khata.check_payment_terms(days_to_due int, discount_basis_points int, discount_days int)
// RETURNS boolean
KHATA_FUNCTION(khata_check_payment_terms) {
  rv::validate_terms({PG_GETARG_INT32(0), PG_GETARG_INT32(1), PG_GETARG_INT32(2)});
  PG_RETURN_BOOL(true);
}

// khata.document_transition(current text, requested text, amount bigint, settled bigint)
// RETURNS text
KHATA_FUNCTION(khata_document_transition) {
  const rv::Status from = rv::parse_status(khata::pg::text_arg(fcinfo, 0));
  const rv::Status requested = rv::parse_status(khata::pg::text_arg(fcinfo, 1));
  const rv::Status to = rv::transition(from, requested, PG_GETARG_INT64(2), PG_GETARG_INT64(3));
  return khata::pg::text_datum(rv::status_name(to));
}

// khata.allocation_plan(available bigint, documents jsonb, requests jsonb) RETURNS jsonb
KHATA_FUNCTION(khata_allocation_plan) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL();
  const int64_t available = PG_GETARG_INT64(0);
  std::vector<rv::OpenDocument> documents;
  for (const nlohmann::json& j : parse_json_array(jsonb_arg(fcinfo, 1), "documents")) {
    documents.push_back(open_document(j));
  }
  rv::AllocationPlan plan;
  if (PG_ARGISNULL(2)) {
    plan = rv::plan_fifo(available, documents);
  } else {
    std::vector<rv::AllocationRequest> requests;
    for (const nlohmann::json& j : parse_json_array(jsonb_arg(fcinfo, 2), "allocations")) {
      if (!j.is_object()) {
        throw khata::Error(khata::sqlstate::kInvalidAllocation,
                           "each allocation is {\"document_id\": ..., \"amount\": ...}", j.dump());
      }
      requests.push_back({json_int(j, "document_id"), json_int(j, "amount")});
    }
    plan = rv::plan_explicit(available, documents, requests);
  }
  nlohmann::json out = {{"allocations", nlohmann::json::array()},
                        {"unallocated", plan.unallocated}};
  for (const rv::Allocation& a : plan.allocations) {
    out["allocations"].push_back(
        {{"document_id", a.document_id}, {"amount", a.amount}, {"discount", a.discount}});
  }
  return jsonb_datum(out.dump());
}
