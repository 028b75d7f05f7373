-- Monthly outstanding uploads: each is one snapshot of what customers owe at a month's end.
-- Invoices are khata documents (kind 'invoice', party = customer code) in the book
-- 'receivables'; what a new snapshot says was collected is recorded as a payment allocated
-- to the invoice, dated the month's last day, so khata.aging as of any month end is exact.

CREATE TABLE receivables.uploads (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  financial_year text NOT NULL CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),
  month int NOT NULL CHECK (month BETWEEN 1 AND 12),
  period date NOT NULL UNIQUE,           -- the month's first day
  as_of date NOT NULL,                   -- its last day: the date of the snapshot
  filename text,
  rows int NOT NULL,
  uploaded_by bigint REFERENCES receivables.users (id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  changes jsonb NOT NULL
);

COMMENT ON TABLE receivables.uploads IS
  'One row per month uploaded, in month order: the snapshot''s date and what changed since '
  'the previous month''s upload.';

CREATE TABLE receivables.upload_invoices (
  upload_id bigint NOT NULL REFERENCES receivables.uploads (id),
  document_id bigint NOT NULL,
  customer_id bigint NOT NULL REFERENCES receivables.customers (id),
  invoice_number text NOT NULL,
  department text,
  outstanding bigint NOT NULL CHECK (outstanding > 0),
  due_date date NOT NULL,
  bucket text NOT NULL,
  line int NOT NULL,
  PRIMARY KEY (upload_id, document_id)
);

CREATE INDEX upload_invoices_customer_idx ON receivables.upload_invoices (customer_id, upload_id);

COMMENT ON TABLE receivables.upload_invoices IS
  'The invoices an upload listed, with the outstanding amount (minor units) and age bucket '
  'the file gave them on the snapshot date.';

CREATE FUNCTION receivables.book()
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found_id bigint;
BEGIN
  SELECT b.id INTO found_id FROM khata.books b WHERE b.code = 'receivables';
  IF found_id IS NULL THEN
    found_id := khata.create_book('receivables', 'Outstanding tracker', 'Asia/Kolkata');
  END IF;
  RETURN found_id;
END
$$;

COMMENT ON FUNCTION receivables.book() IS
  'The khata book holding the tracker''s invoices (code receivables), created on first use.';

CREATE FUNCTION receivables.book_if_any()
RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT b.id FROM khata.books b WHERE b.code = 'receivables'
$$;

COMMENT ON FUNCTION receivables.book_if_any() IS
  'The tracker''s book, or NULL before the first upload (reads run read-only).';

CREATE FUNCTION receivables.period(month text, financial_year text)
RETURNS date
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  fy text[] := regexp_match(btrim(financial_year), '^([0-9]{4})-([0-9]{2}|[0-9]{4})$');
  m text := lower(btrim(month));
  start_year int;
  year int;
  n int;
  ym text[];
BEGIN
  IF fy IS NULL OR m IS NULL OR m = '' THEN
    RETURN NULL;
  END IF;
  start_year := fy[1]::int;
  IF right(fy[2], 2)::int <> (start_year + 1) % 100 THEN
    RETURN NULL;
  END IF;
  ym := regexp_match(m, '^([0-9]{4})-([0-9]{1,2})$');
  IF ym IS NOT NULL THEN
    n := ym[2]::int;
  ELSIF m ~ '^[0-9]{1,2}$' THEN
    n := m::int;
  ELSE
    n := array_position(ARRAY['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep',
                              'oct', 'nov', 'dec'], left(m, 3));
    IF n IS NULL OR (length(m) > 3 AND m <> lower(to_char(make_date(2000, n, 1), 'FMMonth'))
                     AND m <> left(m, 3) || '.' AND NOT (n = 9 AND m = 'sept')) THEN
      RETURN NULL;
    END IF;
  END IF;
  IF n NOT BETWEEN 1 AND 12 THEN
    RETURN NULL;
  END IF;
  -- The financial year runs April to March.
  year := start_year + (n < 4)::int;
  IF ym IS NOT NULL AND ym[1]::int <> year THEN
    RETURN NULL;
  END IF;
  RETURN make_date(year, n, 1);
END
$$;

COMMENT ON FUNCTION receivables.period(text, text) IS
  'First day of a month of a financial year (April to March): (''April'', ''2025-26'') is '
  '2025-04-01, (''Jan'', ''2025-26'') 2026-01-01. month: a name, its 3 letters, 1-12 or '
  'YYYY-MM; NULL when either is not understood.';

CREATE FUNCTION receivables.financial_year(day date)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT format('%s-%s', y, lpad(((y + 1) % 100)::text, 2, '0'))
  FROM (SELECT CASE WHEN extract(month FROM day) >= 4 THEN extract(year FROM day)::int
                    ELSE extract(year FROM day)::int - 1 END AS y) s
$$;

COMMENT ON FUNCTION receivables.financial_year(date) IS
  'The financial year (April to March) of a date: 2026-01-15 is 2025-26.';

CREATE FUNCTION receivables.age_bucket(as_of date, due_date date)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN due_date >= as_of THEN 'current'
              ELSE (ARRAY['0-30', '31-60', '61-90', '90+'])[
                     khata.aging_bucket(as_of - due_date, '{30,60,90}')] END
$$;

COMMENT ON FUNCTION receivables.age_bucket(date, date) IS
  'The tracker''s age bucket on a date, as khata.aging counts it: current (not yet due), '
  '0-30, 31-60, 61-90 or 90+ days past the due date.';

CREATE FUNCTION receivables.working_date()
RETURNS date
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(max(u.as_of), CURRENT_DATE) FROM receivables.uploads u
$$;

COMMENT ON FUNCTION receivables.working_date() IS
  'The date follow-up changes (disputes, payments marked) take effect: the latest snapshot''s '
  'date, so the latest month''s dashboard shows them; today before any upload.';

-- Brings an invoice's outstanding to target on a date: a payment allocated to it for a
-- decrease; for an increase, its payments are reversed, newest first, then the rest paid.
CREATE FUNCTION receivables.set_outstanding(book bigint, document bigint, target bigint,
                                            on_date date, reference text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d khata.documents := khata.lock_document(book, document);
  owed bigint := d.amount - d.settled;
  p record;
  pay jsonb;
BEGIN
  IF target > d.amount THEN
    RAISE EXCEPTION 'invoice % cannot owe % of its amount %', d.number, target, d.amount
      USING ERRCODE = '22K56';
  END IF;
  FOR p IN SELECT DISTINCT pm.id, pm.received_on FROM khata.payments pm
           JOIN khata.allocations a ON a.book_id = pm.book_id AND a.payment_id = pm.id
           WHERE pm.book_id = book AND a.document_id = document AND a.reversed_on IS NULL
             AND pm.reversed_on IS NULL
           ORDER BY pm.id DESC
  LOOP
    EXIT WHEN owed >= target;
    PERFORM khata.reverse_payment(book, p.id, greatest(on_date, p.received_on));
    SELECT x.amount - x.settled INTO owed FROM khata.documents x
    WHERE x.book_id = book AND x.id = document;
  END LOOP;
  IF owed > target THEN
    pay := khata.record_payment(book, reference || ':' || document || ':' || gen_random_uuid(),
                                d.party, owed - target, greatest(on_date, d.document_date), 'INR',
                                false, jsonb_build_object('invoice', d.number));
    PERFORM khata.allocate_payment(book, (pay ->> 'payment_id')::bigint,
      jsonb_build_array(jsonb_build_object('document_id', document, 'amount', owed - target)),
      greatest(on_date, d.document_date));
  END IF;
END
$$;

COMMENT ON FUNCTION receivables.set_outstanding(bigint, bigint, bigint, date, text) IS
  'Makes an invoice owe target (minor units) from on_date: records a payment allocated to it '
  'for what was collected, or reverses its payments when it owes more again. 22K56 when '
  'target is above the invoice''s amount.';
