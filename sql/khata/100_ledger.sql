-- The core ledger: books, currencies, accounts, balances, journals.
--
-- A journal row holds its legs inline (account_ids[i] moves amounts[i], debit > 0, credit
-- < 0): a two-leg transfer is one heap row and its index entries. Nothing in journals is
-- ever updated or deleted; a hold's outcome (posted, voided, expired) and a reversal are new
-- journals that name the earlier one in `ref`. Balances are kept per account in a narrow
-- table, split into `slots` sub-balance rows for a hot account.

CREATE TABLE khata.books (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code <> ''),
  name text NOT NULL,
  timezone text NOT NULL DEFAULT 'Asia/Dhaka',
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE khata.books IS 'Tenants: every ledger row belongs to one book.';

CREATE TABLE khata.currencies (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
  exponent smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4)
);
COMMENT ON TABLE khata.currencies IS
  'ISO 4217 currencies and their minor-unit exponent (BDT 2: 1850 is 18.50 taka).';
INSERT INTO khata.currencies (code, exponent) VALUES
  ('BDT', 2), ('USD', 2), ('EUR', 2), ('GBP', 2), ('INR', 2), ('JPY', 0);

CREATE TABLE khata.accounts (
  book_id bigint NOT NULL REFERENCES khata.books,
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL CHECK (code <> ''),
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
  currency text NOT NULL REFERENCES khata.currencies,
  no_overdraft boolean NOT NULL DEFAULT false,
  slots smallint NOT NULL DEFAULT 1 CHECK (slots BETWEEN 1 AND 64),
  metadata jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  UNIQUE (book_id, code)
);
COMMENT ON TABLE khata.accounts IS
  'Chart of accounts. no_overdraft: the normal-side available balance never goes below 0. '
  'slots > 1: a hot account whose balance is split over that many rows of khata.balances.';

-- One row per account and slot; balances in the account's normal side. fillfactor leaves
-- room for HOT updates, so a posting rewrites no index.
CREATE TABLE khata.balances (
  account_id bigint NOT NULL,
  slot smallint NOT NULL,
  posted bigint NOT NULL DEFAULT 0,
  pending_out bigint NOT NULL DEFAULT 0,
  pending_in bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, slot)
) WITH (fillfactor = 50);
COMMENT ON TABLE khata.balances IS
  'Stored balances per account (sum over slots), normal side: posted, held against the '
  'account (pending_out) and in its favour (pending_in). Written only by the posting path.';

CREATE SEQUENCE khata.journal_id_seq CACHE 32;

CREATE TABLE khata.journals (
  id bigint NOT NULL DEFAULT nextval('khata.journal_id_seq') PRIMARY KEY,
  book_id bigint NOT NULL,
  effective_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  ref bigint,
  expires_at timestamptz,
  kind "char" NOT NULL CHECK (kind IN ('P', 'H', 'C', 'V', 'E', 'R')),
  idempotency_key text,
  account_ids bigint[] NOT NULL,
  amounts bigint[] NOT NULL,
  memo text,
  metadata jsonb
);
ALTER SEQUENCE khata.journal_id_seq OWNED BY khata.journals.id;
COMMENT ON TABLE khata.journals IS
  'Append-only journals, legs inline (account_ids[i] moves amounts[i]; debit > 0). kind: '
  'P posted, H hold (pending), C a hold posted (legs = the amounts posted), V voided, '
  'E expired, R a reversal; ref names the hold or the reversed journal.';
CREATE UNIQUE INDEX journals_idempotency ON khata.journals (book_id, idempotency_key);
-- A journal is resolved or reversed at most once: the index refuses a second outcome.
CREATE UNIQUE INDEX journals_ref ON khata.journals (ref) WHERE ref IS NOT NULL;
-- fastupdate: a posting appends its entries to the index's pending list, merged into the tree
-- in bulk (by vacuum, or the posting that fills the list), at a fraction of the cost of one
-- tree insert per account. The list is kept short (1 MB) since every read of an account's
-- journals scans it: account_history of a wallet with 263 legs takes 4 ms with a full list.
CREATE INDEX journals_accounts ON khata.journals USING gin (account_ids)
  WITH (fastupdate = on, gin_pending_list_limit = 1024);
CREATE INDEX journals_hold_expiry ON khata.journals (expires_at) WHERE kind = 'H';

CREATE FUNCTION khata.refuse_journal_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'journals are append-only: % refused', TG_OP
    USING ERRCODE = '23K02',
          HINT = 'correct a posting with khata.reverse_journal; a hold ends with '
                 'khata.post_pending or khata.void_pending';
END
$$;
COMMENT ON FUNCTION khata.refuse_journal_change() IS
  'Trigger: refuses UPDATE, DELETE and TRUNCATE on khata.journals (23K02).';

CREATE TRIGGER journals_append_only BEFORE UPDATE OR DELETE ON khata.journals
  FOR EACH ROW EXECUTE FUNCTION khata.refuse_journal_change();
CREATE TRIGGER journals_no_truncate BEFORE TRUNCATE ON khata.journals
  FOR EACH STATEMENT EXECUTE FUNCTION khata.refuse_journal_change();

-- Books ---------------------------------------------------------------------------------------

CREATE FUNCTION khata.create_book(code text, name text, timezone text DEFAULT 'Asia/Dhaka')
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names t WHERE t.name = create_book.timezone) THEN
    RAISE EXCEPTION 'unknown time zone "%"', create_book.timezone USING ERRCODE = '22023';
  END IF;
  INSERT INTO khata.books (code, name, timezone)
  VALUES (create_book.code, create_book.name, create_book.timezone)
  RETURNING id INTO new_id;
  RETURN new_id;
EXCEPTION WHEN unique_violation THEN
  RAISE EXCEPTION 'a book with code "%" exists', create_book.code USING ERRCODE = '23K05';
END
$$;
COMMENT ON FUNCTION khata.create_book(text, text, text) IS
  'Creates a book (tenant) and returns its id. A code already taken raises 23K05.';

CREATE FUNCTION khata.book_id(code text) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  result_id bigint;
BEGIN
  SELECT b.id INTO result_id FROM khata.books b WHERE b.code = book_id.code;
  IF result_id IS NULL THEN
    RAISE EXCEPTION 'unknown book "%"', book_id.code USING ERRCODE = '22K08';
  END IF;
  RETURN result_id;
END
$$;
COMMENT ON FUNCTION khata.book_id(text) IS 'The id of the book with this code; 22K08 when none.';

-- Accounts ------------------------------------------------------------------------------------

CREATE FUNCTION khata.create_account(book bigint, code text, name text, type text,
                                     currency text, no_overdraft boolean DEFAULT false,
                                     metadata jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM khata.books b WHERE b.id = create_account.book) THEN
    RAISE EXCEPTION 'unknown book %', create_account.book USING ERRCODE = '22K08';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM khata.currencies c WHERE c.code = create_account.currency) THEN
    RAISE EXCEPTION 'unknown currency "%"', create_account.currency USING ERRCODE = '22K09',
      HINT = 'add it to khata.currencies with its minor-unit exponent';
  END IF;
  IF create_account.type IS NULL OR create_account.type NOT IN ('asset', 'liability', 'equity', 'income', 'expense') THEN
    RAISE EXCEPTION 'account type "%" is not one of asset, liability, equity, income, expense',
      create_account.type USING ERRCODE = '22K10';
  END IF;
  IF coalesce(create_account.code, '') = '' THEN
    RAISE EXCEPTION 'an account needs a code' USING ERRCODE = '22K10';
  END IF;
  BEGIN
    INSERT INTO khata.accounts (book_id, code, name, type, currency, no_overdraft, metadata)
    VALUES (create_account.book, create_account.code, create_account.name, create_account.type,
            create_account.currency, coalesce(create_account.no_overdraft, false),
            create_account.metadata)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'account code "%" is taken in book %', create_account.code, create_account.book
      USING ERRCODE = '23K05';
  END;
  INSERT INTO khata.balances (account_id, slot) VALUES (new_id, 0);
  RETURN new_id;
END
$$;
COMMENT ON FUNCTION khata.create_account(bigint, text, text, text, text, boolean, jsonb) IS
  'Opens an account in a book and returns its id: type asset, liability, equity, income or '
  'expense; no_overdraft keeps its normal-side available balance >= 0. 22K08 unknown book, '
  '22K09 unknown currency, 22K10 bad type or code, 23K05 code taken.';

CREATE FUNCTION khata.account_id(book bigint, code text) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  result_id bigint;
BEGIN
  SELECT a.id INTO result_id FROM khata.accounts a
  WHERE a.book_id = account_id.book AND a.code = account_id.code;
  IF result_id IS NULL THEN
    RAISE EXCEPTION 'account % does not exist in book %', account_id.code, account_id.book
      USING ERRCODE = '22K02';
  END IF;
  RETURN result_id;
END
$$;
COMMENT ON FUNCTION khata.account_id(bigint, text) IS
  'The id of the account with this code in the book; 22K02 when none.';

CREATE FUNCTION khata.slot_share(posted bigint, pending_out bigint, pending_in bigint,
                                 slots int, slot int)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'khata_slot_share'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION khata.slot_share(bigint, bigint, bigint, int, int) IS
  'The {posted, pending_out, pending_in} slot N of S holds when an account''s total is spread '
  'over its slots: the available balance (posted - pending_out) in equal shares, the remainder '
  'and the holds in slot 0.';

CREATE FUNCTION khata.set_account_slots(account bigint, slots int) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  current_slots int;
BEGIN
  IF set_account_slots.slots IS NULL OR set_account_slots.slots NOT BETWEEN 1 AND 64 THEN
    RAISE EXCEPTION 'slots must be between 1 and 64, got %', set_account_slots.slots
      USING ERRCODE = '22023';
  END IF;
  -- Every slot row is locked: no posting runs while the split changes.
  PERFORM 1 FROM khata.balances b WHERE b.account_id = set_account_slots.account
  ORDER BY b.slot FOR UPDATE;
  SELECT a.slots INTO current_slots FROM khata.accounts a WHERE a.id = set_account_slots.account;
  IF current_slots IS NULL THEN
    RAISE EXCEPTION 'account id % does not exist', set_account_slots.account USING ERRCODE = '22K02';
  END IF;
  IF set_account_slots.slots < current_slots THEN
    -- Fold the slots that go into slot 0.
    UPDATE khata.balances b SET posted = b.posted + f.posted,
           pending_out = b.pending_out + f.pending_out, pending_in = b.pending_in + f.pending_in
    FROM (SELECT sum(x.posted) AS posted, sum(x.pending_out) AS pending_out,
                 sum(x.pending_in) AS pending_in
          FROM khata.balances x
          WHERE x.account_id = set_account_slots.account AND x.slot >= set_account_slots.slots) f
    WHERE b.account_id = set_account_slots.account AND b.slot = 0;
    DELETE FROM khata.balances b
    WHERE b.account_id = set_account_slots.account AND b.slot >= set_account_slots.slots;
  ELSE
    INSERT INTO khata.balances (account_id, slot)
    SELECT set_account_slots.account, s FROM generate_series(current_slots, set_account_slots.slots - 1) s;
  END IF;
  UPDATE khata.accounts a SET slots = set_account_slots.slots WHERE a.id = set_account_slots.account;
  -- The available balance in equal shares, the holds in slot 0, as a posting that locks every
  -- slot spreads it: each slot of an account that cannot be overdrawn covers its share.
  UPDATE khata.balances b
  SET (posted, pending_out, pending_in) = (SELECT s[1], s[2], s[3] FROM khata.slot_share(
        t.posted, t.pending_out, t.pending_in, set_account_slots.slots, b.slot) s)
  FROM (SELECT sum(x.posted)::bigint AS posted, sum(x.pending_out)::bigint AS pending_out,
               sum(x.pending_in)::bigint AS pending_in
        FROM khata.balances x WHERE x.account_id = set_account_slots.account) t
  WHERE b.account_id = set_account_slots.account;
END
$$;
COMMENT ON FUNCTION khata.set_account_slots(bigint, int) IS
  'Splits an account''s stored balance over N rows (1-64), the available balance in equal '
  'shares: postings that cannot overdraw it update one row chosen by backend, so a hot account '
  '(a fee account every journal credits) is not a queue. On a no_overdraft account, a debit '
  'that the backend''s row covers by itself updates that row alone; any other locks all N rows '
  'and spreads the balance again.';

CREATE FUNCTION khata.close_account(account bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  acct khata.accounts;
  totals record;
BEGIN
  SELECT * INTO acct FROM khata.accounts a WHERE a.id = close_account.account FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'account id % does not exist', close_account.account USING ERRCODE = '22K02';
  END IF;
  PERFORM 1 FROM khata.balances b WHERE b.account_id = close_account.account
  ORDER BY b.slot FOR UPDATE;
  SELECT sum(b.posted) AS posted, sum(b.pending_out) AS pending_out, sum(b.pending_in) AS pending_in
  INTO totals FROM khata.balances b WHERE b.account_id = close_account.account;
  IF totals.posted <> 0 OR totals.pending_out <> 0 OR totals.pending_in <> 0 THEN
    RAISE EXCEPTION 'account % still has a balance: posted %, held %', acct.code, totals.posted,
      totals.pending_out + totals.pending_in USING ERRCODE = '22K15',
      HINT = 'move the balance out and settle its holds before closing';
  END IF;
  UPDATE khata.accounts a SET closed_at = coalesce(a.closed_at, now()) WHERE a.id = close_account.account;
END
$$;
COMMENT ON FUNCTION khata.close_account(bigint) IS
  'Closes an account with a zero balance and no open hold (else 22K15); a closed account '
  'takes no new legs (22K03).';

CREATE FUNCTION khata.account_row(account bigint)
RETURNS TABLE(id bigint, book_id bigint, code text, name text, type text, currency text,
              no_overdraft boolean, slots smallint, metadata jsonb, created_at timestamptz,
              closed_at timestamptz, posted bigint, pending bigint, available bigint)
LANGUAGE plpgsql STABLE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- PL/pgSQL keeps this query's plan for the session; a SQL function with SET would be
  -- parsed and planned again in every transaction that calls it.
  RETURN QUERY
  SELECT a.id, a.book_id, a.code, a.name, a.type, a.currency, a.no_overdraft, a.slots,
         a.metadata, a.created_at, a.closed_at, s.posted, s.pending_in - s.pending_out,
         s.posted - s.pending_out
  FROM khata.accounts a,
       LATERAL (SELECT sum(b.posted)::bigint AS posted, sum(b.pending_out)::bigint AS pending_out,
                       sum(b.pending_in)::bigint AS pending_in
                FROM khata.balances b WHERE b.account_id = a.id) s
  WHERE a.id = account_row.account;
END
$$;
COMMENT ON FUNCTION khata.account_row(bigint) IS
  'An account with its current balance (normal side): posted, pending (holds in its favour '
  'minus holds against it) and available (posted minus holds against it).';
