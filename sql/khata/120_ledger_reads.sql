-- Reads for analysts: balances now or at a point in time, history with a running balance,
-- trial balance, and the drift report. Point-in-time reads are computed from the journals;
-- current ones from khata.balances.

-- The legs of one account: journals found through the GIN index on account_ids.
CREATE FUNCTION khata.account_legs(account bigint)
RETURNS TABLE(journal_id bigint, kind "char", ref bigint, effective_at timestamptz,
              memo text, amount bigint, normal_amount bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT j.id, j.kind, j.ref, j.effective_at, j.memo, u.amount,
         CASE WHEN a.type IN ('asset', 'expense') THEN u.amount ELSE -u.amount END
  FROM khata.accounts a
  JOIN khata.journals j ON j.account_ids @> ARRAY[a.id] AND j.book_id = a.book_id
  CROSS JOIN LATERAL unnest(j.account_ids, j.amounts) AS u(account_id, amount)
  WHERE a.id = account_legs.account AND u.account_id = a.id
$$;
COMMENT ON FUNCTION khata.account_legs(bigint) IS
  'Every leg naming the account, with its signed amount (debit > 0) and its amount in the '
  'account''s normal side. Posted kinds are P, C and R; H legs are holds.';

CREATE FUNCTION khata.balance(account bigint, as_of timestamptz DEFAULT NULL,
                              OUT posted bigint, OUT pending bigint, OUT available bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  pending_out bigint;
  pending_in bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM khata.accounts a WHERE a.id = balance.account) THEN
    RAISE EXCEPTION 'account id % does not exist', balance.account USING ERRCODE = '22K02';
  END IF;
  IF as_of IS NULL THEN
    SELECT sum(b.posted), sum(b.pending_out), sum(b.pending_in)
    INTO posted, pending_out, pending_in
    FROM khata.balances b WHERE b.account_id = balance.account;
  ELSE
    SELECT coalesce(sum(l.normal_amount) FILTER (WHERE l.kind IN ('P', 'C', 'R')), 0),
           coalesce(sum(-l.normal_amount) FILTER (WHERE l.kind = 'H' AND l.normal_amount < 0
                                                   AND open_hold), 0),
           coalesce(sum(l.normal_amount) FILTER (WHERE l.kind = 'H' AND l.normal_amount > 0
                                                  AND open_hold), 0)
    INTO posted, pending_out, pending_in
    FROM khata.account_legs(balance.account) l
    CROSS JOIN LATERAL (
      SELECT NOT EXISTS (SELECT 1 FROM khata.journals r
                         WHERE r.ref = l.journal_id AND r.effective_at <= balance.as_of)
      AS open_hold) o
    WHERE l.effective_at <= balance.as_of;
  END IF;
  pending := pending_in - pending_out;
  available := posted - pending_out;
END
$$;
COMMENT ON FUNCTION khata.balance(bigint, timestamptz) IS
  'An account''s balance in its normal side: posted, pending (holds in its favour minus holds '
  'against it) and available (posted minus holds against it); now, or as of a point in time '
  '(journals effective by then).';

CREATE FUNCTION khata.account_history(account bigint, from_at timestamptz DEFAULT NULL,
                                      to_at timestamptz DEFAULT NULL)
RETURNS TABLE(journal_id bigint, kind "char", effective_at timestamptz, memo text,
              debit bigint, credit bigint, balance bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM khata.accounts a WHERE a.id = account_history.account) THEN
    RAISE EXCEPTION 'account id % does not exist', account_history.account USING ERRCODE = '22K02';
  END IF;
  RETURN QUERY
  SELECT h.journal_id, h.kind, h.effective_at, h.memo, h.debit, h.credit, h.balance
  FROM (
    SELECT l.journal_id, l.kind, l.effective_at, l.memo,
           CASE WHEN l.amount > 0 THEN l.amount END AS debit,
           CASE WHEN l.amount < 0 THEN -l.amount END AS credit,
           (sum(l.normal_amount) OVER (ORDER BY l.effective_at, l.journal_id))::bigint AS balance
    FROM khata.account_legs(account_history.account) l
    WHERE l.kind IN ('P', 'C', 'R')
  ) h
  WHERE (from_at IS NULL OR h.effective_at >= from_at)
    AND (to_at IS NULL OR h.effective_at < to_at)
  ORDER BY h.effective_at, h.journal_id;
END
$$;
COMMENT ON FUNCTION khata.account_history(bigint, timestamptz, timestamptz) IS
  'The posted legs of an account effective in [from_at, to_at) (NULL: unbounded), oldest first, '
  'with the running posted balance in the account''s normal side after each.';

CREATE FUNCTION khata.trial_balance(book bigint, as_of timestamptz DEFAULT NULL)
RETURNS TABLE(account_id bigint, code text, name text, type text, currency text,
              debit bigint, credit bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH net AS (  -- debits minus credits per account
    SELECT a.id,
           CASE WHEN trial_balance.as_of IS NULL THEN
             (SELECT sum(b.posted) FROM khata.balances b WHERE b.account_id = a.id)
             * CASE WHEN a.type IN ('asset', 'expense') THEN 1 ELSE -1 END
           ELSE
             (SELECT coalesce(sum(u.amount), 0)
              FROM khata.journals j
              CROSS JOIN LATERAL unnest(j.account_ids, j.amounts) AS u(account_id, amount)
              WHERE j.account_ids @> ARRAY[a.id] AND u.account_id = a.id
                AND j.kind IN ('P', 'C', 'R') AND j.effective_at <= trial_balance.as_of)
           END AS amount
    FROM khata.accounts a WHERE a.book_id = trial_balance.book
  )
  SELECT a.id, a.code, a.name, a.type, a.currency,
         CASE WHEN n.amount > 0 THEN n.amount ELSE 0 END::bigint,
         CASE WHEN n.amount < 0 THEN -n.amount ELSE 0 END::bigint
  FROM net n JOIN khata.accounts a ON a.id = n.id
  ORDER BY a.currency, a.code
$$;
COMMENT ON FUNCTION khata.trial_balance(bigint, timestamptz) IS
  'Every account of the book with its posted balance in the debit or the credit column, now '
  'or as of a point in time. Per currency, the debit and credit columns sum to the same total.';

CREATE FUNCTION khata.verify_book(book bigint)
RETURNS TABLE(problem text, account_id bigint, journal_id bigint, expected bigint,
              actual bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH legs AS (
    SELECT j.id, j.kind, u.account_id, u.amount
    FROM khata.journals j
    CROSS JOIN LATERAL unnest(j.account_ids, j.amounts) AS u(account_id, amount)
    WHERE j.book_id = verify_book.book
  ),
  open_holds AS (
    SELECT j.id FROM khata.journals j
    WHERE j.book_id = verify_book.book AND j.kind = 'H'
      AND NOT EXISTS (SELECT 1 FROM khata.journals r WHERE r.ref = j.id)
  ),
  computed AS (
    SELECT a.id,
           coalesce(sum(n.normal) FILTER (WHERE l.kind IN ('P', 'C', 'R')), 0) AS posted,
           coalesce(sum(-n.normal) FILTER (WHERE o.id IS NOT NULL AND n.normal < 0), 0) AS pending_out,
           coalesce(sum(n.normal) FILTER (WHERE o.id IS NOT NULL AND n.normal > 0), 0) AS pending_in
    FROM khata.accounts a
    LEFT JOIN legs l ON l.account_id = a.id
    LEFT JOIN open_holds o ON o.id = l.id AND l.kind = 'H'
    CROSS JOIN LATERAL (SELECT CASE WHEN a.type IN ('asset', 'expense') THEN l.amount
                                    ELSE -l.amount END AS normal) n
    WHERE a.book_id = verify_book.book
    GROUP BY a.id
  ),
  stored AS (
    SELECT b.account_id AS id, sum(b.posted) AS posted, sum(b.pending_out) AS pending_out,
           sum(b.pending_in) AS pending_in
    FROM khata.balances b JOIN khata.accounts a ON a.id = b.account_id
    WHERE a.book_id = verify_book.book
    GROUP BY b.account_id
  )
  SELECT 'posted balance drift', c.id, NULL::bigint, c.posted::bigint, coalesce(s.posted, 0)::bigint
  FROM computed c LEFT JOIN stored s ON s.id = c.id
  WHERE c.posted <> coalesce(s.posted, 0)
  UNION ALL
  SELECT 'pending balance drift', c.id, NULL, (c.pending_in - c.pending_out)::bigint,
         (coalesce(s.pending_in, 0) - coalesce(s.pending_out, 0))::bigint
  FROM computed c LEFT JOIN stored s ON s.id = c.id
  WHERE c.pending_out <> coalesce(s.pending_out, 0) OR c.pending_in <> coalesce(s.pending_in, 0)
  UNION ALL
  SELECT 'overdrawn', a.id, NULL, 0, (s.posted - s.pending_out)::bigint
  FROM khata.accounts a JOIN stored s ON s.id = a.id
  WHERE a.book_id = verify_book.book AND a.no_overdraft AND s.posted - s.pending_out < 0
  UNION ALL
  SELECT 'unbalanced journal', NULL, l.id, 0, sum(l.amount)::bigint
  FROM (SELECT l.id, a.currency, l.amount FROM legs l
        LEFT JOIN khata.accounts a ON a.id = l.account_id) l
  GROUP BY l.id, l.currency
  HAVING sum(l.amount) <> 0
  UNION ALL
  SELECT 'leg on an account of another book', l.account_id, l.id, NULL, NULL
  FROM legs l LEFT JOIN khata.accounts a ON a.id = l.account_id
  WHERE a.id IS NULL OR a.book_id <> verify_book.book
$$;
COMMENT ON FUNCTION khata.verify_book(bigint) IS
  'The drift report of a book: stored balances that differ from the sum of the journals, '
  'no_overdraft accounts below zero, journals that do not balance per currency, legs naming '
  'an account outside the book. Empty when every invariant holds.';
