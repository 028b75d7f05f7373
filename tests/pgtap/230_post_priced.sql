-- khata.post_priced: quote and post amount, fee and commissions as one balanced journal.
BEGIN;
SELECT plan(24);

SELECT khata.create_book('priced-test', 'Priced test') AS book \gset
SELECT khata.define_setting('agent_commission_rate', 'number', 'Agent commission %', 0, 100, false, '1.5');
SELECT khata.create_fee_schedule(:book, 'wallet') AS schedule \gset
SELECT khata.set_fee_rules(:schedule, 'cash_out', $$[
  {"name": "cash_out", "min_amount": 5000, "max_amount": 2500000, "tiers": [{"percent": "1.85"}],
   "commissions": [{"role": "agent", "percent": {"setting": "agent_commission_rate"}}]}]$$);
SELECT khata.create_account(:book, 'cash', 'Cash', 'asset', 'BDT') AS cash \gset
SELECT khata.create_account(:book, 'consumer', 'Rahim', 'liability', 'BDT', true) AS consumer \gset
SELECT khata.create_account(:book, 'agent', 'Agent AG1234567', 'liability', 'BDT', true) AS agent \gset
SELECT khata.create_account(:book, 'platform', 'Platform wallet', 'equity', 'BDT', true) AS platform \gset
SELECT khata.post_journal(:book, 'fund', format('[{"account": %s, "debit": 500000}, {"account": %s, "credit": 500000}]', :cash, :consumer)::jsonb);
SELECT khata.post_journal(:book, 'seed-platform', format('[{"account": %s, "debit": 10000}, {"account": %s, "credit": 10000}]', :cash, :platform)::jsonb);
SELECT khata.set_spending_limits(:consumer, 2500000, 10000000);
SELECT format('{"sender": %s, "receiver": %s, "agent": %s, "platform": %s}', :consumer, :agent, :agent, :platform) AS roles \gset

SELECT khata.post_priced(:schedule, 'cash_out', 100000, :'roles', 'co-1', '{}', 'Cash withdrawal') AS r \gset
SELECT is((:'r'::jsonb -> 'quote' ->> 'fee')::bigint, 1850::bigint, 'cash_out_1000_quotes_fee_18_50');
SELECT is((SELECT posted FROM khata.account_row(:consumer)), 500000 - 101850::bigint,
  'cash_out_1000_debits_consumer_1018_50');
SELECT is((SELECT posted FROM khata.account_row(:agent)), 101500::bigint,
  'cash_out_1000_credits_agent_1015 (amount and commission)');
SELECT is((SELECT posted FROM khata.account_row(:platform)), 10000 + 1850 - 1500::bigint,
  'the platform keeps the fee less the commission');
SELECT is(khata.spent(:consumer, 'day'), 101850::bigint,
  'what leaves the consumer (amount + fee) counts against the daily limit');
SELECT is_empty($$ SELECT * FROM khata.verify_book(khata.book_id('priced-test')) $$, 'the book balances');

SELECT khata.set_setting(:book, 'agent_commission_rate', '2.0');
SELECT khata.post_priced(:schedule, 'cash_out', 100000, :'roles', 'co-1') AS again \gset
SELECT is((:'again'::jsonb ->> 'replayed')::boolean, true, 'a repeated key is a replay');
SELECT is(:'again'::jsonb -> 'quote', :'r'::jsonb -> 'quote', 'the replay returns the first quote');
SELECT is((SELECT posted FROM khata.account_row(:agent)), 101500::bigint, 'and posts nothing');
SELECT is(khata.spent(:consumer, 'day'), 101850::bigint, 'nor counts the amount again');
SELECT throws_ok(format($$ SELECT khata.post_priced(%s, 'cash_out', 200000, %L, 'co-1') $$, :schedule, :'roles'),
  '23K01', NULL, 'the same key for another amount is a conflict');

SELECT is((khata.post_priced(:schedule, 'cash_out', 100000, :'roles', 'co-2') -> 'quote' -> 'commissions' -> 0 ->> 'amount')::bigint,
  2000::bigint, 'a new posting prices with the changed rate');

SELECT throws_ok(format($$ SELECT khata.post_priced(%s, 'cash_out', 500000, %L, 'co-3') $$, :schedule, :'roles'),
  '22K06', NULL, 'a cash out beyond the balance is an overdraft');
SELECT is(khata.spent(:consumer, 'day'), 203700::bigint, 'a refused posting counts nothing');
SELECT khata.set_spending_limits(:consumer, 250000, NULL);
SELECT throws_ok(format($$ SELECT khata.post_priced(%s, 'cash_out', 60000, %L, 'co-4') $$, :schedule, :'roles'),
  '22K25', NULL, 'a cash out past the daily limit is refused');
SELECT throws_ok(format($$ SELECT khata.post_priced(%s, 'cash_out', 60000, '{"sender": %s}', 'co-5') $$, :schedule, :consumer),
  '22023', NULL, 'every role of the quote needs an account');

SELECT khata.set_spending_limits(:consumer, 2500000, 10000000);
SELECT khata.post_priced(:schedule, 'cash_out', 10000, :'roles', 'co-6', '{}', 'With metadata',
  '{"channel": "app", "rate": 1.50}') AS m \gset
SELECT is((SELECT (metadata - 'quote')::text FROM khata.journals WHERE id = (:'m'::jsonb ->> 'journal_id')::bigint),
  '{"rate": 1.50, "channel": "app"}', 'the caller''s metadata is stored as given');
SELECT is((SELECT metadata -> 'quote' FROM khata.journals WHERE id = (:'m'::jsonb ->> 'journal_id')::bigint),
  :'m'::jsonb -> 'quote', 'with the quote beside it');
SELECT is(:'m'::jsonb -> 'spending' ->> 'daily_spent', (203700 + 10185)::text,
  'the result holds the sender''s spending after the posting');
SELECT is((khata.post_priced(:schedule, 'cash_out', 10000, :'roles', 'co-7', '{}', NULL, NULL, NULL, false) -> 'spending'),
  'null'::jsonb, 'a posting that does not count spending has none');
SELECT is(khata.spent(:consumer, 'day'), (203700 + 10185)::bigint, 'and counts nothing');
SELECT throws_ok(format($$ SELECT khata.post_priced(%s, 'cash_out', 10000, %L, 'co-8') $$, -1, :'roles'),
  'P0002', 'no fee schedule -1', 'an unknown schedule is named');
SELECT throws_ok(format($$ SELECT khata.post_priced(%s, 'send_money', 10000, %L, 'co-9') $$, :schedule, :'roles'),
  '22K22', format('fee schedule %s has no rules for operation "send_money"', :schedule),
  'an operation without rules is refused');
SELECT throws_ok(format($$ SELECT khata.post_priced(%s, 'cash_out', 10000, %L, '') $$, :schedule, :'roles'),
  '22023', 'a priced posting needs an idempotency key', 'a priced posting needs a key');

SELECT * FROM finish();
ROLLBACK;
