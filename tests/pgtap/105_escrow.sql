-- A no_overdraft account split into slots: each slot keeps a non-negative available balance,
-- a debit the backend's slot covers updates that slot alone, any other debit sees every slot
-- and spreads the balance again; the total is never overdrawn.
BEGIN;
SELECT plan(21);

SELECT khata.create_book('t-escrow', 'Escrowed slots') AS book \gset
SELECT khata.create_account(:book, 'CASH', 'Cash in bank', 'asset', 'BDT') AS cash \gset
SELECT khata.create_account(:book, 'W', 'Wallet', 'liability', 'BDT', true) AS w \gset
SELECT khata.create_account(:book, 'M', 'Merchant', 'liability', 'BDT', true) AS m \gset
CREATE FUNCTION pg_temp.pay(key text, amount bigint) RETURNS jsonb LANGUAGE sql AS $$
  SELECT khata.post_journal(khata.book_id('t-escrow'), key, jsonb_build_array(
    jsonb_build_object('account', 'W', 'debit', amount),
    jsonb_build_object('account', 'M', 'credit', amount)))
$$;
-- Each slot's available balance, lowest first.
CREATE FUNCTION pg_temp.slots() RETURNS bigint[] LANGUAGE sql AS $$
  SELECT array_agg(b.posted - b.pending_out ORDER BY b.posted - b.pending_out)
  FROM khata.balances b WHERE b.account_id = khata.account_id(khata.book_id('t-escrow'), 'W')
$$;

SELECT khata.post_journal(:book, 'fund', format('[{"account": %s, "debit": 1000}, {"account": %s, "credit": 1000}]', :cash, :w)::jsonb) IS NOT NULL AS funded \gset
SELECT khata.hold(:book, 'held', format('[{"account": %s, "debit": 300}, {"account": %s, "credit": 300}]', :w, :m)::jsonb) ->> 'journal_id' AS held \gset

-- set_account_slots spreads the balance
SELECT khata.set_account_slots(:w, 4);
SELECT is(pg_temp.slots(), ARRAY[175, 175, 175, 175]::bigint[],
  'set_account_slots gives each slot an equal share of the available balance');
SELECT is((SELECT array_agg(pending_out ORDER BY slot) FROM khata.balances WHERE account_id = :w),
  ARRAY[300, 0, 0, 0]::bigint[], 'the holds stay in slot 0');
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w)), '(1000,-300,700)',
  'spreading leaves the account''s balance as it was');

-- a debit within the backend's slot
SELECT is(pg_temp.pay('small', 100) -> 'balances' -> 0 ->> 'available', '600',
  'a debit within the slot returns the account''s whole available balance');
SELECT is(pg_temp.slots(), ARRAY[75, 175, 175, 175]::bigint[],
  'a debit the backend''s slot covers updates that slot alone');

-- a debit past the slot, within the balance
SELECT is(pg_temp.pay('large', 500) -> 'balances' -> 0 ->> 'available', '100',
  'a debit past the slot but within the balance posts');
SELECT is(pg_temp.slots(), ARRAY[25, 25, 25, 25]::bigint[],
  'a debit that saw every slot spreads the balance again');

-- past the balance
SELECT throws_ok($$ SELECT pg_temp.pay('over', 101) $$, '22K06',
  'account W has 100 BDT available, 101 needed',
  'a debit past the whole balance is refused with the whole balance in its message');
SELECT is(pg_temp.slots(), ARRAY[25, 25, 25, 25]::bigint[], 'a refused debit changes no slot');

-- holds and their outcomes
SELECT khata.hold(:book, 'held-2', format('[{"account": %s, "debit": 20}, {"account": %s, "credit": 20}]', :w, :m)::jsonb) ->> 'journal_id' AS held2 \gset
SELECT is((SELECT available FROM khata.balance(:w)), 80::bigint, 'a hold within the slot counts against available');
SELECT khata.post_pending(:held, 200) IS NOT NULL AS posted_most \gset
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w)), '(200,-20,180)',
  'posting part of an earlier hold releases the rest');
SELECT khata.void_pending(:held2) IS NOT NULL AS voided \gset
SELECT is((SELECT available FROM khata.balance(:w)), 200::bigint, 'a voided hold is available again');
SELECT ok((SELECT min(x) >= 0 FROM unnest(pg_temp.slots()) x), 'no slot is below zero after holds');

-- a batch: within the slot, past the slot, past what is left
SELECT is((SELECT array_agg(coalesce(r ->> 'sqlstate', 'ok') ORDER BY n)
           FROM jsonb_array_elements(khata.post_journals(:book, jsonb_build_array(
             jsonb_build_object('idempotency_key', 'b-small', 'legs', format('[{"account": %s, "debit": 10}, {"account": %s, "credit": 10}]', :w, :m)::jsonb),
             jsonb_build_object('idempotency_key', 'b-large', 'legs', format('[{"account": %s, "debit": 150}, {"account": %s, "credit": 150}]', :w, :m)::jsonb),
             jsonb_build_object('idempotency_key', 'b-over', 'legs', format('[{"account": %s, "debit": 41}, {"account": %s, "credit": 41}]', :w, :m)::jsonb))))
             WITH ORDINALITY AS e(r, n)),
  ARRAY['ok', 'ok', '22K06'], 'a batch decides each debit in order against the whole balance');
SELECT is((SELECT available FROM khata.balance(:w)), 40::bigint, 'the batch took what it posted');
SELECT ok((SELECT min(x) >= 0 FROM unnest(pg_temp.slots()) x), 'no slot is below zero after the batch');
SELECT is((SELECT count(*) FROM khata.verify_book(:book)), 0::bigint, 'verify_book finds nothing wrong');

-- slot_share: the spread that set_account_slots and the posting path both use
SELECT is(ARRAY(SELECT khata.slot_share(1003, 300, 7, 4, s)::text FROM generate_series(0, 3) s),
  ARRAY['{478,300,7}', '{175,0,0}', '{175,0,0}', '{175,0,0}'],
  'slot_share: the available balance in equal shares, the remainder and the holds in slot 0');
SELECT is(ARRAY(SELECT khata.slot_share(-10, 0, 0, 3, s)::text FROM generate_series(0, 2) s),
  ARRAY['{-4,0,0}', '{-3,0,0}', '{-3,0,0}'],
  'slot_share: an overdrawn total is shared the same way, and still sums to the total');
SELECT throws_ok($$ SELECT khata.slot_share(100, 0, 0, 4, 4) $$, '22023',
  'slot must be between 0 and 3', 'slot_share refuses a slot past the last');
SELECT throws_ok($$ SELECT khata.slot_share(100, 0, 0, 65, 0) $$, '22023',
  'slots must be between 1 and 64', 'slot_share refuses a slot count past 64');

SELECT * FROM finish();
ROLLBACK;
