-- khata fee schedules and khata.quote: the wallet's pricing from spec uiu-cash.md, exactly.
BEGIN;
SELECT plan(27);

SELECT khata.create_book('fees-test', 'Fees test') AS book \gset
SELECT khata.define_setting('agent_commission_rate', 'number',
  'Commission percentage for agent cash out operations', 0, 100, false, '1.5');
SELECT khata.define_setting('bank_transfer_fee_rate', 'number',
  'Bank transfer fee percentage for consumers', 0, 100, false, '1.5');
SELECT khata.create_fee_schedule(:book, 'wallet', 'UIU Cash') AS schedule \gset

SELECT khata.set_fee_rules(:schedule, 'send_money', $$[
  {"name": "send_money", "min_amount": 1000, "max_amount": 2500000,
   "tiers": [{"up_to": 100000, "flat": 0},
             {"above": 100000, "up_to": 500000, "flat": 500},
             {"above": 500000, "flat": 1000}]}]$$);
SELECT khata.set_fee_rules(:schedule, 'cash_out', $$[
  {"name": "cash_out", "min_amount": 5000, "max_amount": 2500000, "tiers": [{"percent": 1.85}],
   "commissions": [{"role": "agent", "of": "amount",
                    "percent": {"setting": "agent_commission_rate"}}]}]$$);
SELECT khata.set_fee_rules(:schedule, 'cash_in', $$[
  {"name": "cash_in", "min_amount": 5000, "max_amount": 2500000,
   "commissions": [{"role": "agent",
                    "percent": {"setting": "agent_commission_rate", "divide_by": 10}}]}]$$);
SELECT khata.set_fee_rules(:schedule, 'bank_transfer', $$[
  {"name": "agent", "when": {"sender_type": "agent"}, "min_amount": 1000, "max_amount": 10000000},
  {"name": "consumer", "min_amount": 1000, "max_amount": 10000000,
   "tiers": [{"percent": {"setting": "bank_transfer_fee_rate"}, "min": 1000}]}]$$);
SELECT khata.set_fee_rules(:schedule, 'bill_payment', $$[
  {"name": "bill_payment", "min_amount": 1000, "max_amount": 10000000}]$$);

CREATE FUNCTION pg_temp.fee(schedule bigint, operation text, taka text, context jsonb DEFAULT '{}')
RETURNS numeric LANGUAGE sql AS $$
  SELECT khata.format_amount((khata.quote(schedule, operation, khata.parse_amount(taka), context) ->> 'fee')::bigint)
$$;

SELECT is(pg_temp.fee(:schedule, 'send_money', '500'), 0::numeric, 'send_money_500_is_free');
SELECT is(pg_temp.fee(:schedule, 'send_money', '1000'), 0::numeric, 'send_money_1000_is_free');
SELECT is(pg_temp.fee(:schedule, 'send_money', '1001'), 5::numeric, 'send_money_1001_costs_5');
SELECT is(pg_temp.fee(:schedule, 'send_money', '5000'), 5::numeric, 'send_money_5000_costs_5');
SELECT is(pg_temp.fee(:schedule, 'send_money', '5001'), 10::numeric, 'send_money_5001_costs_10');
SELECT throws_ok(format($$ SELECT khata.quote(%s, 'send_money', 999, '{}') $$, :schedule),
  '22K20', 'amount 999 is below the minimum of 1000', 'send_money_below_10_taka_is_refused');
SELECT throws_ok(format($$ SELECT khata.quote(%s, 'send_money', 2500001, '{}') $$, :schedule),
  '22K21', 'amount 2500001 is above the maximum of 2500000', 'send_money_above_25000_taka_is_refused');

SELECT khata.quote(:schedule, 'cash_out', 100000) AS q \gset
SELECT is((:'q'::jsonb ->> 'fee')::bigint, 1850::bigint, 'cash_out_1000_charges_18_50_fee');
SELECT is((:'q'::jsonb -> 'commissions' -> 0 ->> 'amount')::bigint, 1500::bigint,
  'cash_out_1000_pays_agent_commission_15');
SELECT is((:'q'::jsonb ->> 'total_debited')::bigint, 101850::bigint, 'cash_out_1000_debits_consumer_1018_50');
SELECT is((SELECT sum((l ->> 'credit')::bigint) FROM jsonb_array_elements(:'q'::jsonb -> 'legs') l
           WHERE l ->> 'role' IN ('receiver', 'agent')), 101500::numeric,
  'cash_out_1000_credits_agent_1015 (receiver and agent are the agent)');
SELECT is((SELECT sum(coalesce((l ->> 'debit')::bigint, 0)) - sum(coalesce((l ->> 'credit')::bigint, 0))
           FROM jsonb_array_elements(:'q'::jsonb -> 'legs') l), 0::numeric,
  'a quote''s legs balance');
SELECT is(:'q'::jsonb ->> 'rule', 'cash_out', 'the quote names the rule that matched');

SELECT khata.quote(:schedule, 'cash_in', 100000) AS q \gset
SELECT is((:'q'::jsonb ->> 'fee')::bigint, 0::bigint, 'cash_in_1000_charges_consumer_nothing');
SELECT is((:'q'::jsonb -> 'commissions' -> 0 ->> 'amount')::bigint, 150::bigint,
  'cash_in_1000_pays_agent_1_50 (agent_commission_rate / 10)');

SELECT is(pg_temp.fee(:schedule, 'bank_transfer', '5000', '{"sender_type": "consumer"}'), 75::numeric,
  'bank_transfer_5000_by_consumer_costs_75');
SELECT is(pg_temp.fee(:schedule, 'bank_transfer', '667', '{"sender_type": "consumer"}'), 10.01,
  'bank_transfer_667_by_consumer_costs_10_01 (half-up)');
SELECT is(pg_temp.fee(:schedule, 'bank_transfer', '100', '{"sender_type": "consumer"}'), 10::numeric,
  'bank_transfer_100_by_consumer_costs_the_10_minimum');
SELECT is(pg_temp.fee(:schedule, 'bank_transfer', '5000', '{"sender_type": "agent"}'), 0::numeric,
  'bank_transfer_by_agent_is_free');
SELECT is(pg_temp.fee(:schedule, 'bill_payment', '1500'), 0::numeric, 'bill_payment_is_free');

SELECT khata.set_setting(:book, 'agent_commission_rate', '2.0');
SELECT is((khata.quote(:schedule, 'cash_out', 100000) -> 'commissions' -> 0 ->> 'amount')::bigint,
  2000::bigint, 'agent_commission_rate_2_makes_cash_out_1000_pay_commission_20');
SELECT is((khata.quote(:schedule, 'cash_in', 100000) -> 'commissions' -> 0 ->> 'amount')::bigint,
  200::bigint, 'and cash in 1000 pay 2.00');

SELECT throws_ok(format($$ SELECT khata.set_fee_rules(%s, 'refund', '[{"tiers": [{"percent": "ten"}]}]') $$, :schedule),
  '22023', NULL, 'malformed rules are refused when set');
SELECT throws_ok(format($$ SELECT khata.quote(%s, 'refund', 100) $$, :schedule),
  '22K22', 'fee schedule ' || :schedule || ' has no rules for operation "refund"',
  'an operation without rules cannot be quoted');
SELECT throws_ok($$ SELECT khata.quote(-1, 'send_money', 100) $$, 'P0002', NULL,
  'an unknown schedule is P0002');
SELECT khata.set_setting(:book, 'bank_transfer_fee_rate', '1.25');
SELECT is(pg_temp.fee(:schedule, 'bank_transfer', '5000', '{"sender_type": "consumer"}'), 62.5,
  'the bank transfer rate follows its setting');
SELECT is(khata.fee_rule_settings((SELECT rules FROM khata.fee_rules WHERE schedule_id = :schedule
                                   AND operation = 'bank_transfer')),
  ARRAY['bank_transfer_fee_rate'], 'fee_rule_settings lists what a rule reads');

SELECT * FROM finish();
ROLLBACK;
