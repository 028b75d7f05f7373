-- The receivables app's SQL that is not a handler: months of a financial year, upload cells,
-- age buckets, and who sees which customer.
BEGIN;
SELECT plan(26);

SELECT is(receivables.period('April', '2025-26'), '2025-04-01'::date, 'April of 2025-26 is in 2025');
SELECT is(receivables.period('jan', '2025-26'), '2026-01-01'::date, 'January of 2025-26 is in 2026');
SELECT is(receivables.period('3', '2025-2026'), '2026-03-01'::date, 'a month number and a long year');
SELECT is(receivables.period('2025-05', '2025-26'), '2025-05-01'::date, 'YYYY-MM inside the year');
SELECT is(receivables.period('2026-05', '2025-26'), NULL, 'YYYY-MM outside the year is refused');
SELECT is(receivables.period('Juny', '2025-26'), NULL, 'an unknown month name is refused');
SELECT is(receivables.period('May', '2025-27'), NULL, 'a financial year is two consecutive years');
SELECT is(receivables.financial_year('2026-03-31'), '2025-26', 'March closes the financial year');
SELECT is(receivables.financial_year('2026-04-01'), '2026-27', 'April opens the next one');

SELECT is(receivables.parse_date('2025-04-20'), '2025-04-20'::date, 'ISO dates');
SELECT is(receivables.parse_date('01/04/2025'), '2025-04-01'::date, 'day-first dates with slashes');
SELECT is(receivables.parse_date('31-02-2025'), NULL, 'an impossible date is not a date');

SELECT is(receivables.age_bucket('2025-05-31', '2025-05-31'), 'current', 'due today is current');
SELECT is(receivables.age_bucket('2025-05-31', '2025-05-30'), '0-30', 'a day late is 0-30');
SELECT is(receivables.age_bucket('2025-05-31', '2025-03-16'), '61-90', '76 days late is 61-90');
SELECT is(receivables.age_bucket('2025-05-31', '2025-01-10'), '90+', '141 days late is 90+');

CREATE TEMP TABLE people AS
SELECT receivables.create_user('Eng', 'pgtap-eng@example.com', 'password1', 'Engineer') AS eng,
       receivables.create_user('Mgr', 'pgtap-mgr@example.com', 'password1', 'Manager', 'Pune') AS mgr,
       receivables.create_user('CM', 'pgtap-cm@example.com', 'password1', 'Country Manager') AS cm;
INSERT INTO receivables.customers (code, name, region, assigned_engineer)
SELECT 'PGTAP-1', 'Assigned', 'goa', eng FROM people;

SELECT ok(receivables.can_see((SELECT u FROM receivables.users u, people WHERE u.id = eng),
                              (SELECT c FROM receivables.customers c WHERE code = 'PGTAP-1')),
          'an Engineer sees a customer assigned to them');
SELECT ok(NOT receivables.can_see((SELECT u FROM receivables.users u, people WHERE u.id = mgr),
                                  (SELECT c FROM receivables.customers c WHERE code = 'PGTAP-1')),
          'a Manager of pune does not see a goa customer');
SELECT ok(receivables.can_see((SELECT u FROM receivables.users u, people WHERE u.id = cm),
                              (SELECT c FROM receivables.customers c WHERE code = 'PGTAP-1')),
          'a Country Manager sees every customer');
SELECT is((SELECT region FROM receivables.users u, people WHERE u.id = mgr), 'pune',
          'regions are stored lower-case');

-- An invoice brought to what an upload lists: collections are payments, undone newest first.
CREATE TEMP TABLE inv AS
SELECT khata.create_book('t-receivables-app', 'app test', 'Asia/Kolkata') AS book;
ALTER TABLE inv ADD COLUMN doc bigint;
UPDATE inv SET doc = khata.create_document(book, 'invoice', 'CUST-1', 'INV-1', '2025-04-01',
                                           100000, '2025-04-30', 'INR');
SELECT receivables.set_outstanding(book, doc, 60000, '2025-05-31', 'test') FROM inv;
SELECT is((SELECT amount - settled FROM khata.documents d, inv WHERE d.id = inv.doc), 60000::bigint,
          'a lower amount is collected: the invoice owes what the file says');
SELECT receivables.set_outstanding(book, doc, 25000, '2025-06-30', 'test') FROM inv;
SELECT is((SELECT count(*) FROM khata.payments p, inv WHERE p.book_id = inv.book
           AND p.reversed_on IS NULL), 2::bigint, 'each collection is its own payment');
SELECT receivables.set_outstanding(book, doc, 80000, '2025-07-31', 'test') FROM inv;
SELECT is((SELECT amount - settled FROM khata.documents d, inv WHERE d.id = inv.doc), 80000::bigint,
          'a higher amount undoes collections, newest first, and collects the rest again');
SELECT is((SELECT array_agg(p.amount ORDER BY p.id) FROM khata.payments p, inv
           WHERE p.book_id = inv.book AND p.reversed_on IS NULL), ARRAY[20000]::bigint[],
          'owing 55000 more undid June''s 35000 and May''s 40000, then collected 20000 in July');
SELECT is((SELECT outstanding FROM khata.outstanding((SELECT book FROM inv), 'CUST-1', '2025-06-30')),
          25000::bigint, 'June still says what June said');
SELECT throws_ok($$ SELECT receivables.set_outstanding(book, doc, 100001, '2025-08-31', 'test') FROM inv $$,
                 '22K56', NULL, 'an invoice cannot owe more than its amount');

SELECT * FROM finish();
ROLLBACK;
