-- 1,000,000 documents over 10,000 parties in book bench-aging, as the receivables functions
-- leave them: 70% paid (by 2025-12-31 or after it), 10% partially paid, 5% disputed, the rest
-- open; one payment and one allocation per paid or partially paid document. Dated 2024-2025.
-- Written directly (no ledger journals): only the tables aging reads matter here.
\set ON_ERROR_STOP 1
SELECT khata.create_book('bench-aging', 'aging benchmark') AS book \gset
BEGIN;
CREATE TEMP TABLE gen ON COMMIT DROP AS
SELECT g,
       'P' || lpad((g % 10000)::text, 5, '0') AS party,
       '2024-01-01'::date + (g % 730) AS document_date,
       1000 + (g::bigint * 7919) % 999000 AS amount,
       -- every party has documents in every status, interleaved on disk
       CASE WHEN (g + g / 10000) % 20 < 14 THEN 'paid'
            WHEN (g + g / 10000) % 20 < 16 THEN 'partially_paid'
            WHEN (g + g / 10000) % 20 = 16 THEN 'disputed' ELSE 'open' END AS status,
       (ARRAY['dhaka','chattogram','khulna','rajshahi','sylhet','barishal','rangpur','mymensingh'])
         [1 + g % 8] AS region
FROM generate_series(1, 1000000) g;

INSERT INTO khata.documents (book_id, id, kind, party, number, document_date, due_date, amount,
  currency, status, status_since, settled, settled_through, open_until, dimensions)
OVERRIDING SYSTEM VALUE
SELECT :book, g, 'invoice', party, 'INV-' || g, document_date, document_date + 30, amount, 'BDT',
       status,
       CASE status WHEN 'paid' THEN document_date + 10 + g % 60
                   WHEN 'partially_paid' THEN document_date + 10
                   WHEN 'disputed' THEN document_date + 40 ELSE document_date END,
       CASE status WHEN 'paid' THEN amount WHEN 'partially_paid' THEN amount / 2 ELSE 0 END,
       CASE status WHEN 'paid' THEN document_date + 10 + g % 60
                   WHEN 'partially_paid' THEN document_date + 10 END,
       CASE status WHEN 'paid' THEN document_date + 10 + g % 60 ELSE 'infinity' END,
       jsonb_build_object('region', region)
FROM gen;

INSERT INTO khata.document_status_history (book_id, document_id, from_status, to_status,
                                           effective_on)
SELECT :book, g, NULL, 'open', document_date FROM gen
UNION ALL
SELECT :book, g, 'open', status,
       CASE status WHEN 'paid' THEN document_date + 10 + g % 60
                   WHEN 'partially_paid' THEN document_date + 10 ELSE document_date + 40 END
FROM gen WHERE status <> 'open';

INSERT INTO khata.payments (book_id, id, external_ref, party, amount, currency, received_on,
                            allocated, cash_account, receivable_account)
OVERRIDING SYSTEM VALUE
SELECT :book, g, 'PAY-' || g, party, settled, 'BDT', settled_through, settled,
       'receivables:cash:BDT', 'receivables:party:' || party || ':BDT'
FROM (SELECT g, party, CASE status WHEN 'paid' THEN amount ELSE amount / 2 END AS settled,
             CASE status WHEN 'paid' THEN document_date + 10 + g % 60
                         ELSE document_date + 10 END AS settled_through
      FROM gen WHERE status IN ('paid', 'partially_paid')) s;

INSERT INTO khata.allocations (book_id, payment_id, document_id, amount, effective_on)
SELECT :book, id, id, amount, received_on FROM khata.payments WHERE book_id = :book;
COMMIT;
VACUUM ANALYZE khata.documents, khata.payments, khata.allocations, khata.document_status_history;
SELECT setval(pg_get_serial_sequence('khata.' || t, 'id'), (SELECT max(id) FROM khata.documents))
FROM unnest('{documents,payments}'::text[]) t;
