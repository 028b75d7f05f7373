-- khata spending limits: daily and monthly caps in the book's time zone.
BEGIN;
SELECT plan(14);

SELECT khata.create_book('limits-test', 'Limits test') AS book \gset
SELECT khata.create_account(:book, 'wallet:01711111111', 'Rahim', 'liability', 'BDT') AS wallet \gset
SELECT khata.create_account(:book, 'wallet:01722222222', 'Karim', 'liability', 'BDT') AS other \gset
SELECT khata.set_spending_limits(:wallet, 2500000, 10000000);

-- 23:59:59 in Dhaka (UTC+6) on 10 March, then midnight of 11 March.
SELECT is((khata.spend(:wallet, 2000000, '2026-03-10 17:59:59+00') ->> 'daily_spent')::bigint,
  2000000::bigint, 'spend returns what the day has spent');
SELECT throws_ok(format($$ SELECT khata.spend(%s, 600000, '2026-03-10 17:59:59+00') $$, :wallet),
  '22K25', 'daily spending limit exceeded: 600000 would make 2600000 of 2500000',
  'a spend past the daily cap is refused');
SELECT is(khata.spent(:wallet, 'day', '2026-03-10 12:00+00'), 2000000::bigint,
  'a refused spend counts nothing');
SELECT lives_ok(format($$ SELECT khata.spend(%s, 600000, '2026-03-10 18:00:00+00') $$, :wallet),
  'at midnight in Dhaka a new day starts (18:00 UTC)');
SELECT is(khata.spent(:wallet, 'day', '2026-03-10 18:00:00+00'), 600000::bigint, 'dailySpent of 11 March');
SELECT is(khata.spent(:wallet, 'day', '2026-03-10 17:00:00+00'), 2000000::bigint, 'dailySpent of 10 March');
SELECT is(khata.spent(:wallet, 'month', '2026-03-15 00:00+00'), 2600000::bigint, 'monthlySpent sums the days');
SELECT is(khata.spent(:other, 'day', '2026-03-10 12:00+00'), 0::bigint, 'an account that spent nothing shows 0');

-- The monthly cap, across days; April starts at 18:00 UTC on 31 March.
SELECT khata.spend(:wallet, 2400000, d) FROM unnest(ARRAY['2026-03-20 06:00+00', '2026-03-21 06:00+00',
  '2026-03-22 06:00+00']::timestamptz[]) d;
SELECT is(khata.spent(:wallet, 'month', '2026-03-31 17:59:59+00'), 9800000::bigint, 'March so far');
SELECT throws_ok(format($$ SELECT khata.spend(%s, 300000, '2026-03-31 17:59:59+00') $$, :wallet),
  '22K26', NULL, 'a spend past the monthly cap is refused');
SELECT lives_ok(format($$ SELECT khata.spend(%s, 300000, '2026-03-31 18:00:00+00') $$, :wallet),
  'the same spend at midnight of 1 April in Dhaka is a new month');

SELECT khata.set_setting(:book, 'timezone', 'UTC');
SELECT is(khata.spent(:wallet, 'month', '2026-03-31 18:00:00+00'), 9800000::bigint,
  'the book''s timezone setting moves the day and month boundaries');
SELECT lives_ok(format($$ SELECT khata.spend(%s, 99999999, now()) $$, :other),
  'an account without limits is not capped');
SELECT throws_ok(format($$ SELECT khata.spend(%s, 0) $$, :wallet), '22023', NULL,
  'spending nothing is refused');

SELECT * FROM finish();
ROLLBACK;
