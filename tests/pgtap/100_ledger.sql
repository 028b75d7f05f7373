-- The core ledger: books, accounts, post_journal, idempotency, holds, reversal, batch, reads.
BEGIN;
SELECT plan(85);

SELECT khata.create_book('t-ledger', 'Ledger test') AS book \gset
SELECT khata.create_account(:book, 'CASH', 'Cash in bank', 'asset', 'BDT') AS cash \gset
SELECT khata.create_account(:book, 'W1', 'Wallet of Rahim', 'liability', 'BDT', true) AS w1 \gset
SELECT khata.create_account(:book, 'W2', 'Wallet of Karim', 'liability', 'BDT', true) AS w2 \gset
SELECT khata.create_account(:book, 'FEES', 'Fee income', 'income', 'BDT') AS fees \gset
SELECT khata.create_account(:book, 'USD-CASH', 'Dollar account', 'asset', 'USD') AS usd \gset
SELECT khata.create_account(:book, 'OLD', 'Closed wallet', 'liability', 'BDT') AS old \gset
SELECT khata.close_account(:old);

-- books, currencies, accounts
SELECT is(khata.book_id('t-ledger'), :book::bigint, 'book_id finds a book by its code');
SELECT throws_ok($$ SELECT khata.book_id('no-such-book') $$, '22K08', 'unknown book "no-such-book"',
  'book_id of an unknown code is 22K08');
SELECT throws_ok($$ SELECT khata.create_book('t-ledger', 'again') $$, '23K05', NULL,
  'a book code is unique');
SELECT throws_ok($$ SELECT khata.create_book('t-tz', 'x', 'Mars/Olympus') $$, '22023', NULL,
  'an unknown time zone is refused');
SELECT is((SELECT exponent FROM khata.currencies WHERE code = 'JPY'), 0::smallint,
  'JPY has no minor unit');
SELECT is(khata.account_id(:book, 'W1'), :w1::bigint, 'account_id finds an account by code');
SELECT throws_ok(format($$ SELECT khata.account_id(%s, 'NOPE') $$, :book), '22K02', NULL,
  'account_id of an unknown code is 22K02');
SELECT throws_ok(format($$ SELECT khata.create_account(%s, 'W1', 'dup', 'liability', 'BDT') $$, :book),
  '23K05', NULL, 'an account code is unique in its book');
SELECT throws_ok(format($$ SELECT khata.create_account(%s, 'X', 'x', 'liability', 'XYZ') $$, :book),
  '22K09', 'unknown currency "XYZ"', 'an unknown currency is 22K09');
SELECT throws_ok(format($$ SELECT khata.create_account(%s, 'X', 'x', 'wallet', 'BDT') $$, :book),
  '22K10', NULL, 'an unknown account type is 22K10');
SELECT throws_ok($$ SELECT khata.create_account(-1, 'X', 'x', 'asset', 'BDT') $$,
  '22K08', NULL, 'an account in an unknown book is 22K08');
SELECT is((SELECT code FROM khata.account_row(:w1)), 'W1', 'account_row reads an account');

-- post_journal
SELECT is(khata.post_journal(:book, 'dep-1',
  '[{"account": "CASH", "debit": 100000}, {"account": "W1", "credit": 100000}]') - 'journal_id',
  format('{"replayed": false, "balances": [{"account": %s, "posted": 100000, "pending": 0, "available": 100000}, {"account": %s, "posted": 100000, "pending": 0, "available": 100000}]}', :cash, :w1)::jsonb,
  'a deposit posts and returns both balances in their normal side');
SELECT is((SELECT posted FROM khata.balance(:w1)), 100000::bigint,
  'a wallet (liability) credited 1000 taka has a positive balance');
SELECT ok((khata.post_journal(:book, 'dep-1',
  '[{"account": "W1", "credit": 100000}, {"account": "CASH", "debit": 100000}]') ->> 'replayed')::boolean,
  'the same key with the same legs (in any order) is a replay');
SELECT is((SELECT count(*) FROM khata.journals WHERE book_id = :book), 1::bigint,
  'a replay posts nothing');
SELECT is((khata.post_journal(:book, 'dep-1',
  '[{"account": "CASH", "debit": 100000}, {"account": "W1", "credit": 100000}]') ->> 'journal_id')::bigint,
  (SELECT id FROM khata.journals WHERE idempotency_key = 'dep-1'),
  'a replay returns the first journal id');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'dep-1',
  '[{"account": "CASH", "debit": 5}, {"account": "W1", "credit": 5}]') $$, :book),
  '23K01', NULL, 'the same key with other legs is 23K01');

SELECT lives_ok(format($$ SELECT khata.post_journal(%s, 'send-1',
  '[{"account": %s, "debit": 18500}, {"account": %s, "credit": 18150}, {"account": "FEES", "credit": 350}]') $$,
  :book, :w1, :w2), 'a three-leg send money with a fee posts, accounts by id or code');
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w1)), '(81500,0,81500)',
  'the sender is debited 185 taka');
SELECT is((SELECT posted FROM khata.balance(:fees)), 350::bigint, 'the fee income account has 3.50 taka');

SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": 0}, {"account": "W1", "credit": 0}]') $$, :book),
  '22K01', NULL, 'a zero amount is 22K01');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": -5}, {"account": "W1", "credit": -5}]') $$, :book),
  '22K01', NULL, 'a negative amount is 22K01');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "NOPE", "debit": 5}, {"account": "W1", "credit": 5}]') $$, :book),
  '22K02', 'account NOPE does not exist in this book', 'an unknown account is 22K02, named');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": 5}, {"account": "OLD", "credit": 5}]') $$, :book),
  '22K03', NULL, 'a closed account is 22K03');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "USD-CASH", "debit": 5}, {"account": "W1", "credit": 5}]') $$, :book),
  '22K04', NULL, 'legs balancing only across currencies are 22K04');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": 5, "currency": "USD"}, {"account": "W1", "credit": 5}]') $$, :book),
  '22K04', NULL, 'a leg stating another currency than its account''s is 22K04');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": 5}, {"account": "W1", "credit": 4}]') $$, :book),
  '22K05', 'the journal does not balance: debits 5, credits 4', 'an unbalanced journal is 22K05');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "W2", "debit": 1000000}, {"account": "W1", "credit": 1000000}]') $$, :book),
  '22K06', NULL, 'an overdraft of a no_overdraft wallet is 22K06');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '{"account": "CASH"}') $$, :book),
  '22K07', NULL, 'legs that are not an array are 22K07');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": 5}]') $$, :book),
  '22K07', NULL, 'a single leg is 22K07');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": 1.5}, {"account": "W1", "credit": 1.5}]') $$, :book),
  '22K07', NULL, 'a fractional minor-unit amount is 22K07');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "CASH", "debit": 9223372036854775808}, {"account": "W1", "credit": 1}]') $$, :book),
  '22K07', 'leg 1: debit is beyond the bigint range', 'an amount beyond bigint is 22K07');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, NULL, '[{"account": "CASH", "debit": 5}, {"account": "W1", "credit": 5}]') $$, :book),
  '22023', NULL, 'an idempotency key is required');
SELECT is((SELECT count(*) FROM khata.journals WHERE book_id = :book AND idempotency_key = 'z'), 0::bigint,
  'refused journals post nothing');
SELECT lives_ok(format($$ SELECT khata.post_journal(%s, 'w2-out', '[{"account": "W2", "debit": 18150}, {"account": "CASH", "credit": 18150}]') $$, :book),
  'a wallet may go exactly to zero');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'w2-out2', '[{"account": "W2", "debit": 1}, {"account": "CASH", "credit": 1}]') $$, :book),
  '22K06', NULL, 'and not one paisa below');

-- holds
SELECT (khata.hold(:book, 'hold-1', format('[{"account": %s, "debit": 30000}, {"account": %s, "credit": 30000}]', :w1, :w2)::jsonb,
  'cash out', NULL, now() + interval '1 hour') ->> 'journal_id')::bigint AS hold1 \gset
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w1)), '(81500,-30000,51500)',
  'a hold counts against available, not posted');
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w2)), '(0,30000,0)',
  'a hold in an account''s favour is pending, not available');
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'z', '[{"account": "W1", "debit": 60000}, {"account": "CASH", "credit": 60000}]') $$, :book),
  '22K06', NULL, 'a posting beyond the available balance (after holds) is 22K06');
SELECT throws_ok(format($$ SELECT khata.post_pending(%s, 40000) $$, :hold1), '22K13', NULL,
  'posting more than held is 22K13');
SELECT throws_ok(format($$ SELECT khata.post_pending(%s, 0) $$, :hold1), '22K01', NULL,
  'posting zero of a hold is 22K01');
SELECT lives_ok(format($$ SELECT khata.post_pending(%s, 20000) $$, :hold1), 'a partial post');
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w1)), '(61500,0,61500)',
  'a partial post debits the amount and releases the rest');
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w2)), '(20000,0,20000)',
  'and credits the amount');
SELECT throws_ok(format($$ SELECT khata.post_pending(%s) $$, :hold1), '23K03', NULL,
  'a posted hold cannot be posted again');
SELECT throws_ok(format($$ SELECT khata.void_pending(%s) $$, :hold1), '23K03', NULL,
  'nor voided');
SELECT throws_ok($$ SELECT khata.post_pending(-1) $$, '22K11', NULL, 'an unknown journal is 22K11');
SELECT throws_ok(format($$ SELECT khata.void_pending(%s) $$,
  (SELECT id FROM khata.journals WHERE idempotency_key = 'dep-1')), '22K12', NULL,
  'a posted journal is not a hold: 22K12');
SELECT (khata.hold(:book, 'hold-2', '[{"account": "W1", "debit": 1000}, {"account": "W2", "credit": 1000}]') ->> 'journal_id')::bigint AS hold2 \gset
SELECT lives_ok(format($$ SELECT khata.void_pending(%s) $$, :hold2), 'a hold is voided');
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w1)), '(61500,0,61500)',
  'a void releases the reservation and posts nothing');
SELECT (khata.hold(:book, 'hold-3', '[{"account": "W1", "debit": 1500}, {"account": "W2", "credit": 1500}]',
  NULL, NULL, now() - interval '1 minute') ->> 'journal_id')::bigint AS hold3 \gset
SELECT throws_ok(format($$ SELECT khata.post_pending(%s) $$, :hold3), '23K03', NULL,
  'an expired hold cannot be posted');
SELECT is(khata.expire_holds(:book), 1, 'expire_holds releases the hold past its expiry');
SELECT is((SELECT kind FROM khata.journals WHERE ref = :hold3), 'E'::"char",
  'the expiry is a journal of its own');
SELECT is(khata.expire_holds(:book), 0, 'an expired hold is expired once');
SELECT is((SELECT available FROM khata.balance(:w1)), 61500::bigint, 'expiry releases the reservation');
SELECT throws_ok(format($$ SELECT khata.hold(%s, 'hold-4', '[{"account": "W1", "debit": 99999999}, {"account": "W2", "credit": 99999999}]') $$, :book),
  '22K06', NULL, 'a hold beyond the available balance is 22K06');

-- reversal and append-only
SELECT (SELECT id FROM khata.journals WHERE idempotency_key = 'send-1') AS send1 \gset
SELECT is((khata.reverse_journal(:send1, 'rev-1') -> 'balances' -> 0 ->> 'posted')::bigint, 80000::bigint,
  'a reversal gives the sender back 185 taka');
SELECT is((SELECT posted FROM khata.balance(:fees)), 0::bigint, 'and takes the fee back');
SELECT ok((khata.reverse_journal(:send1, 'rev-1') ->> 'replayed')::boolean, 'a reversal is idempotent');
SELECT throws_ok(format($$ SELECT khata.reverse_journal(%s, 'rev-2') $$, :send1), '23K04', NULL,
  'a journal is reversed once: 23K04');
SELECT throws_ok(format($$ SELECT khata.reverse_journal(%s, 'rev-3') $$, :hold1), '22K14', NULL,
  'a hold is not reversed: 22K14');
SELECT throws_ok(format($$ UPDATE khata.journals SET memo = 'x' WHERE id = %s $$, :send1), '23K02', NULL,
  'an UPDATE of a journal is refused: 23K02');
SELECT throws_ok(format($$ DELETE FROM khata.journals WHERE id = %s $$, :send1), '23K02', NULL,
  'a DELETE of a journal is refused: 23K02');
SELECT throws_ok($$ TRUNCATE khata.journals $$, '23K02', NULL, 'a TRUNCATE of journals is refused');

-- batch
SELECT is(khata.post_journals(:book, format('[
  {"idempotency_key": "b-1", "legs": [{"account": %1$s, "debit": 50000}, {"account": %2$s, "credit": 50000}]},
  {"idempotency_key": "b-2", "legs": [{"account": %1$s, "debit": 50000}, {"account": %2$s, "credit": 50000}]},
  {"idempotency_key": "b-3", "legs": [{"account": "NOPE", "debit": 1}, {"account": %2$s, "credit": 1}]},
  {"idempotency_key": "dep-1", "legs": [{"account": "CASH", "debit": 100000}, {"account": "W1", "credit": 100000}]},
  {"idempotency_key": "b-1", "legs": [{"account": %1$s, "debit": 50000}, {"account": %2$s, "credit": 50000}]},
  {"legs": [{"account": "CASH", "debit": 1}, {"account": "W1", "credit": 1}]}
]', :w1, :w2)::jsonb) #- '{0,journal_id}' #- '{4,journal_id}' #- '{3,journal_id}' #- '{1,message}' #- '{2,message}' #- '{5,message}',
  '[{"ok": true, "replayed": false}, {"ok": false, "sqlstate": "22K06"}, {"ok": false, "sqlstate": "22K02"},
    {"ok": true, "replayed": true}, {"ok": true, "replayed": true}, {"ok": false, "sqlstate": "22K16"}]'::jsonb,
  'a batch decides each item alone, in order: the second overdraws after the first');
SELECT is((SELECT available FROM khata.balance(:w1)), 30000::bigint, 'only the accepted item is posted');
SELECT throws_ok(format($$ SELECT khata.post_journals(%s, '{"a": 1}') $$, :book), '22K16', NULL,
  'a batch that is not an array is 22K16');

-- the backend's account cache follows every change of an account
SELECT khata.create_account(:book, 'TMP', 'Closed after use', 'liability', 'BDT', true) AS tmp \gset
SELECT lives_ok(format($$ SELECT khata.post_journal(%1$s, 'tmp-in', '[{"account": "CASH", "debit": 700}, {"account": %2$s, "credit": 700}]');
                          SELECT khata.post_journal(%1$s, 'tmp-out', '[{"account": %2$s, "debit": 700}, {"account": "CASH", "credit": 700}]') $$,
                        :book, :tmp), 'an account posts before it is closed');
SELECT khata.close_account(:tmp);
SELECT throws_ok(format($$ SELECT khata.post_journal(%s, 'tmp-late', '[{"account": "CASH", "debit": 5}, {"account": %s, "credit": 5}]') $$, :book, :tmp),
  '22K03', NULL, 'an account that posted and was then closed is refused (22K03)');
SELECT is(khata.post_journals(:book, format('[{"idempotency_key": "tmp-out", "legs": [{"account": %s, "debit": 700}, {"account": "CASH", "credit": 700}]}]', :tmp)::jsonb) -> 0 ->> 'replayed',
  'true', 'a batch repeat of a journal replays after its account is closed');
SELECT khata.set_account_slots(:w2, 4);
SELECT lives_ok(format($$ SELECT khata.post_journal(%s, 'slots-4', '[{"account": %s, "debit": 100}, {"account": "CASH", "credit": 100}]') $$, :book, :w2),
  'a posting sees an account split into 4 slots');
SELECT (khata.post_journal(:book, 'slots-4-in', format('[{"account": "CASH", "debit": 100}, {"account": %s, "credit": 100}]', :w2)::jsonb)
          -> 'balances' -> 1 ->> 'posted')::bigint AS slotted_posted \gset
SELECT is(:slotted_posted::bigint, (SELECT posted FROM khata.balance(:w2)),
  'a credit to an account split into slots returns the total of all its slots');
SELECT ok(EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                    AND classid = x'6b686174'::int::oid AND objsubid = 2 AND granted),
  'a backend that wrote a slot holds its stripe as a session advisory lock');
SELECT pg_advisory_unlock_all();
SELECT lives_ok(format($$ SELECT khata.post_journal(%s, 'slots-4-again', '[{"account": "CASH", "debit": 100}, {"account": %s, "credit": 100}]') $$, :book, :w2),
  'a posting after the stripe was released');
SELECT ok(EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                    AND classid = x'6b686174'::int::oid AND objsubid = 2 AND granted),
  'a stripe released by pg_advisory_unlock_all is claimed again by the next posting');
SELECT khata.set_account_slots(:w2, 1);
SELECT lives_ok(format($$ SELECT khata.post_journal(%s, 'slots-1', '[{"account": %s, "debit": 100}, {"account": "CASH", "credit": 100}]') $$, :book, :w2),
  'a posting after the slots are folded back locks the one row left');
SELECT khata.post_journal(:book, 'slots-back', format('[{"account": "CASH", "debit": 200}, {"account": %s, "credit": 200}]', :w2)::jsonb) IS NOT NULL AS restored \gset

-- reads
SELECT is((SELECT count(*) FROM khata.verify_book(:book)), 0::bigint, 'verify_book is empty when all holds');
SELECT is((SELECT sum(debit) - sum(credit) FROM khata.trial_balance(:book) WHERE currency = 'BDT'), 0::numeric,
  'the trial balance balances');
SELECT is((SELECT array_agg(balance ORDER BY effective_at, journal_id) FROM khata.account_history(:w1)),
  ARRAY[100000, 81500, 61500, 80000, 30000]::bigint[], 'account_history carries a running balance');
SELECT is((SELECT count(*) FROM khata.account_history(:w1, now() + interval '1 day', NULL)), 0::bigint,
  'account_history keeps to its window');
SELECT is((SELECT posted FROM khata.balance(:w1, now() - interval '1 day')), 0::bigint,
  'balance as of yesterday: nothing was posted yet');
SELECT is((SELECT row(posted, pending, available)::text FROM khata.balance(:w1, now())),
  (SELECT row(posted, pending, available)::text FROM khata.balance(:w1)),
  'balance as of now from the journals equals the stored balance');
SELECT lives_ok($$ SET LOCAL session_replication_role = replica $$, 'a DBA may bypass the trigger to simulate corruption');
UPDATE khata.balances SET posted = posted + 1 WHERE account_id = :w2;
SELECT is((SELECT problem FROM khata.verify_book(:book)), 'posted balance drift',
  'verify_book reports a stored balance that drifted from its journals');

SELECT * FROM finish();
ROLLBACK;
