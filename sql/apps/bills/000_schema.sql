-- khata_bills install script, assembled from sql/apps/bills/*.sql in name order.
\echo Use "CREATE EXTENSION khata_bills CASCADE" to load this file. \quit

-- Offline billers (a finance company, a donation collector) upload their customers with the
-- current bills; a proxy server of the biller reports the payments it takes. Each biller keeps
-- its money in a book of its own; bills are receivables documents of kind 'bill' in that book
-- and payments go through the receivables engine.

REVOKE ALL ON SCHEMA bills FROM PUBLIC;
GRANT USAGE ON SCHEMA bills TO khata_api;

CREATE SEQUENCE bills.biller_number;

COMMENT ON SEQUENCE bills.biller_number IS
  'The five digits in the middle of a billerId (NFPL00000NATZB): unique per biller.';

CREATE TABLE bills.billers (
  book_id bigint PRIMARY KEY REFERENCES khata.books (id),
  biller_id text NOT NULL UNIQUE CHECK (biller_id ~ '^[A-Z]{4}[0-9]{5}[A-Z]{5}$'),
  email text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND email = lower(email)),
  password_hash text NOT NULL,
  biller_name text NOT NULL CHECK (btrim(biller_name) <> ''),
  category text NOT NULL CHECK (category IN ('offline', 'donation')),
  api_key_hash bytea NOT NULL UNIQUE,    -- sha256 of the key; the key itself is never stored
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (email)
);

COMMENT ON TABLE bills.billers IS
  'One row per biller, made by bills.create_biller: login (email, bcrypt password hash), the '
  'API key of its payment proxy (sha256 only) and the khata book holding its receivables.';

CREATE TABLE bills.customers (
  book_id bigint NOT NULL REFERENCES bills.billers (book_id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  customer_identifier text NOT NULL CHECK (btrim(customer_identifier) <> ''),
  customer_name text NOT NULL CHECK (btrim(customer_name) <> ''),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book_id, id),
  UNIQUE (book_id, customer_identifier)
);

COMMENT ON TABLE bills.customers IS
  'A biller''s customers, by the identifier the biller gives them (the party of their bills '
  'in the biller''s book). Created and renamed by uploads.';

CREATE TABLE bills.uploads (
  book_id bigint NOT NULL REFERENCES bills.billers (book_id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  filename text,
  sha256 bytea NOT NULL,
  atomic boolean NOT NULL,
  summary jsonb NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book_id, id)
);

COMMENT ON TABLE bills.uploads IS
  'Every accepted upload of a biller with the summary it answered (rows read, customers '
  'created and updated, bills created and expired, row errors).';

CREATE TABLE bills.transactions (
  book_id bigint NOT NULL REFERENCES bills.billers (book_id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  transaction_ref_id text NOT NULL CHECK (btrim(transaction_ref_id) <> ''),
  ref_id text,
  type text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  customer_id bigint NOT NULL,
  payment_id bigint,                     -- the khata payment, set in the same transaction
  result jsonb,                          -- the first answer, which a retry gets again
  status text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'reversed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book_id, id),
  UNIQUE (book_id, transaction_ref_id),
  FOREIGN KEY (book_id, customer_id) REFERENCES bills.customers (book_id, id),
  FOREIGN KEY (book_id, payment_id) REFERENCES khata.payments (book_id, id)
);

COMMENT ON TABLE bills.transactions IS
  'Payments reported by a biller''s proxy, once per transactionRefId, each recorded as a '
  'khata payment (payment_id) allocated to the customer''s active bills.';
