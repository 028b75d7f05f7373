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

CREATE FUNCTION khata.spent(account bigint, period text, as_of timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  book bigint := khata.account_book(spent.account);
BEGIN
  RETURN coalesce(
    (SELECT s.spent FROM khata.spending s
     WHERE s.book_id = book AND s.account_id = spent.account AND s.period = spent.period
       AND s.period_start = khata.spending_period(book, spent.period,
                                                  coalesce(spent.as_of, pg_catalog.now()))), 0);
END
$$;

COMMENT ON FUNCTION khata.spent(bigint, text, timestamptz) IS
  'What an account has spent in the day or month (of its book''s time zone) containing '
  'as_of (default now), in minor units: the wallet''s dailySpent and monthlySpent.';

CREATE FUNCTION khata.spend(account bigint, amount bigint, at timestamptz DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  book bigint := khata.account_book(account);
  moment timestamptz := coalesce(at, pg_catalog.now());
  -- The day in the book's time zone, read once for both periods (as khata.spending_period).
  local_day date := (moment AT TIME ZONE khata.book_timezone(book))::date;
  lim khata.spending_limits;
  day_spent bigint;
  month_spent bigint;
BEGIN
  IF amount IS NULL OR amount <= 0 THEN
    RAISE EXCEPTION 'amount to spend must be positive' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO lim FROM khata.spending_limits l
  WHERE l.book_id = book AND l.account_id = account;

  INSERT INTO khata.spending AS s (book_id, account_id, period, period_start, spent)
  VALUES (book, account, 'day', local_day, amount)
  ON CONFLICT ON CONSTRAINT spending_pkey DO UPDATE SET spent = s.spent + excluded.spent
  RETURNING s.spent INTO day_spent;
  IF day_spent > lim.daily THEN
    RAISE EXCEPTION 'daily spending limit exceeded: % would make % of %', amount, day_spent, lim.daily
      USING ERRCODE = '22K25',
            DETAIL = format('already spent today: %s', day_spent - amount);
  END IF;

  INSERT INTO khata.spending AS s (book_id, account_id, period, period_start, spent)
  VALUES (book, account, 'month', date_trunc('month', local_day)::date, amount)
  ON CONFLICT ON CONSTRAINT spending_pkey DO UPDATE SET spent = s.spent + excluded.spent
  RETURNING s.spent INTO month_spent;
  IF month_spent > lim.monthly THEN
    RAISE EXCEPTION 'monthly spending limit exceeded: % would make % of %', amount, month_spent,
      lim.monthly
      USING ERRCODE = '22K26',
            DETAIL = format('already spent this month: %s', month_spent - amount);
  END IF;

  RETURN jsonb_build_object('daily_spent', day_spent, 'daily_limit', lim.daily,
                            'monthly_spent', month_spent, 'monthly_limit', lim.monthly);
END
$$;

COMMENT ON FUNCTION khata.spend(bigint, bigint, timestamptz) IS
  'Counts amount against an account''s daily and monthly caps, atomically: 22K25 (daily) or '
  '22K26 (monthly) when it would pass one, and then the transaction counts nothing.';
