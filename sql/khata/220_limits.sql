-- Spending limits: daily and monthly caps per account, counted in the book's time zone and
-- consumed inside the posting transaction (one row per account and period, updated in place,
-- so two concurrent spends are serialised on it and cannot both pass the cap).

CREATE TABLE khata.spending_limits (
  book_id bigint NOT NULL,
  account_id bigint NOT NULL,
  daily bigint CHECK (daily >= 0),
  monthly bigint CHECK (monthly >= 0),
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (book_id, account_id)
);

COMMENT ON TABLE khata.spending_limits IS
  'Daily and monthly caps (minor units; NULL = no cap) on what an account may spend.';

CREATE TABLE khata.spending (
  book_id bigint NOT NULL,
  account_id bigint NOT NULL,
  period text NOT NULL CHECK (period IN ('day', 'month')),
  period_start date NOT NULL,
  spent bigint NOT NULL CHECK (spent >= 0),
  PRIMARY KEY (book_id, account_id, period, period_start)
) WITH (fillfactor = 70);

COMMENT ON TABLE khata.spending IS
  'What each account spent per day and per month of its book''s time zone.';

CREATE FUNCTION khata.account_book(account bigint)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  result bigint;
BEGIN
  SELECT a.book_id INTO result FROM khata.accounts a WHERE a.id = account;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account %', account USING ERRCODE = 'P0002';
  END IF;
  RETURN result;
END
$$;

COMMENT ON FUNCTION khata.account_book(bigint) IS 'The book an account belongs to.';

CREATE FUNCTION khata.set_spending_limits(account bigint, daily bigint, monthly bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF daily < 0 OR monthly < 0 THEN
    RAISE EXCEPTION 'spending limits must not be negative' USING ERRCODE = '22023';
  END IF;
  INSERT INTO khata.spending_limits AS l (book_id, account_id, daily, monthly)
  VALUES (khata.account_book(account), account, daily, monthly)
  ON CONFLICT ON CONSTRAINT spending_limits_pkey DO UPDATE
    SET daily = excluded.daily, monthly = excluded.monthly, updated_at = pg_catalog.now();
END
$$;

COMMENT ON FUNCTION khata.set_spending_limits(bigint, bigint, bigint) IS
  'Sets an account''s daily and monthly caps in minor units (NULL: no cap).';

CREATE FUNCTION khata.spending_period(book bigint, period text, at timestamptz)
RETURNS date
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  local_day date := (at AT TIME ZONE khata.book_timezone(book))::date;
BEGIN
  IF period = 'day' THEN
    RETURN local_day;
  ELSIF period = 'month' THEN
    RETURN date_trunc('month', local_day)::date;
  END IF;
  RAISE EXCEPTION 'period must be day or month, not "%"', period USING ERRCODE = '22023';
END
$$;

COMMENT ON FUNCTION khata.spending_period(bigint, text, timestamptz) IS
  'The first day of the day or month containing a moment, in the book''s time zone.';

-- What a spend of an account is counted against, read by khata.spending_status and by the
-- posting path (which caches it per backend): its book, the book's time zone (as
-- khata.book_timezone: the `timezone` setting, else its default, else the book's own) and its
-- caps.
CREATE VIEW khata.spending_context AS
SELECT a.id AS account_id, a.book_id, l.daily, l.monthly,
       coalesce(st.value, d.default_value, b.timezone, 'Asia/Dhaka') AS timezone
FROM khata.accounts a
JOIN khata.books b ON b.id = a.book_id
LEFT JOIN khata.settings st ON st.book_id = a.book_id AND st.key = 'timezone'
LEFT JOIN khata.setting_definitions d ON d.key = 'timezone'
LEFT JOIN khata.spending_limits l ON l.book_id = a.book_id AND l.account_id = a.id;
COMMENT ON VIEW khata.spending_context IS
  'Per account: its book, the time zone its days and months are counted in, and its daily and '
  'monthly caps (NULL = none).';

CREATE FUNCTION khata.spending_status(account bigint, as_of timestamptz DEFAULT NULL,
                                       OUT daily_limit bigint, OUT monthly_limit bigint,
                                       OUT daily_spent bigint, OUT monthly_spent bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  book bigint;
BEGIN
  -- One query: the account's context (khata.spending_context) and both counters of the day
  -- and month containing as_of.
  SELECT c.book_id, c.daily, c.monthly,
         coalesce((SELECT s.spent FROM khata.spending s
                   WHERE s.book_id = c.book_id AND s.account_id = spending_status.account
                     AND s.period = 'day' AND s.period_start = c.local_day), 0),
         coalesce((SELECT s.spent FROM khata.spending s
                   WHERE s.book_id = c.book_id AND s.account_id = spending_status.account
                     AND s.period = 'month'
                     AND s.period_start = date_trunc('month', c.local_day)::date), 0)
  INTO book, daily_limit, monthly_limit, daily_spent, monthly_spent
  FROM (SELECT x.book_id, x.daily, x.monthly,
               (coalesce(spending_status.as_of, pg_catalog.now()) AT TIME ZONE x.timezone)::date
                 AS local_day
        FROM khata.spending_context x
        WHERE x.account_id = spending_status.account) c;
  IF book IS NULL THEN
    RAISE EXCEPTION 'no account %', account USING ERRCODE = 'P0002';
  END IF;
END
$$;

COMMENT ON FUNCTION khata.spending_status(bigint, timestamptz) IS
  'An account''s daily and monthly caps (NULL = none) and what it has spent in the day and '
  'month (of its book''s time zone) containing as_of (default now), read by one query.';

CREATE FUNCTION khata.spent(account bigint, period text, as_of timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s record;
BEGIN
  IF period IS DISTINCT FROM 'day' AND period IS DISTINCT FROM 'month' THEN
    RAISE EXCEPTION 'period must be day or month, not "%"', period USING ERRCODE = '22023';
  END IF;
  s := khata.spending_status(account, as_of);
  RETURN CASE period WHEN 'day' THEN s.daily_spent ELSE s.monthly_spent END;
END
$$;

COMMENT ON FUNCTION khata.spent(bigint, text, timestamptz) IS
  'What an account has spent in the day or month (of its book''s time zone) containing '
  'as_of (default now), in minor units: the wallet''s dailySpent and monthlySpent.';

CREATE FUNCTION khata.spend(account bigint, amount bigint, at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_spend'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION khata.spend(bigint, bigint, timestamptz) IS
  'Counts amount against an account''s daily and monthly caps, atomically: 22K25 (daily) or '
  '22K26 (monthly) when it would pass one, and then the transaction counts nothing.';
