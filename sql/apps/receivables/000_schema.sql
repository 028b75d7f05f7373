-- The receivables app: users of a finance team, customers followed up by region, and the
-- monthly outstanding uploads. Invoices themselves are khata documents of one book (code
-- 'receivables'), the customer's code as party; money moves only through the core.

CREATE TABLE receivables.users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (btrim(name) <> ''),
  email text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('Manager', 'Engineer', 'Country Manager', 'Admin')),
  region text CHECK (region IN ('ahmedabad', 'banglore', 'chennai', 'delhi', 'export', 'goa',
                                'hyderabad', 'indore', 'jaipur', 'kolkata', 'mumbai', 'nagpur',
                                'odisha', 'pune', 'punjab', 'raipur', 'vizag', 'wie')),
  department text,
  contact text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- A Manager follows up a region: without one they would see nothing.
  CHECK (role <> 'Manager' OR region IS NOT NULL)
);

-- Emails are matched without regard to case, as people type them.
CREATE UNIQUE INDEX users_email_idx ON receivables.users (lower(email));

COMMENT ON TABLE receivables.users IS
  'The finance team: Engineers follow up the customers assigned to them, Managers their region, '
  'Country Managers and Admins everything. Passwords are bcrypt hashes, never returned.';

CREATE TABLE receivables.customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
  name text NOT NULL,
  region text NOT NULL,
  remark text NOT NULL DEFAULT 'none' CHECK (remark IN ('payment received', 'partial payment',
    'under follow-up', 'dispute', 'write-off', 'none')),
  notes text NOT NULL DEFAULT '',
  assigned_engineer bigint REFERENCES receivables.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX customers_region_idx ON receivables.customers (region);
CREATE INDEX customers_engineer_idx ON receivables.customers (assigned_engineer);

COMMENT ON TABLE receivables.customers IS
  'Customers by code (the party of their khata documents), their region as of the latest '
  'upload, and the follow-up state: remark, notes, assigned engineer.';
