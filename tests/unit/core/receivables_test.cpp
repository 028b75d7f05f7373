#include "khata/core/receivables.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "khata/core/error.h"

namespace {

namespace rv = khata::receivables;
using rv::Status;

std::string sqlstate_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const khata::Error& e) {
    return e.sqlstate();
  }
  return "none";
}

const std::vector<int> kStandard{30, 60, 90};

// --- aging ---------------------------------------------------------------------------------

TEST(AgingBuckets, NotYetDueAndDueTodayAreCurrent) {
  EXPECT_EQ(rv::bucket_index(-5, kStandard), 0);
  EXPECT_EQ(rv::bucket_index(0, kStandard), 0);
}

TEST(AgingBuckets, EachBoundClosesItsRange) {
  EXPECT_EQ(rv::bucket_index(1, kStandard), 1);
  EXPECT_EQ(rv::bucket_index(30, kStandard), 1);
  EXPECT_EQ(rv::bucket_index(31, kStandard), 2);
  EXPECT_EQ(rv::bucket_index(60, kStandard), 2);
  EXPECT_EQ(rv::bucket_index(61, kStandard), 3);
  EXPECT_EQ(rv::bucket_index(90, kStandard), 3);
}

TEST(AgingBuckets, PastTheLastBoundIsTheOpenEndedBucket) {
  EXPECT_EQ(rv::bucket_index(91, kStandard), 4);
  EXPECT_EQ(rv::bucket_index(5000, kStandard), 4);
  EXPECT_EQ(rv::bucket_index(std::numeric_limits<int>::max(), kStandard), 4);
}

TEST(AgingBuckets, LabelsNameEveryRange) {
  EXPECT_EQ(rv::bucket_labels(kStandard),
            (std::vector<std::string>{"not_due", "1-30", "31-60", "61-90", "91+"}));
  EXPECT_EQ(rv::bucket_labels({7}), (std::vector<std::string>{"not_due", "1-7", "8+"}));
}

TEST(AgingBuckets, BoundsMustIncreaseAndBePositive) {
  EXPECT_EQ(sqlstate_of([] { rv::validate_buckets(kStandard); }), "none");
  EXPECT_EQ(sqlstate_of([] { rv::validate_buckets({}); }), "22K40");
  EXPECT_EQ(sqlstate_of([] { rv::validate_buckets({30, 30}); }), "22K40");
  EXPECT_EQ(sqlstate_of([] { rv::validate_buckets({60, 30}); }), "22K40");
  EXPECT_EQ(sqlstate_of([] { rv::validate_buckets({0, 30}); }), "22K40");
  EXPECT_EQ(sqlstate_of([] { rv::validate_buckets({-30}); }), "22K40");
  EXPECT_EQ(sqlstate_of([] { rv::validate_buckets({40000}); }), "22K40");
}

// --- payment terms -------------------------------------------------------------------------

TEST(PaymentTerms, DiscountRoundsHalfUpToTheMinorUnit) {
  EXPECT_EQ(rv::discount_amount(100000, 200), 2000);  // 2% of 1000.00
  EXPECT_EQ(rv::discount_amount(125, 200), 3);        // 2.5 -> 3
  EXPECT_EQ(rv::discount_amount(124, 200), 2);        // 2.48 -> 2
  EXPECT_EQ(rv::discount_amount(75, 200), 2);         // 1.5 -> 2
  EXPECT_EQ(rv::discount_amount(0, 200), 0);
  EXPECT_EQ(rv::discount_amount(-125, 200), -3);
}

TEST(PaymentTerms, DiscountOfHugeAmountsDoesNotOverflow) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(rv::discount_amount(max, 9999), 9222449699651090329);
}

TEST(PaymentTerms, DiscountHoldsOnlyWithinItsWindowAndOnlyOnce) {
  const rv::PaymentTerms two_ten{30, 200, 10};
  EXPECT_EQ(rv::available_discount(100000, 100000, two_ten, 0, false), 2000);
  EXPECT_EQ(rv::available_discount(100000, 100000, two_ten, 10, false), 2000);
  EXPECT_EQ(rv::available_discount(100000, 100000, two_ten, 11, false), 0);
  EXPECT_EQ(rv::available_discount(100000, 100000, two_ten, -1, false), 0);
  EXPECT_EQ(rv::available_discount(100000, 100000, two_ten, 3, true), 0);
  // after a partial payment the discount is still on the whole amount, capped by what is left
  EXPECT_EQ(rv::available_discount(100000, 40000, two_ten, 5, false), 2000);
  EXPECT_EQ(rv::available_discount(100000, 1500, two_ten, 5, false), 1500);
  EXPECT_EQ(rv::available_discount(100000, 100000, rv::PaymentTerms{30, 0, 10}, 1, false), 0);
}

TEST(PaymentTerms, OutOfRangeTermsAreRefused) {
  EXPECT_EQ(sqlstate_of([] { rv::validate_terms({30, 200, 10}); }), "none");
  EXPECT_EQ(sqlstate_of([] { rv::validate_terms({0, 0, 0}); }), "none");
  EXPECT_EQ(sqlstate_of([] { rv::validate_terms({-1, 0, 0}); }), "22K42");
  EXPECT_EQ(sqlstate_of([] { rv::validate_terms({30, 10000, 10}); }), "22K42");
  EXPECT_EQ(sqlstate_of([] { rv::validate_terms({30, -5, 10}); }), "22K42");
  EXPECT_EQ(sqlstate_of([] { rv::validate_terms({30, 200, 45}); }), "22K42");
}

// --- allocation ----------------------------------------------------------------------------

TEST(FifoAllocation, SettlesOldestFirstAndTheLastPartially) {
  const std::vector<rv::OpenDocument> docs{{1, 10000}, {2, 20000}, {3, 30000}};
  const rv::AllocationPlan plan = rv::plan_fifo(35000, docs);
  ASSERT_EQ(plan.allocations.size(), 3U);
  EXPECT_EQ(plan.allocations[0].document_id, 1);
  EXPECT_EQ(plan.allocations[0].amount, 10000);
  EXPECT_EQ(plan.allocations[1].amount, 20000);
  EXPECT_EQ(plan.allocations[2].document_id, 3);
  EXPECT_EQ(plan.allocations[2].amount, 5000);
  EXPECT_EQ(plan.unallocated, 0);
}

TEST(FifoAllocation, OverpaymentStaysUnallocated) {
  const rv::AllocationPlan plan = rv::plan_fifo(50000, {{1, 10000}, {2, 20000}});
  ASSERT_EQ(plan.allocations.size(), 2U);
  EXPECT_EQ(plan.unallocated, 20000);
}

TEST(FifoAllocation, StopsWhenThePaymentIsSpent) {
  const rv::AllocationPlan plan = rv::plan_fifo(10000, {{1, 10000}, {2, 20000}});
  ASSERT_EQ(plan.allocations.size(), 1U);
  EXPECT_EQ(plan.unallocated, 0);
}

TEST(FifoAllocation, PassesOverClosedDocuments) {
  rv::OpenDocument closed{1, 10000};
  closed.allocatable = false;
  const rv::AllocationPlan plan = rv::plan_fifo(10000, {closed, {2, 20000}});
  ASSERT_EQ(plan.allocations.size(), 1U);
  EXPECT_EQ(plan.allocations[0].document_id, 2);
}

TEST(FifoAllocation, DiscountSettlesTheDocumentForLess) {
  const rv::AllocationPlan plan = rv::plan_fifo(100000, {{1, 100000, 2000}, {2, 50000}});
  ASSERT_EQ(plan.allocations.size(), 2U);
  EXPECT_EQ(plan.allocations[0].amount, 98000);
  EXPECT_EQ(plan.allocations[0].discount, 2000);
  EXPECT_EQ(plan.allocations[1].amount, 2000);
  EXPECT_EQ(plan.allocations[1].discount, 0);
}

TEST(FifoAllocation, APartialPaymentEarnsNoDiscount) {
  const rv::AllocationPlan plan = rv::plan_fifo(50000, {{1, 100000, 2000}});
  ASSERT_EQ(plan.allocations.size(), 1U);
  EXPECT_EQ(plan.allocations[0].amount, 50000);
  EXPECT_EQ(plan.allocations[0].discount, 0);
}

TEST(ExplicitAllocation, TakesTheRequestedAmounts) {
  const std::vector<rv::OpenDocument> docs{{1, 10000}, {2, 20000}};
  const rv::AllocationPlan plan = rv::plan_explicit(25000, docs, {{2, 15000}, {1, 5000}});
  ASSERT_EQ(plan.allocations.size(), 2U);
  EXPECT_EQ(plan.allocations[0].document_id, 2);
  EXPECT_EQ(plan.allocations[0].amount, 15000);
  EXPECT_EQ(plan.allocations[1].amount, 5000);
  EXPECT_EQ(plan.unallocated, 5000);
}

TEST(ExplicitAllocation, AFullRequestWithinTheWindowTakesTheDiscount) {
  const rv::AllocationPlan plan = rv::plan_explicit(100000, {{1, 100000, 2000}}, {{1, 100000}});
  ASSERT_EQ(plan.allocations.size(), 1U);
  EXPECT_EQ(plan.allocations[0].amount, 98000);
  EXPECT_EQ(plan.allocations[0].discount, 2000);
  EXPECT_EQ(plan.unallocated, 2000);
}

TEST(ExplicitAllocation, RefusalsCarryTheirSqlstate) {
  rv::OpenDocument expired{3, 5000};
  expired.allocatable = false;
  const std::vector<rv::OpenDocument> docs{{1, 10000}, {2, 20000}, expired};
  EXPECT_EQ(sqlstate_of([&] { rv::plan_explicit(50000, docs, {{1, 10001}}); }), "23K44");
  EXPECT_EQ(sqlstate_of([&] { rv::plan_explicit(15000, docs, {{1, 10000}, {2, 6000}}); }), "23K43");
  EXPECT_EQ(sqlstate_of([&] { rv::plan_explicit(50000, docs, {{3, 100}}); }), "23K42");
  EXPECT_EQ(sqlstate_of([&] { rv::plan_explicit(50000, docs, {{9, 100}}); }), "22K44");
  EXPECT_EQ(sqlstate_of([&] { rv::plan_explicit(50000, docs, {{1, 0}}); }), "22K44");
  EXPECT_EQ(sqlstate_of([&] { rv::plan_explicit(50000, docs, {{1, 10}, {1, 10}}); }), "22K44");
}

// --- status --------------------------------------------------------------------------------

TEST(DocumentStatus, NamesRoundTrip) {
  for (Status s : {Status::kOpen, Status::kPartiallyPaid, Status::kPaid, Status::kDisputed,
                   Status::kWrittenOff, Status::kExpired, Status::kVoid}) {
    EXPECT_EQ(rv::parse_status(rv::status_name(s)), s);
  }
  EXPECT_EQ(sqlstate_of([] { rv::parse_status("unpaid"); }), "22K45");
}

TEST(DocumentStatus, SettlementDecidesOpenPartialOrPaid) {
  EXPECT_EQ(rv::settlement_status(1000, 0), Status::kOpen);
  EXPECT_EQ(rv::settlement_status(1000, 1), Status::kPartiallyPaid);
  EXPECT_EQ(rv::settlement_status(1000, 1000), Status::kPaid);
}

TEST(DocumentStatus, DisputeAndResolveReturnToTheSettlementStatus) {
  EXPECT_EQ(rv::transition(Status::kOpen, Status::kDisputed, 1000, 0), Status::kDisputed);
  EXPECT_EQ(rv::transition(Status::kPartiallyPaid, Status::kDisputed, 1000, 400),
            Status::kDisputed);
  EXPECT_EQ(rv::transition(Status::kDisputed, Status::kOpen, 1000, 400), Status::kPartiallyPaid);
  EXPECT_EQ(rv::transition(Status::kDisputed, Status::kOpen, 1000, 0), Status::kOpen);
}

TEST(DocumentStatus, APaidDocumentCannotBeDisputedWithoutReversingItsPayments) {
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kPaid, Status::kDisputed, 1000, 1000); }),
            "23K41");
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kPaid, Status::kOpen, 1000, 1000); }), "23K41");
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kPaid, Status::kVoid, 1000, 1000); }), "23K41");
}

TEST(DocumentStatus, VoidNeedsNoPaymentsAndIsFinal) {
  EXPECT_EQ(rv::transition(Status::kOpen, Status::kVoid, 1000, 0), Status::kVoid);
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kPartiallyPaid, Status::kVoid, 1000, 10); }),
            "23K41");
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kVoid, Status::kOpen, 1000, 0); }), "23K40");
}

TEST(DocumentStatus, ClosedDocumentsMustBeReinstatedFirst) {
  EXPECT_EQ(rv::transition(Status::kPartiallyPaid, Status::kWrittenOff, 1000, 10),
            Status::kWrittenOff);
  EXPECT_EQ(rv::transition(Status::kDisputed, Status::kExpired, 1000, 0), Status::kExpired);
  EXPECT_EQ(rv::transition(Status::kExpired, Status::kOpen, 1000, 10), Status::kPartiallyPaid);
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kExpired, Status::kDisputed, 1000, 0); }),
            "23K40");
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kWrittenOff, Status::kExpired, 1000, 0); }),
            "23K40");
  EXPECT_TRUE(rv::is_closed(Status::kExpired));
  EXPECT_FALSE(rv::is_closed(Status::kDisputed));
}

TEST(DocumentStatus, PaidIsReachedOnlyByPayment) {
  EXPECT_EQ(sqlstate_of([] { rv::transition(Status::kOpen, Status::kPaid, 1000, 0); }), "23K40");
  EXPECT_EQ(rv::transition(Status::kOpen, Status::kOpen, 1000, 0), Status::kOpen);
}

}  // namespace
