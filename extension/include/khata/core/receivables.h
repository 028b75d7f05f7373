// Receivables: aging buckets, payment terms, allocation plans and document status rules.
// Pure logic on integer minor units and day counts; the tables live in SQL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace khata::receivables {

// --- aging ---------------------------------------------------------------------------------

// Bucket bounds such as {30, 60, 90}: strictly increasing, positive. Throws 22K40.
void validate_buckets(const std::vector<int>& bounds);

// 0 when not yet due (days_past_due <= 0); 1..n for the range ending at bounds[i-1]
// (1-30, 31-60, 61-90); n + 1 for the open-ended last bucket (91+).
int bucket_index(int days_past_due, const std::vector<int>& bounds);

// "not_due", "1-30", "31-60", "61-90", "91+" for {30, 60, 90}.
std::vector<std::string> bucket_labels(const std::vector<int>& bounds);

// --- payment terms -------------------------------------------------------------------------

struct PaymentTerms {
  int days_to_due = 0;
  int discount_basis_points = 0;  // 200 = 2%
  int discount_days = 0;          // the discount holds for payments within this many days
};

// Days and discounts within range (0..36500 days, 0..10000 basis points, a discount window
// no longer than the time to due when both are given). Throws 22K42.
void validate_terms(const PaymentTerms& terms);

// amount * basis_points / 10000, rounded half-up to the minor unit.
int64_t discount_amount(int64_t amount, int basis_points);

// The discount still open to a payment made `days_since_document` days after the document
// date: zero outside the window, when the terms give none, or when it was already taken.
int64_t available_discount(int64_t amount, int64_t outstanding, const PaymentTerms& terms,
                           int days_since_document, bool discount_taken);

// --- allocation ----------------------------------------------------------------------------

struct OpenDocument {
  int64_t id = 0;
  int64_t outstanding = 0;  // amount less what is already settled
  int64_t discount = 0;     // granted when this payment settles the document
  bool allocatable = true;  // false for written-off, expired and void documents
};

struct AllocationRequest {
  int64_t document_id = 0;
  int64_t amount = 0;
};

struct Allocation {
  int64_t document_id = 0;
  int64_t amount = 0;    // taken from the payment
  int64_t discount = 0;  // settled without payment, under the terms
};

struct AllocationPlan {
  std::vector<Allocation> allocations;
  int64_t unallocated = 0;  // stays on the party as credit
};

// Oldest first, as given: each document is settled in turn (for its outstanding less the
// discount it is owed), the last one partially; what is left stays unallocated.
// Documents that are not allocatable are passed over.
AllocationPlan plan_fifo(int64_t available, const std::vector<OpenDocument>& documents);

// The requested amounts, each to its document. A request at or above the outstanding less
// the discount settles the document with the discount, and only that much is taken.
// Throws 22K44 (an amount not positive, a document named twice or unknown), 23K42 (a
// document closed to allocation), 23K44 (more than the document's outstanding) and 23K43
// (more than the payment has left).
AllocationPlan plan_explicit(int64_t available, const std::vector<OpenDocument>& documents,
                             const std::vector<AllocationRequest>& requests);

// --- document status -----------------------------------------------------------------------

enum class Status { kOpen, kPartiallyPaid, kPaid, kDisputed, kWrittenOff, kExpired, kVoid };

Status parse_status(std::string_view name);  // throws 22K45
std::string_view status_name(Status status);

// open, partially_paid or paid, from what is settled of the amount.
Status settlement_status(int64_t amount, int64_t settled);

// True for the statuses that take no allocation: written_off, expired, void.
bool is_closed(Status status);

// The status a document moves to when `requested` is asked of it in `from`: `open` (resolve a
// dispute, reinstate a written-off or expired document) becomes open, partially_paid or paid
// by the amounts. Refusals: 23K40 (not a transition the rules allow), 23K41 (paid or with
// payments allocated: reverse them first).
Status transition(Status from, Status requested, int64_t amount, int64_t settled);

}  // namespace khata::receivables
