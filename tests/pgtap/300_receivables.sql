-- Receivables: documents, payments, allocation, aging as of a date, status rules.
BEGIN;
SELECT plan(92);

-- Four books, named 1 to 4 here through pg_temp.book(n).
CREATE TEMP TABLE book_ids AS
SELECT n, khata.create_book('t-receivables-' || n, 'receivables test ' || n) AS id
FROM generate_series(1, 4) n;
CREATE FUNCTION pg_temp.book(n int) RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT id FROM book_ids WHERE book_ids.n = book.n $$;
CREATE FUNCTION pg_temp.balance(n int, code text) RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT posted FROM khata.balance(khata.account_id(pg_temp.book(n), code)) $$;

-- Book 1: party ACME owes three invoices, 100.00, 200.00 and 300.00 taka.
CREATE TEMP TABLE doc (name text PRIMARY KEY, id bigint);
INSERT INTO doc VALUES
  ('i1', khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'INV-1', '2024-01-01', 10000, '2024-01-31')),
  ('i2', khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'INV-2', '2024-01-29', 20000, '2024-02-28')),
  ('i3', khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'INV-3', '2024-03-01', 30000, '2024-03-31'));
CREATE FUNCTION pg_temp.d(name text) RETURNS bigint LANGUAGE sql AS
  $$ SELECT id FROM doc WHERE doc.name = d.name $$;

-- --- FIFO allocation across three invoices with a partial payment ---------------------------
CREATE TEMP TABLE pay AS
SELECT khata.record_payment(pg_temp.book(1), 'BANK-001', 'ACME', 35000, '2024-03-10') AS r;

SELECT is((SELECT jsonb_agg(jsonb_build_array(a.document_id - pg_temp.d('i1') + 1, a.amount)
                            ORDER BY a.id)
           FROM khata.allocations a WHERE a.book_id = pg_temp.book(1) AND a.payment_id = ((SELECT r FROM pay) ->> 'payment_id')::bigint),
          '[[1, 10000], [2, 20000], [3, 5000]]'::jsonb,
          'fifo_allocation_settles_oldest_due_first_and_the_third_partially');
SELECT is((SELECT array_agg(status ORDER BY id) FROM khata.documents WHERE book_id = pg_temp.book(1)),
          '{paid,paid,partially_paid}'::text[],
          'fifo_allocation_leaves_two_paid_and_one_partially_paid');
SELECT is((SELECT r ->> 'unallocated' FROM pay), '0', 'fifo_allocation_uses_the_whole_payment');
SELECT is(pg_temp.balance(1, 'receivables:cash:BDT'), 35000::bigint,
          'a_payment_posts_cash_in_to_the_ledger');
SELECT is(pg_temp.balance(1, 'receivables:party:ACME:BDT'), -35000::bigint,
          'a_payment_credits_the_party_receivable_account_created_for_it');
SELECT is((SELECT idempotency_key FROM khata.journals
           WHERE id = ((SELECT r ->> 'journal_id' FROM pay))::bigint),
          'receivables:payment:BANK-001', 'the_payment_journal_is_keyed_by_the_external_reference');
SELECT is((SELECT sum(outstanding) FROM khata.outstanding(pg_temp.book(1), 'ACME', '2024-03-10')), 25000::numeric,
          'outstanding_after_partial_payment_is_what_the_third_invoice_still_owes');
SELECT is((SELECT number FROM khata.outstanding(pg_temp.book(1), 'ACME', '2024-03-10')), 'INV-3',
          'outstanding_lists_only_documents_still_owing');

-- --- the same report run for a date before the payment ---------------------------------------
SELECT is((SELECT jsonb_agg(jsonb_build_array(number, outstanding, days_overdue) ORDER BY number)
           FROM khata.outstanding(pg_temp.book(1), 'ACME', '2024-03-09')),
          '[["INV-1", 10000, 38], ["INV-2", 20000, 10], ["INV-3", 30000, 0]]'::jsonb,
          'outstanding_before_the_payment_date_counts_no_payment');
SELECT is((SELECT row(not_due, aged, overdue, disputed, outstanding, documents)::text
           FROM khata.aging(pg_temp.book(1), '2024-03-09')),
          row(30000::bigint, '{20000,10000,0,0}'::bigint[], 30000::bigint, 0::bigint, 60000::bigint,
              3::bigint)::text,
          'aging_before_the_payment_is_what_it_said_then');
SELECT is((SELECT row(not_due, aged, overdue, outstanding)::text FROM khata.aging(pg_temp.book(1), '2024-03-10')),
          row(25000::bigint, '{0,0,0,0}'::bigint[], 0::bigint, 25000::bigint)::text,
          'aging_on_the_payment_date_counts_it');
SELECT is((SELECT count(*) FROM khata.aging(pg_temp.book(1), '2024-02-15')), 1::bigint,
          'aging_for_a_date_before_a_document_leaves_it_out');
SELECT is((SELECT outstanding FROM khata.aging(pg_temp.book(1), '2024-02-15')), 30000::bigint,
          'aging_before_the_third_invoice_sums_the_first_two');
SELECT is((SELECT aged FROM khata.aging(pg_temp.book(1), '2024-06-01')), '{0,0,25000,0}'::bigint[],
          'the_partially_paid_invoice_ages_from_its_due_date');

-- --- buckets sum to outstanding: not yet due, overdue and disputed mixed ---------------------
-- Book 2, as of 2024-06-30: one per bucket, one disputed (overdue 45 days), one not yet due.
CREATE TEMP TABLE b2 AS SELECT * FROM (VALUES
  ('N', '2024-06-20'::date, '2024-07-20'::date, 1000, 'north'),   -- not due
  ('A', '2024-05-20', '2024-06-10', 2000, 'north'),               -- 20 days
  ('B', '2024-04-20', '2024-05-10', 4000, 'south'),               -- 51 days
  ('C', '2024-03-20', '2024-04-10', 8000, 'south'),               -- 81 days
  ('D', '2023-12-01', '2024-01-01', 16000, 'north'),              -- 181 days
  ('X', '2024-04-01', '2024-05-16', 32000, 'south')) v(number, dd, due, amount, region);
CREATE TEMP TABLE b2_ids AS
SELECT khata.create_document(pg_temp.book(2), 'invoice', CASE WHEN number IN ('N', 'A', 'D') THEN 'P1' ELSE 'P2' END,
                             number, dd, amount, due, 'BDT', NULL,
                             jsonb_build_object('region', region))
FROM b2 ORDER BY number;
CREATE TEMP TABLE x_status AS
SELECT khata.set_document_status(pg_temp.book(2), (SELECT id FROM khata.documents WHERE book_id = pg_temp.book(2) AND number = 'X'),
                                 'disputed', 'quantity short', '2024-06-01');

SELECT is((SELECT row(not_due, aged, overdue, disputed, outstanding)::text FROM khata.aging(pg_temp.book(2), '2024-06-30')),
          row(1000::bigint, '{2000,4000,8000,16000}'::bigint[], 30000::bigint, 32000::bigint,
              63000::bigint)::text,
          'aging_puts_each_document_in_its_bucket_and_the_disputed_one_apart');
SELECT ok((SELECT bool_and(not_due + overdue + disputed = outstanding
                           AND overdue = (SELECT sum(x) FROM unnest(aged) x))
           FROM khata.aging(pg_temp.book(2), '2024-06-30', '{15,45}', 'due', '{party}')),
          'buckets_always_sum_to_outstanding_per_group');
SELECT is((SELECT sum(outstanding)::bigint FROM khata.aging(pg_temp.book(2), '2024-06-30', '{15,45}', 'due', '{party}')),
          (SELECT sum(outstanding)::bigint FROM khata.outstanding(pg_temp.book(2), NULL, '2024-06-30')),
          'aging_and_outstanding_agree');
SELECT is((SELECT jsonb_agg(jsonb_build_array(group_key, aged, disputed) ORDER BY group_key)
           FROM khata.aging(pg_temp.book(2), '2024-06-30', '{15,45}', 'due', '{party}')),
          '[[{"party": "P1"}, [0, 2000, 16000], 0], [{"party": "P2"}, [0, 0, 12000], 32000]]'::jsonb,
          'aging_groups_by_party_with_custom_buckets');
SELECT is((SELECT jsonb_agg(jsonb_build_array(group_key, outstanding) ORDER BY group_key)
           FROM khata.aging(pg_temp.book(2), '2024-06-30', group_by => '{region,party}')),
          '[[{"party": "P1", "region": "north"}, 19000], [{"party": "P2", "region": "south"}, 44000]]'::jsonb,
          'aging_groups_by_a_dimension_and_party');
SELECT is((SELECT aged FROM khata.aging(pg_temp.book(2), '2024-06-30', based_on => 'document')),
          '{0,2000,4000,24000}'::bigint[],
          'aging_based_on_document_date_ages_overdue_amounts_from_the_document_date');
SELECT is((SELECT row(disputed, overdue)::text FROM khata.aging(pg_temp.book(2), '2024-05-31')),
          row(0::bigint, 60000::bigint)::text,
          'before_the_dispute_the_document_was_overdue');
SELECT is(khata.aging_bucket_labels('{30,60,90}'), '{not_due,1-30,31-60,61-90,91+}'::text[],
          'bucket_labels_name_each_aged_column');
SELECT throws_ok($$ SELECT * FROM khata.aging(pg_temp.book(2), '2024-06-30', '{60,30}') $$, '22K40', NULL,
                 'decreasing_bucket_bounds_are_refused');
SELECT throws_ok($$ SELECT * FROM khata.aging(pg_temp.book(2), '2024-06-30', based_on => 'posting') $$, '22K41', NULL,
                 'an_unknown_based_on_is_refused');
SELECT throws_ok($$ SELECT * FROM khata.aging(pg_temp.book(2), '2024-06-30', group_by => '{party,party}') $$,
                 '22K41', NULL, 'a_repeated_group_key_is_refused');
SELECT throws_ok($$ SELECT * FROM khata.aging(pg_temp.book(2), '2024-06-30', group_by => '{"x''); drop table t; --"}') $$,
                 '22K41', NULL, 'a_group_key_that_is_not_a_name_is_refused');

-- --- early-payment discount (2% within 10 days) applied once ---------------------------------
INSERT INTO doc VALUES
  ('t1', khata.create_document(pg_temp.book(3), 'invoice', 'SHOP', 'T-1', '2024-01-01', 100000, NULL, 'BDT',
                               '{"days_to_due": 30, "discount_percent": 2, "discount_days": 10}')),
  ('t2', khata.create_document(pg_temp.book(3), 'invoice', 'SHOP', 'T-2', '2024-01-05', 50000, NULL, 'BDT',
                               '{"days_to_due": 30, "discount_percent": 2, "discount_days": 10}'));
SELECT is((SELECT due_date FROM khata.documents WHERE id = pg_temp.d('t1')), '2024-01-31'::date,
          'terms_set_the_due_date');
SELECT is((khata.record_payment(pg_temp.book(3), 'UPI-1', 'SHOP', 98000, '2024-01-08')) -> 'allocations',
          jsonb_build_array(jsonb_build_object('document_id', pg_temp.d('t1'), 'amount', 98000,
                                               'discount', 2000, 'effective_on', '2024-01-08',
                                               'reversed_on', NULL)),
          'a_payment_within_ten_days_settles_the_invoice_with_two_percent_off');
SELECT is((SELECT status FROM khata.documents WHERE id = pg_temp.d('t1')), 'paid',
          'the_discounted_invoice_is_paid');
-- T-2: a partial payment inside the window earns nothing; the one that settles it does, once.
SELECT is((khata.record_payment(pg_temp.book(3), 'UPI-2', 'SHOP', 20000, '2024-01-07')) #> '{allocations,0,discount}',
          '0'::jsonb, 'a_partial_payment_earns_no_discount');
SELECT is((khata.record_payment(pg_temp.book(3), 'UPI-3', 'SHOP', 29000, '2024-01-12')) #> '{allocations,0}',
          jsonb_build_object('document_id', pg_temp.d('t2'), 'amount', 29000, 'discount', 1000,
                             'effective_on', '2024-01-12', 'reversed_on', NULL),
          'the_payment_that_settles_within_the_window_gets_the_discount_on_the_whole_amount');
SELECT is((SELECT sum(discount) FROM khata.allocations WHERE book_id = pg_temp.book(3)), 3000::numeric,
          'each_invoice_got_its_discount_exactly_once');
SELECT is(pg_temp.balance(3, 'receivables:discounts:BDT'), 3000::bigint,
          'discounts_are_posted_as_discounts_allowed');
SELECT is(pg_temp.balance(3, 'receivables:party:SHOP:BDT'), -150000::bigint,
          'payments_and_discounts_together_credit_the_receivable_with_both_invoice_amounts');
-- Reversed, T-1 owes in full again; paid after the window it gets no discount.
CREATE TEMP TABLE upi1_reversal AS
SELECT khata.reverse_payment(pg_temp.book(3), (SELECT id FROM khata.payments WHERE external_ref = 'UPI-1'), '2024-01-20');
SELECT is((SELECT row(status, settled, discount_taken)::text FROM khata.documents WHERE id = pg_temp.d('t1')),
          row('open', 0::bigint, 0::bigint)::text, 'reversal_undoes_the_discount_with_the_payment');
SELECT is(array[pg_temp.balance(3, 'receivables:cash:BDT'), pg_temp.balance(3, 'receivables:discounts:BDT')],
          array[49000::bigint, 1000::bigint],
          'reversal_posts_the_mirror_of_the_payment_and_of_its_discount');
SELECT is((khata.record_payment(pg_temp.book(3), 'UPI-4', 'SHOP', 98000, '2024-01-25')) #> '{allocations,0,discount}',
          '0'::jsonb, 'a_payment_after_the_window_gets_no_discount');
SELECT is((SELECT outstanding FROM khata.outstanding(pg_temp.book(3), 'SHOP', '2024-01-25')), 2000::bigint,
          'after_the_window_the_two_percent_is_still_owed');

-- --- overpayment, idempotency, explicit allocation -------------------------------------------
SELECT is((khata.record_payment(pg_temp.book(3), 'UPI-5', 'SHOP', 5000, '2024-01-26')) -> 'unallocated', '3000'::jsonb,
          'an_overpayment_leaves_the_rest_unallocated');
SELECT is((SELECT credit FROM khata.unallocated_credit(pg_temp.book(3), 'SHOP', '2024-01-26')), 3000::bigint,
          'the_overpayment_is_credit_on_the_party');
SELECT is((SELECT count(*) FROM khata.unallocated_credit(pg_temp.book(3), 'SHOP', '2024-01-25')), 0::bigint,
          'before_the_overpayment_there_was_no_credit');
SELECT is((khata.record_payment(pg_temp.book(3), 'UPI-5', 'SHOP', 5000, '2024-01-26')) -> 'repeated', 'true'::jsonb,
          'recording_the_same_external_reference_again_is_a_repeat');
SELECT is((SELECT count(*) FROM khata.payments WHERE book_id = pg_temp.book(3) AND external_ref = 'UPI-5'), 1::bigint,
          'a_repeat_records_nothing');
SELECT is((SELECT count(*) FROM khata.journals
           WHERE book_id = pg_temp.book(3) AND idempotency_key = 'receivables:payment:UPI-5'), 1::bigint,
          'a_repeat_posts_nothing');
SELECT throws_ok($$ SELECT khata.record_payment(pg_temp.book(3), 'UPI-5', 'SHOP', 6000, '2024-01-26') $$, '23K46', NULL,
                 'the_same_reference_with_another_amount_is_refused');

INSERT INTO doc VALUES
  ('e1', khata.create_document(pg_temp.book(4), 'bill', 'CUST', 'B-1', '2024-02-01', 7000, '2024-02-10')),
  ('e2', khata.create_document(pg_temp.book(4), 'bill', 'CUST', 'B-2', '2024-02-05', 9000, '2024-02-20')),
  ('e3', khata.create_document(pg_temp.book(4), 'bill', 'CUST', 'B-3', '2024-02-06', 4000, '2024-02-25'));
CREATE TEMP TABLE bank AS
SELECT khata.create_account(pg_temp.book(4), 'BANK', 'Bank account', 'asset', 'BDT') AS id;
SELECT throws_ok($$ SELECT khata.record_payment(pg_temp.book(4), 'TX-0', 'CUST', 100, '2024-02-15',
                                                cash_account => 'NO-SUCH') $$,
                 '22K02', NULL, 'a_payment_to_an_unknown_cash_account_is_refused');
CREATE TEMP TABLE p4 AS
SELECT (khata.record_payment(pg_temp.book(4), 'TX-1', 'CUST', 12000, '2024-02-15', allocate => false,
                             cash_account => 'BANK') ->> 'payment_id')::bigint AS id;
SELECT is(pg_temp.balance(4, 'BANK'), 12000::bigint, 'a_payment_posts_to_the_cash_account_passed_in');
SELECT throws_ok($$ SELECT khata.record_payment(pg_temp.book(4), 'TX-1', 'CUST', 12000, '2024-02-15',
                                                cash_account => 'receivables:cash:BDT') $$,
                 '23K46', NULL, 'the_same_reference_to_another_account_is_refused');
SELECT throws_ok(format($$ SELECT khata.allocate_payment(pg_temp.book(4), %s, '[{"document_id": %s, "amount": 7001}]') $$,
                        (SELECT id FROM p4), pg_temp.d('e1')),
                 '23K44', NULL, 'allocating_more_than_a_document_owes_is_refused');
SELECT throws_ok(format($$ SELECT khata.allocate_payment(pg_temp.book(4), %s, '[{"document_id": %s, "amount": 7000}, {"document_id": %s, "amount": 9000}]') $$,
                        (SELECT id FROM p4), pg_temp.d('e1'), pg_temp.d('e2')),
                 '23K43', NULL, 'allocating_more_than_the_payment_has_is_refused');
SELECT is((khata.allocate_payment(pg_temp.book(4), (SELECT id FROM p4),
                                  jsonb_build_array(jsonb_build_object('document_id', pg_temp.d('e2'), 'amount', 9000)),
                                  '2024-02-15')) -> 'unallocated',
          '3000'::jsonb, 'explicit_allocation_goes_where_it_is_told');
SELECT is((SELECT status FROM khata.documents WHERE id = pg_temp.d('e1')), 'open',
          'explicit_allocation_leaves_older_documents_alone');

-- --- status rules ----------------------------------------------------------------------------
SELECT is(khata.set_document_status(pg_temp.book(4), pg_temp.d('e1'), 'expired', 'replaced by a new bill', '2024-02-16'),
          'expired', 'an_open_bill_can_expire');
SELECT throws_ok(format($$ SELECT khata.allocate_payment(pg_temp.book(4), %s, '[{"document_id": %s, "amount": 100}]') $$,
                        (SELECT id FROM p4), pg_temp.d('e1')),
                 '23K42', NULL, 'an_expired_bill_accepts_no_new_allocation');
SELECT is((khata.allocate_payment(pg_temp.book(4), (SELECT id FROM p4), NULL, '2024-02-16')) #> '{allocations,0,document_id}',
          to_jsonb(pg_temp.d('e3')), 'fifo_passes_over_the_expired_bill');
SELECT is((SELECT count(*) FROM khata.outstanding(pg_temp.book(4), 'CUST', '2024-02-20')), 1::bigint,
          'an_expired_bill_owes_nothing');
SELECT is((SELECT outstanding FROM khata.outstanding(pg_temp.book(4), 'CUST', '2024-02-15') WHERE number = 'B-1'), 7000::bigint,
          'before_it_expired_the_bill_was_owed');
SELECT throws_ok(format($$ SELECT khata.set_document_status(pg_temp.book(4), %s, 'disputed') $$, pg_temp.d('e2')),
                 '23K41', NULL, 'a_paid_document_cannot_be_disputed_without_reversing_its_payments');
SELECT throws_ok(format($$ SELECT khata.set_document_status(pg_temp.book(4), %s, 'void') $$, pg_temp.d('e3')),
                 '23K41', NULL, 'a_document_with_payments_cannot_be_voided');
SELECT throws_ok(format($$ SELECT khata.set_document_status(pg_temp.book(4), %s, 'paid') $$, pg_temp.d('e1')),
                 '23K40', NULL, 'paid_is_reached_only_by_payment');
SELECT throws_ok(format($$ SELECT khata.set_document_status(pg_temp.book(4), %s, 'unpaid') $$, pg_temp.d('e1')),
                 '22K45', NULL, 'an_unknown_status_is_refused');
SELECT throws_ok(format($$ SELECT khata.set_document_status(pg_temp.book(4), %s, 'open', NULL, '2024-02-01') $$, pg_temp.d('e1')),
                 '22K46', NULL, 'a_status_change_cannot_predate_the_last_one');
SELECT is(khata.set_document_status(pg_temp.book(4), pg_temp.d('e1'), 'open', 'reinstated', '2024-02-21'), 'open',
          'an_expired_bill_can_be_reinstated');

-- Reversal undoes allocations; then the paid document may be disputed.
SELECT is((khata.reverse_payment(pg_temp.book(4), (SELECT id FROM p4), '2024-02-22')) -> 'unallocated', '0'::jsonb,
          'a_reversed_payment_leaves_no_credit');
SELECT is((SELECT array_agg(status ORDER BY id) FROM khata.documents WHERE book_id = pg_temp.book(4)),
          '{open,open,open}'::text[], 'reversal_reopens_every_document_it_had_settled');
SELECT is(pg_temp.balance(4, 'BANK'), 0::bigint, 'reversal_takes_the_money_back_out_of_the_cash_account');
SELECT is((SELECT sum(outstanding) FROM khata.outstanding(pg_temp.book(4), 'CUST', '2024-02-21')), 8000::numeric,
          'a_report_for_before_the_reversal_still_counts_the_payment');
SELECT is((khata.reverse_payment(pg_temp.book(4), (SELECT id FROM p4), '2024-03-01')) ->> 'reversed_on', '2024-02-22',
          'reversing_again_returns_the_first_reversal');
SELECT throws_ok(format($$ SELECT khata.allocate_payment(pg_temp.book(4), %s) $$, (SELECT id FROM p4)),
                 '23K45', NULL, 'a_reversed_payment_cannot_be_allocated');
SELECT is(khata.set_document_status(pg_temp.book(4), pg_temp.d('e2'), 'disputed', NULL, '2024-02-23'), 'disputed',
          'after_reversal_the_document_can_be_disputed');
SELECT is(khata.set_document_status(pg_temp.book(4), pg_temp.d('e2'), 'open', 'resolved', '2024-02-24'), 'open',
          'resolving_a_dispute_returns_to_the_settlement_status');

SELECT is((SELECT count(*) FROM book_ids, khata.verify_book(book_ids.id)), 0::bigint,
          'every_book_still_verifies_after_payments_discounts_and_reversals');

-- --- documents -------------------------------------------------------------------------------
SELECT throws_ok($$ SELECT khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'INV-1', '2024-01-01', 100) $$,
                 '23505', NULL, 'a_number_is_unique_per_book_and_kind');
SELECT lives_ok($$ SELECT khata.create_document(pg_temp.book(1), 'bill', 'ACME', 'INV-1', '2024-01-01', 100) $$,
                'the_same_number_may_serve_another_kind');
SELECT throws_ok($$ SELECT khata.create_document(pg_temp.book(1), 'credit_note', 'ACME', 'CN-1', '2024-01-01', 100) $$,
                 '22K43', NULL, 'a_credit_note_is_not_a_document_the_party_owes');

-- --- credit notes settle like payments, posted to sales returns ---------------------------
SELECT is((khata.record_credit_note(pg_temp.book(1), 'CN-7', 'ACME', 30000, '2024-03-15')) #> '{allocations}',
          jsonb_build_array(
            jsonb_build_object('document_id', (SELECT id FROM khata.documents WHERE book_id = pg_temp.book(1)
                                                 AND kind = 'bill' AND number = 'INV-1'),
                               'amount', 100, 'discount', 0, 'effective_on', '2024-03-15', 'reversed_on', NULL),
            jsonb_build_object('document_id', pg_temp.d('i3'), 'amount', 25000,
                               'discount', 0, 'effective_on', '2024-03-15', 'reversed_on', NULL)),
          'a_credit_note_settles_open_documents_oldest_due_first');
SELECT is((SELECT credit FROM khata.unallocated_credit(pg_temp.book(1), 'ACME', '2024-03-15')), 4900::bigint,
          'what_the_credit_note_does_not_settle_stays_as_credit');
SELECT is(pg_temp.balance(1, 'receivables:returns:BDT'), -30000::bigint,
          'a_credit_note_debits_sales_returns_not_cash');
SELECT is(pg_temp.balance(1, 'receivables:party:ACME:BDT'), -65000::bigint,
          'a_credit_note_credits_the_party_receivable_like_a_payment');
SELECT is((khata.record_credit_note(pg_temp.book(1), 'CN-7', 'ACME', 30000, '2024-03-15')) -> 'repeated', 'true'::jsonb,
          'recording_a_credit_note_again_is_a_repeat');
SELECT throws_ok($$ SELECT khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'Z', '2024-01-01', 0) $$,
                 '22K43', NULL, 'a_document_amount_must_be_positive');
SELECT throws_ok($$ SELECT khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'Z', '2024-01-01', 5, '2023-12-01') $$,
                 '22K43', NULL, 'a_due_date_before_the_document_date_is_refused');
SELECT throws_ok($$ SELECT khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'Z', '2024-01-01', 5, NULL, 'BDT',
                                                 '{"days_to_due": 30, "discount_percent": 2.555, "discount_days": 10}') $$,
                 '22K42', NULL, 'a_discount_percent_with_three_decimals_is_refused');
SELECT throws_ok($$ SELECT khata.create_document(pg_temp.book(1), 'invoice', 'ACME', 'Z', '2024-01-01', 5, NULL, 'BDT',
                                                 '{"days_to_due": 5, "discount_percent": 2, "discount_days": 10}') $$,
                 '22K42', NULL, 'a_discount_window_longer_than_the_terms_is_refused');

-- --- the rules' SQL face ----------------------------------------------------------------------
SELECT is(khata.allocation_plan(30000, '[{"id": 1, "amount": 20000, "outstanding": 20000},
                                         {"id": 2, "amount": 20000, "outstanding": 20000, "status": "expired"},
                                         {"id": 3, "amount": 20000, "outstanding": 20000}]', NULL),
          '{"allocations": [{"document_id": 1, "amount": 20000, "discount": 0},
                            {"document_id": 3, "amount": 10000, "discount": 0}], "unallocated": 0}'::jsonb,
          'allocation_plan_fifo_takes_documents_in_the_order_given_passing_over_closed_ones');
SELECT throws_ok($$ SELECT khata.allocation_plan(100, '[{"id": 1, "amount": 100, "outstanding": 100}]',
                                                 '[{"document_id": 1, "amount": 1.5}]') $$,
                 '22K44', NULL, 'a_fractional_allocation_amount_is_refused');
SELECT throws_ok($$ SELECT khata.allocation_plan(100, '{"id": 1}', NULL) $$,
                 '22K44', NULL, 'documents_that_are_not_an_array_are_refused');
SELECT is(khata.aging_bucket(45, '{30,60,90}'), 2, 'aging_bucket_45_days_is_the_31_to_60_bucket');
SELECT throws_ok($$ SELECT khata.aging_bucket(5, '{30,NULL}') $$, '22K40', NULL,
                 'bucket_bounds_with_a_null_are_refused');

-- --- privileges: apps call these from their SECURITY DEFINER handlers, as the owner -----------
SELECT ok(NOT EXISTS (
            SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'khata'
              AND p.proname IN ('create_document', 'record_payment', 'allocate_payment',
                                'reverse_payment', 'set_document_status', 'outstanding', 'aging',
                                'unallocated_credit', 'allocation_plan', 'receivables_account',
                                'record_credit_note')
              AND (has_function_privilege('public', p.oid, 'execute')
                   OR has_function_privilege('khata_api', p.oid, 'execute'))),
          'receivables_functions_are_not_executable_by_public_or_khata_api');

-- A book the statistics have not seen, next to a large one (a tenant's first upload): a
-- document read by its whole key goes through the unique index, and a party's documents
-- through the party index, not an index that matches the book alone.
SELECT khata.create_book('stats-large', 'a large book');
SELECT khata.create_book('stats-new', 'a new book');
INSERT INTO khata.documents (book_id, kind, party, number, document_date, due_date, amount,
                             currency, status_since)
SELECT khata.book_id('stats-large'), 'invoice', 'P' || (g % 500), 'N' || g, '2025-01-01',
       '2025-02-01', 100, 'BDT', '2025-01-01'
FROM generate_series(1, 20000) g;
ANALYZE khata.documents;
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  plan text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN ' || query LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RETURN plan;
END
$$;
SELECT matches(pg_temp.plan_of(format(
  'SELECT * FROM khata.documents x WHERE x.book_id = %s AND x.kind = %L AND x.number = %L',
  khata.book_id('stats-new'), 'bill', 'B-1')),
  'documents_book_id_kind_number_key',
  'a new book''s document by its key is read through the unique index');
SELECT matches(pg_temp.plan_of(format(
  'SELECT * FROM khata.documents x WHERE x.book_id = %s AND x.kind = %L AND x.party = %L '
  'AND x.status IN (%L, %L) ORDER BY x.id',
  khata.book_id('stats-new'), 'bill', 'C-1', 'open', 'partially_paid')),
  'documents_party_idx',
  'a new book''s documents of a party are read through the party index');

SELECT * FROM finish();
ROLLBACK;
