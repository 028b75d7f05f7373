#include "khata/core/receivables.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "khata/core/error.h"

namespace khata::receivables {

namespace {

constexpr int kMaxDays = 36500;
constexpr int kFullBasisPoints = 10000;

[[noreturn]] void fail(const char* sqlstate, const std::string& message,
                       const std::string& detail = {}, const std::string& hint = {}) {
  throw Error(sqlstate, message, detail, hint);
}

constexpr std::array<std::pair<Status, std::string_view>, 7> kStatusNames{{
    {Status::kOpen, "open"},
    {Status::kPartiallyPaid, "partially_paid"},
    {Status::kPaid, "paid"},
    {Status::kDisputed, "disputed"},
    {Status::kWrittenOff, "written_off"},
    {Status::kExpired, "expired"},
    {Status::kVoid, "void"},
}};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

// --- aging ---------------------------------------------------------------------------------

void validate_buckets(const std::vector<int>& bounds) {
  if (bounds.empty()) fail(sqlstate::kInvalidAgingBuckets, "aging needs at least one bucket bound");
  int previous = 0;
  for (int bound : bounds) {
    if (bound <= previous || bound > kMaxDays) {
      fail(sqlstate::kInvalidAgingBuckets,
           "aging bucket bounds must be increasing whole days between 1 and 36500",
           "bound " + std::to_string(bound) + " follows " + std::to_string(previous),
           "write them as '{30,60,90}'");
    }
    previous = bound;
  }
}

int bucket_index(int days_past_due, const std::vector<int>& bounds) {
  if (days_past_due <= 0) return 0;
  auto it = std::lower_bound(bounds.begin(), bounds.end(), days_past_due);
  return static_cast<int>(it - bounds.begin()) + 1;
}

std::vector<std::string> bucket_labels(const std::vector<int>& bounds) {
  std::vector<std::string> labels{"not_due"};
  int from = 1;
  for (int bound : bounds) {
    labels.push_back(std::to_string(from) + "-" + std::to_string(bound));
    from = bound + 1;
  }
  labels.push_back(std::to_string(from) + "+");
  return labels;
}

// --- payment terms -------------------------------------------------------------------------

void validate_terms(const PaymentTerms& terms) {
  auto days_ok = [](int d) { return d >= 0 && d <= kMaxDays; };
  if (!days_ok(terms.days_to_due) || !days_ok(terms.discount_days)) {
    fail(sqlstate::kInvalidPaymentTerms, "payment term days must be between 0 and 36500");
  }
  if (terms.discount_basis_points < 0 || terms.discount_basis_points >= kFullBasisPoints) {
    fail(sqlstate::kInvalidPaymentTerms,
         "an early-payment discount must be at least 0% and below 100%");
  }
  if (terms.discount_basis_points > 0 && terms.days_to_due > 0 &&
      terms.discount_days > terms.days_to_due) {
    fail(sqlstate::kInvalidPaymentTerms, "the early-payment window cannot outlast the time to due",
         std::to_string(terms.discount_days) + " discount days, due in " +
             std::to_string(terms.days_to_due));
  }
}

int64_t discount_amount(int64_t amount, int basis_points) {
  // Widened: amount * basis_points would overflow int64 for amounts near its range.
  const __int128 product = static_cast<__int128>(amount) * basis_points;
  const __int128 half = kFullBasisPoints / 2;
  const __int128 rounded =
      product >= 0 ? (product + half) / kFullBasisPoints : -((-product + half) / kFullBasisPoints);
  return static_cast<int64_t>(rounded);
}

int64_t available_discount(int64_t amount, int64_t outstanding, const PaymentTerms& terms,
                           int days_since_document, bool discount_taken) {
  if (discount_taken || terms.discount_basis_points <= 0 || outstanding <= 0) return 0;
  if (days_since_document < 0 || days_since_document > terms.discount_days) return 0;
  return std::min(discount_amount(amount, terms.discount_basis_points), outstanding);
}

// --- allocation ----------------------------------------------------------------------------

AllocationPlan plan_fifo(int64_t available, const std::vector<OpenDocument>& documents) {
  AllocationPlan plan;
  int64_t left = std::max<int64_t>(available, 0);
  for (const OpenDocument& doc : documents) {
    if (left == 0) break;
    if (!doc.allocatable || doc.outstanding <= 0) continue;
    const int64_t discount = std::clamp<int64_t>(doc.discount, 0, doc.outstanding);
    const int64_t to_settle = doc.outstanding - discount;
    if (left >= to_settle) {
      plan.allocations.push_back({doc.id, to_settle, discount});
      left -= to_settle;
    } else {
      plan.allocations.push_back({doc.id, left, 0});
      left = 0;
    }
  }
  plan.unallocated = left;
  return plan;
}

AllocationPlan plan_explicit(int64_t available, const std::vector<OpenDocument>& documents,
                             const std::vector<AllocationRequest>& requests) {
  std::unordered_map<int64_t, const OpenDocument*> by_id;
  for (const OpenDocument& doc : documents) by_id.emplace(doc.id, &doc);

  AllocationPlan plan;
  std::unordered_set<int64_t> seen;
  int64_t left = available;
  for (const AllocationRequest& request : requests) {
    const std::string which = "document " + std::to_string(request.document_id);
    if (!seen.insert(request.document_id).second) {
      fail(sqlstate::kInvalidAllocation, which + " is named twice in one allocation");
    }
    auto it = by_id.find(request.document_id);
    if (it == by_id.end()) {
      fail(sqlstate::kInvalidAllocation, which + " is not an open document of this party", {},
           "allocate only to the payment's party, in the payment's currency");
    }
    const OpenDocument& doc = *it->second;
    if (request.amount <= 0) {
      fail(sqlstate::kInvalidAllocation, "an allocation amount must be positive",
           which + " was given " + std::to_string(request.amount));
    }
    if (!doc.allocatable) {
      fail(sqlstate::kDocumentClosed, which + " accepts no allocation",
           "written-off, expired and void documents are closed to payments", "reinstate it first");
    }
    if (request.amount > doc.outstanding) {
      fail(sqlstate::kDocumentOverAllocated, "allocation exceeds the document's outstanding amount",
           which + ": " + std::to_string(request.amount) + " asked, " +
               std::to_string(doc.outstanding) + " outstanding");
    }
    const int64_t discount = std::clamp<int64_t>(doc.discount, 0, doc.outstanding);
    const int64_t to_settle = doc.outstanding - discount;
    Allocation allocation{doc.id, request.amount, 0};
    if (request.amount >= to_settle) allocation = {doc.id, to_settle, discount};
    if (allocation.amount > left) {
      fail(sqlstate::kPaymentOverAllocated, "allocation exceeds what is left of the payment",
           which + ": " + std::to_string(allocation.amount) + " asked, " + std::to_string(left) +
               " left");
    }
    left -= allocation.amount;
    plan.allocations.push_back(allocation);
  }
  plan.unallocated = left;
  return plan;
}

// --- document status -----------------------------------------------------------------------

Status parse_status(std::string_view name) {
  for (const auto& [status, text] : kStatusNames) {
    if (text == name) return status;
  }
  fail(sqlstate::kUnknownStatus, "unknown document status " + quoted(name), {},
       "one of open, partially_paid, paid, disputed, written_off, expired, void");
}

std::string_view status_name(Status status) {
  for (const auto& [s, text] : kStatusNames) {
    if (s == status) return text;
  }
  return "open";
}

Status settlement_status(int64_t amount, int64_t settled) {
  if (settled <= 0) return Status::kOpen;
  return settled >= amount ? Status::kPaid : Status::kPartiallyPaid;
}

bool is_closed(Status status) {
  return status == Status::kWrittenOff || status == Status::kExpired || status == Status::kVoid;
}

Status transition(Status from, Status requested, int64_t amount, int64_t settled) {
  const auto refuse = [&](const char* sqlstate, const std::string& hint = {}) -> Status {
    fail(sqlstate,
         "a " + std::string(status_name(from)) + " document cannot become " +
             std::string(status_name(requested)),
         {}, hint);
  };
  if (requested == Status::kPartiallyPaid || requested == Status::kPaid) {
    if (from == requested) return from;
    return refuse(sqlstate::kStatusTransition, "record and allocate a payment instead");
  }
  if (from == Status::kVoid) return refuse(sqlstate::kStatusTransition, "void is final");
  if (from == requested) return from;
  if (from == Status::kPaid) {
    return refuse(sqlstate::kDocumentHasPayments, "reverse its payments first");
  }
  switch (requested) {
    case Status::kOpen:
      return settlement_status(amount, settled);
    case Status::kDisputed:
      if (is_closed(from)) return refuse(sqlstate::kStatusTransition, "reinstate it first");
      return Status::kDisputed;
    case Status::kWrittenOff:
    case Status::kExpired:
      if (is_closed(from)) return refuse(sqlstate::kStatusTransition, "reinstate it first");
      return requested;
    case Status::kVoid:
      if (settled > 0) return refuse(sqlstate::kDocumentHasPayments, "reverse its payments first");
      return Status::kVoid;
    default:
      return refuse(sqlstate::kStatusTransition);
  }
}

}  // namespace khata::receivables
