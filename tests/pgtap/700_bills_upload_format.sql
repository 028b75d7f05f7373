-- bills.parse_upload: the upload file format of the bills app, row by row.
BEGIN;
SELECT plan(14);

CREATE FUNCTION pg_temp.parsed(csv text)
RETURNS SETOF bills.upload_row
LANGUAGE sql AS $$ SELECT * FROM bills.parse_upload(convert_to(csv, 'UTF8')) $$;

SELECT is(bills.upload_column('Customer Identifier'), 'customer identifier',
  'a header with spaces names its field');
SELECT is(bills.upload_column('customerIdentifier'), 'customer identifier',
  'a camelCase header names the same field');
SELECT is(bills.upload_column('DUE_DATE'), 'due date', 'headers are case-insensitive, _ ignored');
SELECT is(bills.upload_column('Remarks'), NULL, 'an unknown column is ignored');

SELECT is(bills.upload_date('2024-02-29'), '2024-02-29'::date, 'ISO dates are read');
SELECT is(bills.upload_date('05/03/2024'), '2024-03-05'::date, 'slashed dates are day first');
SELECT is(bills.upload_date('2023-02-29'), NULL, 'a day that does not exist is no date');

SELECT results_eq(
  $$ SELECT line, customer_identifier, customer_name, bill_number, amount, bill_date, due_date,
            period, errors
     FROM pg_temp.parsed(E'Customer Name,Customer Identifier,Bill Number,Amount,Bill Date,Due Date,Period\n'
                         'NADHIYA,96-60-100308,B-1,1018.5,2025-01-01,2025-01-31,Jan 2025\n') $$,
  $$ VALUES (2, '96-60-100308', 'NADHIYA', 'B-1', 101850::bigint, '2025-01-01'::date,
             '2025-01-31'::date, 'Jan 2025', '[]'::jsonb) $$,
  'a good row becomes a typed bill: 1018.5 is 101850 minor units, line 2 under the header');

SELECT is(
  (SELECT errors FROM pg_temp.parsed(E'customername,customerid,billno,amount,billdate,duedate\n'
                                     'A,C1,B1,10.005,2025-01-01,2025-01-31\n')),
  '[{"line": 2, "field": "amount", "message": "amount \"10.005\" is not a number with at most 2 decimals"}]',
  'an amount with 3 decimals is a row error naming the field and the line');

SELECT is(
  (SELECT jsonb_agg(e ->> 'field' ORDER BY e ->> 'field')
   FROM pg_temp.parsed(E'Customer Name,Customer Identifier,Amount\n\nA,,abc\n') p,
        jsonb_array_elements(p.errors) e),
  '["amount", "bill date", "bill number", "customer identifier", "due date"]',
  'every missing or bad field of a row is reported');

SELECT is(
  (SELECT line FROM pg_temp.parsed(E'Customer Name,Customer Identifier,Bill Number,Amount,Bill Date,Due Date\n\nA,C1,B1,5,2025-01-01,2025-01-31\n')),
  3, 'a blank line still counts: the row after it is line 3');

SELECT is(
  (SELECT errors -> 0 ->> 'message' FROM pg_temp.parsed(E'Customer Name,Customer Identifier,Bill Number,Amount,Bill Date,Due Date\n'
     'A,C1,B1,5,2025-02-01,2025-01-31\n')),
  'due date 2025-01-31 is before the bill date 2025-02-01', 'a due date before the bill date is refused');

SELECT is(
  (SELECT errors -> 0 ->> 'message' FROM pg_temp.parsed(E'Customer Name,Customer Identifier,Bill Number,Amount,Bill Date,Due Date\n'
     'A,C1,B1,5,2025-01-01,2025-01-31\nA,C1,B1,6,2025-01-01,2025-01-31\n') WHERE line = 3),
  'bill number B1 is already on line 2', 'a bill number repeated in the file is refused on its second line');

SELECT throws_ok($$ SELECT * FROM bills.parse_upload(''::bytea) $$, '22K63', NULL,
  'an empty file has no header and is refused as a whole');

SELECT * FROM finish();
ROLLBACK;
