-- Receivables: documents owed by a party (invoices, bills, installments...), payments that
-- settle them, allocations between the two, and aging as of any date.
--
-- A document's outstanding is its amount less its active allocations (payment plus early-
-- payment discount). The columns settled, settled_through, status_since and open_until are
-- kept by the functions below so that a report for today reads documents alone, and a report
-- for a past date looks back into allocations and status history only for documents that
-- changed after it.
--
-- Money moves in the ledger: a payment posts cash (debit) against the party's receivable
-- account (credit), an early-payment discount posts discounts allowed against it, and a
-- reversal posts the mirror journals. Accounts are passed in by code or created per party.

CREATE TABLE khata.documents (
  book_id bigint NOT NULL REFERENCES khata.books (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,31}$'),
  party text NOT NULL CHECK (party <> ''),
  number text NOT NULL CHECK (number <> ''),
  document_date date NOT NULL,
  due_date date NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status text NOT NULL DEFAULT 'open' CHECK (status IN
    ('open', 'partially_paid', 'paid', 'disputed', 'written_off', 'expired', 'void')),
  status_since date NOT NULL,            -- effective date of the last status change
  days_to_due int,                       -- payment terms, when the document has them
  discount_basis_points int NOT NULL DEFAULT 0,
  discount_days int NOT NULL DEFAULT 0,
  settled bigint NOT NULL DEFAULT 0,     -- active allocations: paid plus discount
  discount_taken bigint NOT NULL DEFAULT 0,
  settled_through date,                  -- the last date an allocation began or ended
  open_until date NOT NULL DEFAULT 'infinity',  -- owes nothing from this date on
  dimensions jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(dimensions) = 'object'),
  metadata jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book_id, id),
  UNIQUE (book_id, kind, number),
  CHECK (due_date >= document_date),
  CHECK (settled BETWEEN 0 AND amount),
  CHECK (discount_taken BETWEEN 0 AND settled)
);

COMMENT ON TABLE khata.documents IS
  'What a party owes: invoices, bills, installments... amount in minor units. '
  'Change them through khata.create_document, khata.allocate_payment and '
  'khata.set_document_status, which keep settled, status and open_until true.';

-- Aging reads only documents still owing at the report date.
CREATE INDEX documents_open_idx ON khata.documents (book_id, open_until);
-- FIFO allocation and khata.outstanding for one party.
CREATE INDEX documents_party_idx ON khata.documents (book_id, party, due_date);

CREATE TABLE khata.document_status_history (
  book_id bigint NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  document_id bigint NOT NULL,
  from_status text,
  to_status text NOT NULL,
  effective_on date NOT NULL,
  reason text,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book_id, id),
  FOREIGN KEY (book_id, document_id) REFERENCES khata.documents (book_id, id)
);

-- A report for a past date reads a document's status then from this index alone.
CREATE INDEX document_status_history_document_idx
  ON khata.document_status_history (book_id, document_id, effective_on, id) INCLUDE (to_status);

COMMENT ON TABLE khata.document_status_history IS
  'Every status a document took, with the date it took effect; reports for a past date read it.';

CREATE TABLE khata.payments (
  book_id bigint NOT NULL REFERENCES khata.books (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  external_ref text NOT NULL CHECK (external_ref <> ''),
  party text NOT NULL CHECK (party <> ''),
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  received_on date NOT NULL,
  allocated bigint NOT NULL DEFAULT 0,
  reversed_on date,
  cash_account text NOT NULL,            -- ledger account codes the payment posted to
  receivable_account text NOT NULL,
  journal_id bigint,                     -- khata.journals: the payment, and its reversal
  reversal_journal_id bigint,
  metadata jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book_id, id),
  UNIQUE (book_id, external_ref),
  CHECK (allocated BETWEEN 0 AND amount)
);

CREATE INDEX payments_party_idx ON khata.payments (book_id, party, received_on);

COMMENT ON TABLE khata.payments IS
  'Money received from a party, once per external reference; what is not allocated to its '
  'documents is credit on the party.';

CREATE TABLE khata.allocations (
  book_id bigint NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  payment_id bigint NOT NULL,
  document_id bigint NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  discount bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
  effective_on date NOT NULL,
  reversed_on date,
  discount_journal_id bigint,            -- khata.journals: the discount posted
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book_id, id),
  FOREIGN KEY (book_id, payment_id) REFERENCES khata.payments (book_id, id),
  FOREIGN KEY (book_id, document_id) REFERENCES khata.documents (book_id, id),
  CHECK (amount + discount > 0),
  CHECK (reversed_on IS NULL OR reversed_on >= effective_on)
);

-- A report for a past date sums a document's allocations then from this index alone.
CREATE INDEX allocations_document_idx ON khata.allocations (book_id, document_id)
  INCLUDE (amount, discount, effective_on, reversed_on);
CREATE INDEX allocations_payment_idx ON khata.allocations (book_id, payment_id);

COMMENT ON TABLE khata.allocations IS
  'How much of a payment settles which document, from effective_on until reversed_on. '
  'discount is what the early-payment terms forgave on top of amount.';

-- No statistics on book_id in the receivables tables. Every index leads with book_id, so a
-- lookup by a book and a key may use any of them, and the planner picks by its estimate of
-- the book's rows. A book the statistics have not seen (a tenant whose first upload is under
-- way, next to a large one) is estimated at one row: a bills upload then read each document
-- through an index that matched the book alone and scanned the whole book for every line
-- (10,000 bills in 18 s, the next version in 189 s, next to 1,000,000 documents of another
-- book; 4.8 s and 7 s without these statistics). Without them a book is estimated at a fixed
-- share of the table, and the index that matches the whole key wins.
ALTER TABLE khata.documents ALTER COLUMN book_id SET STATISTICS 0;
ALTER TABLE khata.document_status_history ALTER COLUMN book_id SET STATISTICS 0;
ALTER TABLE khata.payments ALTER COLUMN book_id SET STATISTICS 0;
ALTER TABLE khata.allocations ALTER COLUMN book_id SET STATISTICS 0;

-- --- rules, in C++ ---------------------------------------------------------------------------

CREATE FUNCTION khata.aging_bucket(days_past_due int, buckets int[])
RETURNS int
AS 'MODULE_PATHNAME', 'khata_aging_bucket'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.aging_bucket(int, int[]) IS
  'Aging bucket of a number of days past due: 0 when not yet due, then 1 for 1-30, 2 for '
  '31-60, 3 for 61-90 and 4 for 91+ with buckets ''{30,60,90}''.';

CREATE FUNCTION khata.aging_bucket_labels(buckets int[])
RETURNS text[]
AS 'MODULE_PATHNAME', 'khata_aging_bucket_labels'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.aging_bucket_labels(int[]) IS
  'Names of the aging buckets: {not_due,1-30,31-60,61-90,91+} for ''{30,60,90}''. Bounds '
  'that are not increasing positive days raise 22K40.';

CREATE FUNCTION khata.check_payment_terms(days_to_due int, discount_basis_points int,
                                          discount_days int)
RETURNS boolean
AS 'MODULE_PATHNAME', 'khata_check_payment_terms'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.check_payment_terms(int, int, int) IS
  'True for valid payment terms, else raises 22K42: days between 0 and 36500, a discount '
  'below 100% (10000 basis points) whose window is no longer than the time to due.';

CREATE FUNCTION khata.document_transition(current_status text, requested text, amount bigint,
                                          settled bigint)
RETURNS text
AS 'MODULE_PATHNAME', 'khata_document_transition'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.document_transition(text, text, bigint, bigint) IS
  'The status a document moves to when asked for another: ''open'' resolves a dispute or '
  'reinstates to open, partially_paid or paid by the amounts. Refusals raise 23K40 (not '
  'allowed) or 23K41 (it has payments: reverse them first); unknown names 22K45.';

CREATE FUNCTION khata.allocation_plan(available bigint, documents jsonb, allocations jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_allocation_plan'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION khata.allocation_plan(bigint, jsonb, jsonb) IS
  'Splits an available payment over documents [{id, amount, outstanding, status, '
  'discount_basis_points, discount_days, days_since_document, discount_taken}], oldest '
  'first (FIFO) when allocations is NULL, else as [{document_id, amount}] asks. Returns '
  '{allocations: [{document_id, amount, discount}], unallocated}. Refusals: 22K44, 23K42-23K44.';

-- --- documents ------------------------------------------------------------------------------

CREATE FUNCTION khata.create_document(
  book bigint, kind text, party text, number text, document_date date, amount bigint,
  due_date date DEFAULT NULL, currency text DEFAULT 'BDT', terms jsonb DEFAULT NULL,
  dimensions jsonb DEFAULT '{}', metadata jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  days_to_due int;
  basis_points int := 0;
  window_days int := 0;
  due date := due_date;
  new_id bigint;
BEGIN
  IF book IS NULL OR kind IS NULL OR party IS NULL OR number IS NULL OR document_date IS NULL
     OR amount IS NULL THEN
    RAISE EXCEPTION 'book, kind, party, number, document_date and amount are required'
      USING ERRCODE = '22K43';
  END IF;
  IF amount <= 0 THEN
    RAISE EXCEPTION 'a document amount must be positive, not %', amount USING ERRCODE = '22K43',
      HINT = 'a credit note is recorded with khata.record_credit_note';
  END IF;
  IF kind !~ '^[a-z][a-z0-9_]{0,31}$' THEN
    RAISE EXCEPTION 'document kind "%" is not a lower-case name', kind USING ERRCODE = '22K43',
      HINT = 'such as invoice, bill, installment';
  END IF;
  IF btrim(party) = '' OR btrim(number) = '' THEN
    RAISE EXCEPTION 'party and number must not be empty' USING ERRCODE = '22K43';
  END IF;
  IF kind = 'credit_note' THEN
    RAISE EXCEPTION 'a credit note is not owed by the party: it settles what the party owes'
      USING ERRCODE = '22K43', HINT = 'record it with khata.record_credit_note';
  END IF;
  IF currency IS NULL OR currency !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION 'currency "%" is not an ISO 4217 code', currency USING ERRCODE = '22K43';
  END IF;
  IF dimensions IS NULL OR jsonb_typeof(dimensions) <> 'object' THEN
    RAISE EXCEPTION 'dimensions must be a JSON object' USING ERRCODE = '22K43';
  END IF;
  IF terms IS NOT NULL THEN
    IF jsonb_typeof(terms) <> 'object'
       OR EXISTS (SELECT 1 FROM jsonb_object_keys(terms) k
                  WHERE k NOT IN ('days_to_due', 'discount_percent', 'discount_days')) THEN
      RAISE EXCEPTION 'payment terms are {days_to_due, discount_percent, discount_days}'
        USING ERRCODE = '22K42', DETAIL = terms::text;
    END IF;
    BEGIN
      days_to_due := (terms ->> 'days_to_due')::int;
      window_days := coalesce((terms ->> 'discount_days')::int, 0);
      -- 2.5 (%) is 250 basis points, exactly; a third decimal is refused, never rounded.
      basis_points := coalesce(khata.parse_amount(terms ->> 'discount_percent', 2), 0);
    EXCEPTION WHEN data_exception THEN
      RAISE EXCEPTION 'payment terms hold whole days and a percentage with at most 2 decimals'
        USING ERRCODE = '22K42', DETAIL = terms::text;
    END;
    IF basis_points > 0 AND terms ->> 'discount_days' IS NULL THEN
      RAISE EXCEPTION 'an early-payment discount needs discount_days' USING ERRCODE = '22K42';
    END IF;
    PERFORM khata.check_payment_terms(coalesce(days_to_due, 0), basis_points, window_days);
  END IF;
  IF due IS NULL THEN
    due := document_date + coalesce(days_to_due, 0);
  ELSIF days_to_due IS NOT NULL AND due <> document_date + days_to_due THEN
    RAISE EXCEPTION 'due_date % disagrees with the terms (% days after %)', due, days_to_due,
      document_date USING ERRCODE = '22K43';
  END IF;
  IF due < document_date THEN
    RAISE EXCEPTION 'due_date % is before document_date %', due, document_date
      USING ERRCODE = '22K43';
  END IF;

  INSERT INTO khata.documents AS d (book_id, kind, party, number, document_date, due_date,
    amount, currency, status_since, days_to_due, discount_basis_points, discount_days,
    dimensions, metadata)
  VALUES (book, kind, party, number, document_date, due, amount, currency, document_date,
    days_to_due, basis_points, window_days, dimensions, metadata)
  RETURNING d.id INTO new_id;
  INSERT INTO khata.document_status_history (book_id, document_id, from_status, to_status,
                                             effective_on)
  VALUES (book, new_id, NULL, 'open', document_date);
  RETURN new_id;
END
$$;

COMMENT ON FUNCTION khata.create_document(bigint, text, text, text, date, bigint, date, text,
                                          jsonb, jsonb, jsonb) IS
  'Records a document a party owes; returns its id. kind such as invoice, bill, installment; '
  'number unique per book and kind (23505); terms {"days_to_due": 30, "discount_percent": 2, '
  '"discount_days": 10} set the due date when due_date is NULL and allow an early-payment '
  'discount; dimensions {"region": ..., "assignee": ...} can group reports. Invalid input '
  'raises 22K43, invalid terms 22K42.';

-- The row lock every change of a document starts with; P0002 when there is no such document.
CREATE FUNCTION khata.lock_document(book bigint, document bigint)
RETURNS khata.documents
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d khata.documents;
BEGIN
  SELECT * INTO d FROM khata.documents WHERE book_id = book AND id = document FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'document % not found in book %', document, book USING ERRCODE = 'P0002';
  END IF;
  RETURN d;
END
$$;

COMMENT ON FUNCTION khata.lock_document(bigint, bigint) IS
  'Locks a document row for the rest of the transaction and returns it; P0002 if absent.';

CREATE FUNCTION khata.set_document_status(book bigint, document bigint, status text,
                                          reason text DEFAULT NULL,
                                          effective_on date DEFAULT CURRENT_DATE)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d khata.documents := khata.lock_document(book, document);
  new_status text;
BEGIN
  new_status := khata.document_transition(d.status, status, d.amount, d.settled);
  IF new_status = d.status THEN
    RETURN new_status;
  END IF;
  IF effective_on IS NULL OR effective_on < d.status_since THEN
    RAISE EXCEPTION 'a status change cannot take effect before the last one (%)', d.status_since
      USING ERRCODE = '22K46';
  END IF;
  UPDATE khata.documents AS u
  SET status = new_status,
      status_since = effective_on,
      open_until = CASE WHEN new_status IN ('written_off', 'expired', 'void') THEN effective_on
                        WHEN new_status = 'paid' THEN u.open_until
                        ELSE 'infinity' END
  WHERE u.book_id = book AND u.id = document;
  INSERT INTO khata.document_status_history (book_id, document_id, from_status, to_status,
                                             effective_on, reason)
  VALUES (book, document, d.status, new_status, effective_on, reason);
  RETURN new_status;
END
$$;

COMMENT ON FUNCTION khata.set_document_status(bigint, bigint, text, text, date) IS
  'Moves a document to disputed, written_off, expired or void, or back to open (resolving a '
  'dispute or reinstating: it becomes open, partially_paid or paid by its payments); returns '
  'the new status. Refusals: 23K40 (not allowed from its status), 23K41 (paid or with '
  'payments: reverse them first), 22K46 (dated before its last change), P0002.';

-- --- payments and allocation ----------------------------------------------------------------

CREATE FUNCTION khata.receivables_account(book bigint, code text, name text, type text,
                                          currency text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM khata.accounts a
                 WHERE a.book_id = book AND a.code = receivables_account.code) THEN
    BEGIN
      PERFORM khata.create_account(book, code, name, type, currency);
    EXCEPTION WHEN SQLSTATE '23K05' OR unique_violation THEN
      NULL;  -- a concurrent payment created it first
    END;
  END IF;
  RETURN code;
END
$$;

COMMENT ON FUNCTION khata.receivables_account(bigint, text, text, text, text) IS
  'The ledger account of this code, created (type, currency) when the book has none yet; '
  'returns the code. Used for the accounts payments post to when none is passed in: '
  'receivables:cash:CUR, receivables:party:PARTY:CUR and receivables:discounts:CUR.';

-- Midnight of a date in the book's time zone: when a dated receivables event posts.
CREATE FUNCTION khata.receivables_posting_time(book bigint, day date)
RETURNS timestamptz
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT day::timestamp AT TIME ZONE b.timezone FROM khata.books b WHERE b.id = book
$$;

COMMENT ON FUNCTION khata.receivables_posting_time(bigint, date) IS
  'Start of the day in the book''s time zone: the effective_at of receivables journals.';

-- Records the plan's allocations: one row each, then the documents' settled amounts and
-- statuses and the payment's allocated total. Documents are locked by the caller.
CREATE FUNCTION khata.apply_allocation_plan(book bigint, payment khata.payments, plan jsonb,
                                            effective_on date)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a record;
  d khata.documents;
  eff date;
  new_status text;
  allocation_id bigint;
  discounts text;
  journal jsonb;
  total bigint := 0;
BEGIN
  FOR a IN SELECT * FROM jsonb_to_recordset(plan -> 'allocations')
                         AS x(document_id bigint, amount bigint, discount bigint)
  LOOP
    SELECT * INTO STRICT d FROM khata.documents WHERE book_id = book AND id = a.document_id;
    -- An allocation counts from when both the payment and the document exist.
    eff := greatest(effective_on, d.document_date);
    INSERT INTO khata.allocations AS x (book_id, payment_id, document_id, amount, discount,
                                        effective_on)
    VALUES (book, payment.id, d.id, a.amount, a.discount, eff)
    RETURNING x.id INTO allocation_id;
    IF a.discount > 0 THEN
      -- The forgiven part leaves the party's receivable as a discount allowed (an expense).
      discounts := khata.receivables_account(book, 'receivables:discounts:' || payment.currency,
                                             'Early-payment discounts allowed', 'expense',
                                             payment.currency);
      journal := khata.post_journal(book, 'receivables:discount:' || allocation_id,
        jsonb_build_array(jsonb_build_object('account', discounts, 'debit', a.discount),
                          jsonb_build_object('account', payment.receivable_account,
                                             'credit', a.discount)),
        format('early-payment discount on %s %s', d.kind, d.number),
        jsonb_build_object('document_id', d.id, 'payment_id', payment.id),
        khata.receivables_posting_time(book, eff));
      UPDATE khata.allocations x SET discount_journal_id = (journal ->> 'journal_id')::bigint
      WHERE x.book_id = book AND x.id = allocation_id;
    END IF;
    new_status := CASE WHEN d.settled + a.amount + a.discount >= d.amount THEN 'paid'
                 WHEN d.status = 'disputed' THEN 'disputed'
                 ELSE 'partially_paid' END;
    UPDATE khata.documents AS u
    SET settled = u.settled + a.amount + a.discount,
        discount_taken = u.discount_taken + a.discount,
        settled_through = greatest(u.settled_through, eff),
        open_until = CASE WHEN new_status = 'paid' THEN eff ELSE u.open_until END,
        status = new_status,
        status_since = CASE WHEN new_status = d.status THEN u.status_since
                            ELSE greatest(u.status_since, eff) END
    WHERE u.book_id = book AND u.id = d.id;
    IF new_status <> d.status THEN
      INSERT INTO khata.document_status_history (book_id, document_id, from_status, to_status,
                                                 effective_on, reason)
      VALUES (book, d.id, d.status, new_status, greatest(d.status_since, eff),
              'payment ' || payment.external_ref);
    END IF;
    total := total + a.amount;
  END LOOP;
  UPDATE khata.payments AS p SET allocated = p.allocated + total
  WHERE p.book_id = book AND p.id = payment.id;
END
$$;

COMMENT ON FUNCTION khata.apply_allocation_plan(bigint, khata.payments, jsonb, date) IS
  'Internal to khata.allocate_payment: writes an allocation plan of locked documents.';

CREATE FUNCTION khata.allocate_payment(book bigint, payment bigint, allocations jsonb DEFAULT NULL,
                                       effective_on date DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p khata.payments;
  eff date;
  ids bigint[];
  documents jsonb;
  plan jsonb;
BEGIN
  SELECT * INTO p FROM khata.payments WHERE book_id = book AND id = payment FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'payment % not found in book %', payment, book USING ERRCODE = 'P0002';
  END IF;
  IF p.reversed_on IS NOT NULL THEN
    RAISE EXCEPTION 'payment % was reversed on %', p.external_ref, p.reversed_on
      USING ERRCODE = '23K45';
  END IF;
  IF allocations IS NOT NULL AND jsonb_typeof(allocations) <> 'array' THEN
    RAISE EXCEPTION 'allocations must be [{"document_id": ..., "amount": ...}]'
      USING ERRCODE = '22K44';
  END IF;
  eff := coalesce(effective_on, greatest(p.received_on, CURRENT_DATE));
  IF eff < p.received_on THEN
    RAISE EXCEPTION 'an allocation cannot take effect before the payment was received (%)',
      p.received_on USING ERRCODE = '22K46';
  END IF;

  -- Lock the candidate documents in id order (payment first, then documents: no deadlock),
  -- then read them again: a concurrent allocation may have changed them while we waited.
  IF allocations IS NULL THEN
    SELECT array_agg(l.id) INTO ids FROM (
      SELECT d.id FROM khata.documents d
      WHERE d.book_id = book AND d.party = p.party AND d.currency = p.currency
        AND d.status IN ('open', 'partially_paid')
      ORDER BY d.id FOR UPDATE) l;
  ELSE
    SELECT array_agg(l.id) INTO ids FROM (
      SELECT d.id FROM khata.documents d
      WHERE d.book_id = book AND d.party = p.party AND d.currency = p.currency
        AND d.id IN (SELECT (r ->> 'document_id')::bigint FROM jsonb_array_elements(allocations) r
                     WHERE jsonb_typeof(r -> 'document_id') = 'number')
      ORDER BY d.id FOR UPDATE) l;
  END IF;

  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', d.id, 'amount', d.amount, 'outstanding', d.amount - d.settled,
           'status', d.status, 'discount_basis_points', d.discount_basis_points,
           'discount_days', d.discount_days,
           'days_since_document', p.received_on - d.document_date,
           'discount_taken', d.discount_taken > 0)
         ORDER BY d.due_date, d.document_date, d.id), '[]')
  INTO documents
  FROM khata.documents d
  WHERE d.book_id = book AND d.id = ANY (coalesce(ids, '{}'))
    AND (allocations IS NOT NULL OR d.status IN ('open', 'partially_paid'));

  plan := khata.allocation_plan(p.amount - p.allocated, documents, allocations);
  PERFORM khata.apply_allocation_plan(book, p, plan, eff);
  RETURN jsonb_build_object('payment_id', p.id, 'allocations', plan -> 'allocations',
                            'unallocated', plan -> 'unallocated');
END
$$;

COMMENT ON FUNCTION khata.allocate_payment(bigint, bigint, jsonb, date) IS
  'Allocates what is left of a payment to its party''s documents in its currency: oldest due '
  'first (FIFO, passing over disputed and closed documents) when allocations is NULL, else '
  '[{"document_id": 7, "amount": 5000}]. An early-payment discount is applied when the '
  'payment date is within the terms and it settles the document. effective_on (default '
  'today, never before the payment) dates the allocations for reports. Returns {payment_id, '
  'allocations, unallocated}. Refusals: 22K44, 22K46, 23K42-23K45, P0002.';

CREATE FUNCTION khata.record_payment(book bigint, external_ref text, party text, amount bigint,
                                     received_on date DEFAULT CURRENT_DATE,
                                     currency text DEFAULT 'BDT', allocate boolean DEFAULT true,
                                     metadata jsonb DEFAULT NULL, cash_account text DEFAULT NULL,
                                     receivable_account text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p khata.payments;
  journal jsonb;
BEGIN
  IF book IS NULL OR external_ref IS NULL OR btrim(external_ref) = '' OR party IS NULL
     OR btrim(party) = '' OR amount IS NULL OR received_on IS NULL THEN
    RAISE EXCEPTION 'book, external_ref, party, amount and received_on are required'
      USING ERRCODE = '22K47';
  END IF;
  IF amount <= 0 THEN
    RAISE EXCEPTION 'a payment amount must be positive, not %', amount USING ERRCODE = '22K47';
  END IF;
  IF currency IS NULL OR currency !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION 'currency "%" is not an ISO 4217 code', currency USING ERRCODE = '22K47';
  END IF;

  IF NOT EXISTS (SELECT 1 FROM khata.books b WHERE b.id = book) THEN
    RAISE EXCEPTION 'unknown book %', book USING ERRCODE = '22K08';
  END IF;

  INSERT INTO khata.payments AS x (book_id, external_ref, party, amount, currency, received_on,
                                   cash_account, receivable_account, metadata)
  VALUES (book, external_ref, party, amount, currency, received_on,
          coalesce(cash_account, 'receivables:cash:' || currency),
          coalesce(receivable_account, 'receivables:party:' || party || ':' || currency), metadata)
  ON CONFLICT ON CONSTRAINT payments_book_id_external_ref_key DO NOTHING
  RETURNING * INTO p;
  IF NOT FOUND THEN
    -- A repeat: the first payment with this reference is the answer, if it is the same one.
    SELECT * INTO STRICT p FROM khata.payments x
    WHERE x.book_id = book AND x.external_ref = record_payment.external_ref;
    IF (p.party, p.amount, p.currency, p.received_on)
       IS DISTINCT FROM (party, amount, currency, received_on)
       OR p.cash_account <> coalesce(cash_account, p.cash_account)
       OR p.receivable_account <> coalesce(receivable_account, p.receivable_account) THEN
      RAISE EXCEPTION 'external reference % was already used for another payment', external_ref
        USING ERRCODE = '23K46',
        DETAIL = format('recorded: %s %s %s from %s on %s', p.amount, p.currency, p.external_ref,
                        p.party, p.received_on);
    END IF;
    RETURN khata.payment_summary(book, p.id) || jsonb_build_object('repeated', true);
  END IF;

  -- Cash in, the party's receivable down. Accounts not passed in are the book's defaults.
  IF cash_account IS NULL THEN
    PERFORM khata.receivables_account(book, p.cash_account, 'Payments received', 'asset',
                                      currency);
  END IF;
  IF receivable_account IS NULL THEN
    PERFORM khata.receivables_account(book, p.receivable_account, 'Receivable from ' || party,
                                      'asset', currency);
  END IF;
  journal := khata.post_journal(book, 'receivables:payment:' || external_ref,
    jsonb_build_array(jsonb_build_object('account', p.cash_account, 'debit', amount),
                      jsonb_build_object('account', p.receivable_account, 'credit', amount)),
    format('payment %s from %s', external_ref, party), jsonb_build_object('payment_id', p.id),
    khata.receivables_posting_time(book, received_on));
  UPDATE khata.payments x SET journal_id = (journal ->> 'journal_id')::bigint
  WHERE x.book_id = book AND x.id = p.id;

  IF allocate THEN
    PERFORM khata.allocate_payment(book, p.id, NULL, received_on);
  END IF;
  RETURN khata.payment_summary(book, p.id) || jsonb_build_object('repeated', false);
END
$$;

CREATE FUNCTION khata.payment_summary(book bigint, payment bigint)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
    'payment_id', p.id, 'external_ref', p.external_ref, 'party', p.party,
    'amount', p.amount, 'currency', p.currency, 'received_on', p.received_on,
    'reversed_on', p.reversed_on, 'journal_id', p.journal_id,
    'reversal_journal_id', p.reversal_journal_id,
    'unallocated', CASE WHEN p.reversed_on IS NULL THEN p.amount - p.allocated ELSE 0 END,
    'allocations', coalesce((
      SELECT jsonb_agg(jsonb_build_object('document_id', a.document_id, 'amount', a.amount,
                                          'discount', a.discount, 'effective_on', a.effective_on,
                                          'reversed_on', a.reversed_on) ORDER BY a.id)
      FROM khata.allocations a WHERE a.book_id = p.book_id AND a.payment_id = p.id), '[]'))
  FROM khata.payments p WHERE p.book_id = book AND p.id = payment
$$;

COMMENT ON FUNCTION khata.payment_summary(bigint, bigint) IS
  'A payment with its allocations (reversed ones too) and what is left unallocated, as JSON.';

COMMENT ON FUNCTION khata.record_payment(bigint, text, text, bigint, date, text, boolean, jsonb,
                                         text, text) IS
  'Records a payment received from a party, once per external_ref, and posts it to the '
  'ledger: debit cash_account, credit receivable_account (account codes; by default '
  'receivables:cash:CUR and receivables:party:PARTY:CUR, created when missing). A repeat '
  'returns the first result ("repeated": true) and posts nothing; the same reference with '
  'other details raises 23K46. With allocate (the default) it is allocated FIFO at once, '
  'dated received_on; what is left stays as credit on the party. Returns '
  'khata.payment_summary. 22K47 invalid payment, 22K08 unknown book, ledger refusals as '
  'post_journal raises them (22K02 unknown account, 22K04 currency mismatch).';

CREATE FUNCTION khata.record_credit_note(book bigint, number text, party text, amount bigint,
                                         issued_on date DEFAULT CURRENT_DATE,
                                         currency text DEFAULT 'BDT',
                                         allocate boolean DEFAULT true,
                                         returns_account text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  account text := coalesce(returns_account, 'receivables:returns:' || currency);
BEGIN
  IF number IS NULL OR btrim(number) = '' THEN
    RAISE EXCEPTION 'a credit note needs a number' USING ERRCODE = '22K47';
  END IF;
  IF returns_account IS NULL AND currency ~ '^[A-Z]{3}$'
     AND EXISTS (SELECT 1 FROM khata.books b WHERE b.id = book) THEN
    -- Sales returns and allowances: a contra-income account, debited by credit notes.
    PERFORM khata.receivables_account(book, account, 'Sales returns and allowances', 'income',
                                      currency);
  END IF;
  RETURN khata.record_payment(book, 'credit-note:' || number, party, amount, issued_on, currency,
                              allocate, jsonb_build_object('credit_note', number), account);
END
$$;

COMMENT ON FUNCTION khata.record_credit_note(bigint, text, text, bigint, date, text, boolean, text) IS
  'Records a credit note: it settles what the party owes like a payment does (allocated FIFO '
  'unless allocate is false, the rest as credit), but posts debit returns_account (default '
  'receivables:returns:CUR, created when missing) instead of cash. Its external reference is '
  'credit-note:NUMBER, so recording it again is a repeat; khata.reverse_payment cancels it.';

CREATE FUNCTION khata.reverse_payment(book bigint, payment bigint,
                                      reversed_on date DEFAULT CURRENT_DATE)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p khata.payments;
  a record;
  d khata.documents;
  ended date;
  new_status text;
  journal jsonb;
BEGIN
  SELECT * INTO p FROM khata.payments WHERE book_id = book AND id = payment FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'payment % not found in book %', payment, book USING ERRCODE = 'P0002';
  END IF;
  IF p.reversed_on IS NOT NULL THEN
    RETURN khata.payment_summary(book, p.id);  -- reversed already: nothing more to undo
  END IF;
  IF reversed_on IS NULL OR reversed_on < p.received_on THEN
    RAISE EXCEPTION 'a reversal cannot take effect before the payment was received (%)',
      p.received_on USING ERRCODE = '22K46';
  END IF;
  PERFORM 1 FROM khata.documents x
  WHERE x.book_id = book
    AND x.id IN (SELECT al.document_id FROM khata.allocations al
                 WHERE al.book_id = book AND al.payment_id = p.id AND al.reversed_on IS NULL)
  ORDER BY x.id FOR UPDATE;

  FOR a IN SELECT * FROM khata.allocations al
           WHERE al.book_id = book AND al.payment_id = p.id AND al.reversed_on IS NULL
           ORDER BY al.id
  LOOP
    ended := greatest(reverse_payment.reversed_on, a.effective_on);
    UPDATE khata.allocations al SET reversed_on = ended WHERE al.book_id = book AND al.id = a.id;
    IF a.discount_journal_id IS NOT NULL THEN
      PERFORM khata.reverse_journal(a.discount_journal_id,
                                    'receivables:discount-reversal:' || a.id);
    END IF;
    SELECT * INTO STRICT d FROM khata.documents x WHERE x.book_id = book AND x.id = a.document_id;
    new_status := CASE WHEN d.status IN ('disputed', 'written_off', 'expired', 'void') THEN d.status
                 WHEN d.settled - a.amount - a.discount > 0 THEN 'partially_paid'
                 ELSE 'open' END;
    UPDATE khata.documents AS u
    SET settled = u.settled - a.amount - a.discount,
        discount_taken = u.discount_taken - a.discount,
        settled_through = greatest(u.settled_through, ended),
        open_until = CASE WHEN new_status IN ('written_off', 'expired', 'void') THEN u.open_until
                          ELSE 'infinity' END,
        status = new_status,
        status_since = CASE WHEN new_status = d.status THEN u.status_since
                            ELSE greatest(u.status_since, ended) END
    WHERE u.book_id = book AND u.id = d.id;
    IF new_status <> d.status THEN
      INSERT INTO khata.document_status_history (book_id, document_id, from_status, to_status,
                                                 effective_on, reason)
      VALUES (book, d.id, d.status, new_status, greatest(d.status_since, ended),
              'payment ' || p.external_ref || ' reversed');
    END IF;
  END LOOP;
  IF p.journal_id IS NOT NULL THEN
    journal := khata.reverse_journal(p.journal_id, 'receivables:reversal:' || p.external_ref);
  END IF;
  UPDATE khata.payments x
  SET reversed_on = reverse_payment.reversed_on, allocated = 0,
      reversal_journal_id = (journal ->> 'journal_id')::bigint
  WHERE x.book_id = book AND x.id = p.id;
  RETURN khata.payment_summary(book, p.id);
END
$$;

COMMENT ON FUNCTION khata.reverse_payment(bigint, bigint, date) IS
  'Reverses a payment (a bounced cheque, a refund): its allocations end on reversed_on, its '
  'documents owe again from then, and its journals (the payment and any discounts) are '
  'reversed in the ledger. Repeating it returns the first result. 22K46 when dated before '
  'the payment, P0002 when there is no such payment.';

-- --- reports --------------------------------------------------------------------------------

CREATE FUNCTION khata.outstanding(book bigint, party text DEFAULT NULL,
                                  as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (document_id bigint, kind text, number text, party text, document_date date,
               due_date date, currency text, amount bigint, settled bigint, outstanding bigint,
               days_overdue int, status text, dimensions jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT y.id, y.kind, y.number, y.party, y.document_date, y.due_date, y.currency, y.amount,
         y.as_of_settled, y.amount - y.as_of_settled, greatest(as_of - y.due_date, 0),
         y.as_of_status, y.dimensions
  FROM (
    -- OFFSET 0 keeps the as-of status and settled amount computed once per document.
    SELECT d.*,
           CASE WHEN d.status_since <= as_of THEN d.status
           ELSE coalesce((SELECT h.to_status FROM khata.document_status_history h
                          WHERE h.book_id = d.book_id AND h.document_id = d.id
                            AND h.effective_on <= as_of
                          ORDER BY h.effective_on DESC, h.id DESC LIMIT 1), 'open')
           END AS as_of_status,
           CASE WHEN coalesce(d.settled_through, '-infinity') <= as_of THEN d.settled
           ELSE (SELECT coalesce(sum(a.amount + a.discount), 0)::bigint
                 FROM khata.allocations a
                 WHERE a.book_id = d.book_id AND a.document_id = d.id
                   AND a.effective_on <= as_of
                   AND (a.reversed_on IS NULL OR a.reversed_on > as_of))
           END AS as_of_settled
    FROM (
      -- Two branches, so that one party's documents come from its index under a generic plan.
      SELECT * FROM khata.documents d
      WHERE outstanding.party IS NULL AND d.book_id = book
        AND d.document_date <= as_of AND d.open_until > as_of
      UNION ALL
      SELECT * FROM khata.documents d
      WHERE d.book_id = book AND d.party = outstanding.party
        AND d.document_date <= as_of AND d.open_until > as_of) d
    OFFSET 0) y
  WHERE y.as_of_status NOT IN ('written_off', 'expired', 'void') AND y.amount > y.as_of_settled
  ORDER BY y.party, y.due_date, y.id
$$;

COMMENT ON FUNCTION khata.outstanding(bigint, text, date) IS
  'Documents still owing as of a date (default today), one row each, for one party or all '
  '(party NULL): payments and status changes dated after as_of are not counted, so a past '
  'date gives what it would have said then. Written-off, expired and void documents owe '
  'nothing; disputed ones are listed with status disputed.';

CREATE FUNCTION khata.unallocated_credit(book bigint, party text DEFAULT NULL,
                                         as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (party text, currency text, credit bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT p.party, p.currency, sum(p.amount - coalesce(used.amount, 0))::bigint
  FROM khata.payments p
  LEFT JOIN LATERAL (
    SELECT sum(a.amount) AS amount FROM khata.allocations a
    WHERE a.book_id = p.book_id AND a.payment_id = p.id AND a.effective_on <= as_of
      AND (a.reversed_on IS NULL OR a.reversed_on > as_of)) used ON true
  WHERE p.book_id = book AND (unallocated_credit.party IS NULL OR p.party = unallocated_credit.party)
    AND p.received_on <= as_of AND (p.reversed_on IS NULL OR p.reversed_on > as_of)
  GROUP BY p.party, p.currency
  HAVING sum(p.amount - coalesce(used.amount, 0)) > 0
  ORDER BY p.party, p.currency
$$;

COMMENT ON FUNCTION khata.unallocated_credit(bigint, text, date) IS
  'What parties paid and is not (yet, as of the date) allocated to a document: credit on '
  'the party, per currency.';

CREATE FUNCTION khata.aging(book bigint, as_of date, buckets int[] DEFAULT '{30,60,90}',
                            based_on text DEFAULT 'due', group_by text[] DEFAULT '{}')
RETURNS TABLE (group_key jsonb, currency text, not_due bigint, aged bigint[], overdue bigint,
               disputed bigint, outstanding bigint, documents bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- Grouping a few hundred thousand open documents by party fits in memory with this much.
SET work_mem = '64MB'
AS $$
DECLARE
  n int;
  age_from text;
  keys text := '';
  cols text := '';
  groups text := '';
  aged_sums text := '';
  key text;
  i int := 0;
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'aging needs an as_of date' USING ERRCODE = '22K41';
  END IF;
  n := cardinality(khata.aging_bucket_labels(coalesce(buckets, '{}'))) - 2;  -- validates
  age_from := CASE based_on WHEN 'due' THEN 'd.due_date' WHEN 'document' THEN 'd.document_date'
              END;
  IF age_from IS NULL THEN
    RAISE EXCEPTION 'based_on must be ''due'' or ''document'', not %', coalesce(based_on, 'NULL')
      USING ERRCODE = '22K41';
  END IF;
  IF group_by IS NULL OR cardinality(group_by) <> (SELECT count(DISTINCT g) FROM unnest(group_by) g)
     OR EXISTS (SELECT 1 FROM unnest(group_by) g WHERE g IS NULL OR g !~ '^[A-Za-z_][A-Za-z0-9_ .-]{0,62}$')
  THEN
    RAISE EXCEPTION 'group_by takes distinct names: party, kind or a dimension key'
      USING ERRCODE = '22K41', DETAIL = coalesce(group_by::text, 'NULL');
  END IF;

  FOREACH key IN ARRAY group_by LOOP
    i := i + 1;
    cols := cols || format('%s AS g%s, ', CASE key WHEN 'party' THEN 'd.party'
                                                   WHEN 'kind' THEN 'd.kind'
                                                   ELSE format('d.dimensions ->> %L', key) END, i);
    groups := groups || format('g%s, ', i);
    keys := keys || format('%L, g%s, ', key, i);
  END LOOP;
  FOR i IN 1 .. n + 1 LOOP
    aged_sums := aged_sums || format('coalesce(sum(o) FILTER (WHERE b = %s), 0)', i)
                 || CASE WHEN i <= n THEN ', ' ELSE '' END;
  END LOOP;

  RETURN QUERY EXECUTE format($q$
    WITH owing AS (
      -- OFFSET 0 keeps the as-of status and settled amount computed once per document.
      SELECT * FROM (
        SELECT %1$s d.currency, d.due_date, %2$s AS aged_from, d.amount,
               CASE WHEN d.status_since <= $2 THEN d.status
               ELSE coalesce((SELECT h.to_status FROM khata.document_status_history h
                              WHERE h.book_id = d.book_id AND h.document_id = d.id
                                AND h.effective_on <= $2
                              ORDER BY h.effective_on DESC, h.id DESC LIMIT 1), 'open')
               END AS status,
               CASE WHEN coalesce(d.settled_through, '-infinity') <= $2 THEN d.settled
               ELSE (SELECT coalesce(sum(a.amount + a.discount), 0)::bigint
                     FROM khata.allocations a
                     WHERE a.book_id = d.book_id AND a.document_id = d.id
                       AND a.effective_on <= $2
                       AND (a.reversed_on IS NULL OR a.reversed_on > $2))
               END AS settled
        FROM khata.documents d
        WHERE d.book_id = $1 AND d.document_date <= $2 AND d.open_until > $2
        OFFSET 0) x
      WHERE x.status NOT IN ('written_off', 'expired', 'void') AND x.amount > x.settled),
    aged AS (
      SELECT owing.*, owing.amount - owing.settled AS o,
             CASE WHEN owing.status = 'disputed' THEN -1
                  WHEN owing.due_date >= $2 THEN 0
                  ELSE khata.aging_bucket($2 - owing.aged_from, $3) END AS b
      FROM owing OFFSET 0)
    SELECT %3$s, currency,
           coalesce(sum(o) FILTER (WHERE b = 0), 0)::bigint,
           ARRAY[%4$s]::bigint[],
           coalesce(sum(o) FILTER (WHERE b > 0), 0)::bigint,
           coalesce(sum(o) FILTER (WHERE b = -1), 0)::bigint,
           sum(o)::bigint,
           count(*)
    FROM aged
    GROUP BY %5$s currency
    ORDER BY %5$s currency $q$,
    cols, age_from,
    CASE WHEN keys = '' THEN '''{}''::jsonb'
         ELSE format('jsonb_build_object(%s)', left(keys, -2)) END,
    aged_sums, groups)
  USING book, as_of, buckets;
END
$$;

COMMENT ON FUNCTION khata.aging(bigint, date, int[], text, text[]) IS
  'Who owes what, since when, as of a date: per currency (and group), not_due (not yet due), '
  'aged[i] per bucket (1-30, 31-60, 61-90, 91+ for ''{30,60,90}''; names from '
  'khata.aging_bucket_labels), overdue = their sum, disputed apart (never overdue), and '
  'outstanding = not_due + overdue + disputed. based_on ''due'' ages overdue amounts from the '
  'due date, ''document'' from the document date. group_by: party, kind or dimension keys; '
  'group_key holds their values. Payments and status changes after as_of are not counted. '
  'Invalid bounds raise 22K40, other invalid arguments 22K41.';
