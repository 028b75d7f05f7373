-- The wallet app (spec/uiu-cash.md): users, agents, admins and their sessions, the simulated
-- card bank, billers and the operation records; money itself lives in the khata book 'wallet'.

\echo Use "CREATE EXTENSION khata_wallet" to load this file. \quit

-- Public ids: a sequence number pushed through a bijection of [0, 36^8) and written in base 36,
-- so ids are 8 characters, never collide and do not reveal how many rows exist.
CREATE FUNCTION wallet.public_id(n bigint, multiplier bigint, offset_ bigint)
RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- numeric for the product, which can pass bigint; the digits of the remainder (< 36^8) in
  -- bigint arithmetic, which costs far less than numeric in the loop.
  v bigint := ((n::numeric * multiplier + offset_) % 2821109907456)::bigint;  -- 36^8
  digits text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  result text := '';
BEGIN
  FOR i IN 1..8 LOOP
    result := substr(digits, (v % 36)::int + 1, 1) || result;
    v := v / 36;
  END LOOP;
  RETURN result;
END
$$;
COMMENT ON FUNCTION wallet.public_id(bigint, bigint, bigint) IS
  'An 8-character base-36 public id for sequence number n: (n * multiplier + offset) mod 36^8, '
  'a bijection when multiplier is coprime to 36, so distinct n never share an id.';

CREATE SEQUENCE wallet.user_seq;
CREATE SEQUENCE wallet.admin_seq;
CREATE SEQUENCE wallet.transaction_seq CACHE 32;
CREATE SEQUENCE wallet.agent_code_seq;

CREATE TABLE wallet.users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL UNIQUE
    DEFAULT wallet.public_id(nextval('wallet.user_seq'), 2654435761, 104729),
  role text NOT NULL CHECK (role IN ('CONSUMER', 'AGENT')),
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  phone text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  first_name text NOT NULL,
  last_name text NOT NULL,
  date_of_birth date,
  nid_number text,
  status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'REJECTED')),
  email_verified boolean NOT NULL DEFAULT false,
  phone_verified boolean NOT NULL DEFAULT false,
  account_id bigint NOT NULL UNIQUE,  -- the user's wallet: a khata liability account
  last_login_at timestamptz,          -- set by each successful login, NULL before the first
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE wallet.users IS
  'Consumers and agents: login identity (email, phone, bcrypt hash), status and the khata '
  'account that is their wallet.';
CREATE INDEX users_role_created ON wallet.users (role, created_at);

CREATE TABLE wallet.agents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL UNIQUE REFERENCES wallet.users,
  agent_code text NOT NULL UNIQUE CHECK (agent_code ~ '^AG[0-9]{7}$'),
  business_name text NOT NULL,
  business_address text NOT NULL,
  approved_by text,
  approved_at timestamptz,
  rejected_by text,
  rejected_at timestamptz,
  rejection_reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE wallet.agents IS
  'The business side of an agent user; its status is the user''s status.';

CREATE TABLE wallet.admins (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL UNIQUE
    DEFAULT 'ADMIN' || lpad(nextval('wallet.admin_seq')::text, 3, '0'),
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  password_hash text NOT NULL,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  last_login_at timestamptz,
  created_by bigint REFERENCES wallet.admins,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE wallet.admins IS 'Administrators: a separate login from consumers and agents.';

CREATE TABLE wallet.admin_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  admin_id bigint NOT NULL REFERENCES wallet.admins,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
COMMENT ON TABLE wallet.admin_sessions IS
  'One row per admin login; its id is the token''s sid claim. Logout revokes every session of '
  'the admin, so tokens issued before it stop working.';
CREATE INDEX admin_sessions_admin ON wallet.admin_sessions (admin_id) WHERE revoked_at IS NULL;

CREATE TABLE wallet.bank_cards (
  card_number text PRIMARY KEY CHECK (card_number ~ '^[0-9]{16}$'),
  holder_name text NOT NULL,
  expiry_month text NOT NULL CHECK (expiry_month ~ '^(0[1-9]|1[0-2])$'),
  expiry_year text NOT NULL CHECK (expiry_year ~ '^[0-9]{2}$'),
  cvv text NOT NULL CHECK (cvv ~ '^[0-9]{3}$'),
  balance bigint NOT NULL CHECK (balance >= 0)
);
COMMENT ON TABLE wallet.bank_cards IS
  'The simulated card bank that add-money draws on: a card''s details and its balance in poisha.';

-- The biller statuses in one place: the table's CHECK, the list filter and the status changes
-- all read them here.
CREATE FUNCTION wallet.biller_statuses() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$ SELECT ARRAY['ACTIVE', 'INACTIVE', 'SUSPENDED'] $$;
COMMENT ON FUNCTION wallet.biller_statuses() IS 'A biller''s statuses: ACTIVE, INACTIVE, SUSPENDED.';

CREATE TABLE wallet.billers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  name text NOT NULL,
  biller_code text NOT NULL UNIQUE,
  bill_type text NOT NULL
    CHECK (bill_type IN ('ELECTRICITY', 'GAS', 'WATER', 'INTERNET', 'MOBILE', 'TV', 'ORGANIZATION')),
  contact_email text,
  contact_phone text,
  description text,
  logo_url text,
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status = ANY (wallet.biller_statuses())),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE wallet.billers IS 'Organisations that accept bill payments.';
CREATE SEQUENCE wallet.biller_seq;

-- One row per money operation, pointing at the single khata journal that moved the money.
-- Users and agents are deactivated, never deleted: operations name them without foreign keys
-- (see wallet.transactions).
CREATE FUNCTION wallet.kept_forever() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION '% rows are never deleted', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME
    USING ERRCODE = '55000', HINT = 'Set the status instead: SUSPENDED or REJECTED.';
END
$$;
COMMENT ON FUNCTION wallet.kept_forever() IS
  'Trigger: refuses DELETE and TRUNCATE of wallet.users and wallet.agents, which operations '
  'name by id.';
CREATE TRIGGER users_kept_forever BEFORE DELETE OR TRUNCATE ON wallet.users
  FOR EACH STATEMENT EXECUTE FUNCTION wallet.kept_forever();
CREATE TRIGGER agents_kept_forever BEFORE DELETE OR TRUNCATE ON wallet.agents
  FOR EACH STATEMENT EXECUTE FUNCTION wallet.kept_forever();

-- Domains rather than CHECK constraints: Postgres 15 reads a table's CHECK constraints back
-- from their stored text and plans them again in every INSERT statement, while a domain's
-- check is planned once per backend. Every operation inserts a row here (in send-money,
-- these checks and the ledger's took about 4% of the backend's CPU).
CREATE DOMAIN wallet.transaction_type AS text CHECK (VALUE IN ('SEND_MONEY', 'ADD_MONEY',
  'CASH_OUT', 'CASH_IN', 'BILL_PAYMENT', 'BANK_TRANSFER', 'CASHBACK', 'COMMISSION',
  'ONBOARDING_BONUS'));
COMMENT ON DOMAIN wallet.transaction_type IS 'The spec''s transaction types.';
CREATE DOMAIN wallet.transaction_status AS text
  CHECK (VALUE IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'));
COMMENT ON DOMAIN wallet.transaction_status IS 'The spec''s transaction statuses.';
CREATE DOMAIN wallet.positive_amount AS bigint CHECK (VALUE > 0);
COMMENT ON DOMAIN wallet.positive_amount IS 'An operation''s amount in poisha, more than zero.';

CREATE TABLE wallet.transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  transaction_id text NOT NULL UNIQUE,
  type wallet.transaction_type NOT NULL,
  amount wallet.positive_amount NOT NULL,
  fee bigint NOT NULL DEFAULT 0,
  commission bigint NOT NULL DEFAULT 0,
  status wallet.transaction_status NOT NULL DEFAULT 'COMPLETED',
  -- Not foreign keys: a key's check locks the user's row with FOR KEY SHARE on every send
  -- (two row locks written to the WAL, a multixact when two sends share a user), and that
  -- cost 8-10% of send-money's throughput at 32 connections. Handlers write here only the
  -- ids of rows they read in the same transaction, and users and agents are never deleted
  -- (wallet.kept_forever), which is what the keys guarded.
  sender_id bigint,
  receiver_id bigint,
  agent_id bigint,
  description text,
  metadata jsonb NOT NULL DEFAULT '{}',
  journal_id bigint NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz DEFAULT now()
);
COMMENT ON TABLE wallet.transactions IS
  'Wallet operations as the API shows them; the money of each is exactly one khata journal.';
CREATE INDEX transactions_sender ON wallet.transactions (sender_id, created_at DESC);
CREATE INDEX transactions_receiver ON wallet.transactions (receiver_id, created_at DESC);
CREATE INDEX transactions_created ON wallet.transactions (created_at);

CREATE TABLE wallet.bill_payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  transaction_id bigint NOT NULL UNIQUE REFERENCES wallet.transactions,
  user_id bigint NOT NULL REFERENCES wallet.users,
  biller_id bigint NOT NULL REFERENCES wallet.billers,
  account_number text NOT NULL,
  billing_month text,
  billing_year int,
  receipt_number text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE wallet.bill_payments IS 'Bill payments: biller, customer account and receipt.';
CREATE INDEX bill_payments_user ON wallet.bill_payments (user_id, created_at DESC);
-- A biller's totals (admin list and details) read its payments, not the whole table.
CREATE INDEX bill_payments_biller ON wallet.bill_payments (biller_id);

CREATE TABLE wallet.bank_transfers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  transaction_id bigint NOT NULL UNIQUE REFERENCES wallet.transactions,
  user_id bigint NOT NULL REFERENCES wallet.users,
  bank_name text NOT NULL,
  account_number text NOT NULL,
  account_holder_name text NOT NULL,
  routing_number text,
  transfer_type text NOT NULL CHECK (transfer_type IN ('INSTANT', 'STANDARD')),
  reference_number text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE wallet.bank_transfers IS
  'Transfers out to bank accounts (the full account number is kept; responses mask it).';
CREATE INDEX bank_transfers_user ON wallet.bank_transfers (user_id, created_at DESC);

CREATE TABLE wallet.idempotent_responses (
  principal text NOT NULL,
  key text NOT NULL,
  response jsonb,
  request jsonb,  -- the first request's body: a retry must send the same one
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
COMMENT ON TABLE wallet.idempotent_responses IS
  'The first response to a money-moving request per user and Idempotency-Key, returned again '
  'on a retry with the same body (409 for another body).';

-- The book, its accounts and pricing.
DO $$
DECLARE
  book bigint := khata.create_book('wallet', 'UIU Cash', 'Asia/Dhaka');
  schedule bigint;
  platform bigint;
BEGIN
  PERFORM khata.create_account(book, 'SETTLEMENT', 'Settlement bank (cards in, bank transfers out)', 'asset', 'BDT');
  platform := khata.create_account(book, 'PLATFORM', 'Platform wallet', 'liability', 'BDT', true);
  PERFORM khata.create_account(book, 'BILLERS', 'Payable to billers', 'liability', 'BDT');
  PERFORM khata.set_account_slots(platform, 8);
  -- The platform's float: the money bonuses and commissions are paid from.
  PERFORM khata.post_journal(book, 'platform-float',
    '[{"account": "SETTLEMENT", "debit": 100000000}, {"account": "PLATFORM", "credit": 100000000}]',
    'platform float');

  PERFORM khata.define_setting('agent_commission_rate', 'number',
    'Commission percentage for agent cash out operations', 0, 100, false, '1.5');
  PERFORM khata.define_setting('bank_transfer_fee_rate', 'number',
    'Bank transfer fee percentage for consumers', 0, 100, false, '1.5');
  -- In taka, read by the send-money rule's first tier: at most 2 decimals, whole poisha.
  PERFORM khata.define_setting('send_money_fee_tier1', 'number',
    'Send money fee for amounts ৳0-৳1000', 0, NULL, false, '0', 2);
  PERFORM khata.define_setting('app_version', 'text', 'Version of the client apps', NULL, NULL, true, '1.0.0');
  PERFORM khata.define_setting('maintenance_mode', 'boolean', 'Whether the service is in maintenance', NULL, NULL, true, 'false');
  PERFORM khata.set_setting(book, 'agent_commission_rate', '1.5', 'Commission percentage for agent cash out operations');
  PERFORM khata.set_setting(book, 'send_money_fee_tier1', '0', 'Send money fee for amounts ৳0-৳1000');
  PERFORM khata.set_setting(book, 'bank_transfer_fee_rate', '1.5', 'Bank transfer fee percentage for consumers');
  PERFORM khata.set_setting(book, 'app_version', '1.0.0', 'Version of the client apps', true);
  PERFORM khata.set_setting(book, 'maintenance_mode', 'false', 'Whether the service is in maintenance', true);

  schedule := khata.create_fee_schedule(book, 'wallet', 'UIU Cash');
  PERFORM khata.set_fee_rules(schedule, 'send_money', $r$[
    {"name": "send_money", "min_amount": 1000, "max_amount": 2500000,
     "tiers": [{"up_to": 100000, "flat": {"setting": "send_money_fee_tier1", "multiply_by": 100}},
               {"above": 100000, "up_to": 500000, "flat": 500},
               {"above": 500000, "flat": 1000}]}]$r$);
  PERFORM khata.set_fee_rules(schedule, 'cash_out', $r$[
    {"name": "cash_out", "min_amount": 5000, "max_amount": 2500000, "tiers": [{"percent": 1.85}],
     "commissions": [{"role": "agent", "of": "amount",
                      "percent": {"setting": "agent_commission_rate"}}]}]$r$);
  PERFORM khata.set_fee_rules(schedule, 'cash_in', $r$[
    {"name": "cash_in", "min_amount": 5000, "max_amount": 2500000,
     "commissions": [{"role": "agent",
                      "percent": {"setting": "agent_commission_rate", "divide_by": 10}}]}]$r$);
  PERFORM khata.set_fee_rules(schedule, 'bank_transfer', $r$[
    {"name": "agent", "when": {"sender_type": "agent"}, "min_amount": 1000, "max_amount": 10000000},
    {"name": "consumer", "min_amount": 1000, "max_amount": 10000000,
     "tiers": [{"percent": {"setting": "bank_transfer_fee_rate"}, "min": 1000}]}]$r$);
  PERFORM khata.set_fee_rules(schedule, 'bill_payment', $r$[
    {"name": "bill_payment", "min_amount": 1000, "max_amount": 10000000}]$r$);
  PERFORM khata.set_fee_rules(schedule, 'add_money', $r$[
    {"name": "add_money", "min_amount": 5000, "max_amount": 2500000}]$r$);
END
$$;

-- Ids of the book, schedule and fixed accounts, looked up once per call.
CREATE FUNCTION wallet.book() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN (SELECT id FROM khata.books WHERE code = 'wallet');
END
$$;
COMMENT ON FUNCTION wallet.book() IS 'The id of the wallet app''s khata book.';

CREATE FUNCTION wallet.schedule() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN khata.fee_schedule_id(wallet.book(), 'wallet');
END
$$;
COMMENT ON FUNCTION wallet.schedule() IS 'The id of the wallet''s fee schedule.';

CREATE FUNCTION wallet.account(code text) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN khata.account_id(wallet.book(), code);
END
$$;
COMMENT ON FUNCTION wallet.account(text) IS
  'The id of one of the wallet book''s fixed accounts: PLATFORM, SETTLEMENT, BILLERS.';
