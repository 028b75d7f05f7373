-- khata.parse_amount / khata.format_amount: exact decimal <-> minor units.
BEGIN;
SELECT plan(9);

SELECT is(khata.parse_amount('18.5', 2), 1850::bigint, 'parse_amount 18.5 taka is 1850 paisa');
SELECT is(khata.parse_amount('10.10'), 1010::bigint, 'the exponent defaults to 2');
SELECT is(khata.parse_amount('25000'), 2500000::bigint, 'whole taka');
SELECT throws_ok($$ SELECT khata.parse_amount('10.005', 2) $$, '22023',
  'amount "10.005" has more than 2 decimal places', 'a third decimal is refused, not rounded');
SELECT throws_ok($$ SELECT khata.parse_amount('12abc') $$, '22P02', NULL,
  'malformed text is 22P02');
SELECT throws_ok($$ SELECT khata.parse_amount('99999999999999999999') $$, '22003', NULL,
  'beyond bigint is 22003');
SELECT is(khata.format_amount(1850, 2), 18.5, 'format_amount 1850 paisa is 18.5');
SELECT is(to_jsonb(khata.format_amount(101850)), '1018.5'::jsonb,
  'formatted amounts are exact JSON numbers');
SELECT is(khata.parse_amount(khata.format_amount(-12345)::text), -12345::bigint, 'round trip');

SELECT * FROM finish();
ROLLBACK;
