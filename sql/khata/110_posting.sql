-- The posting path (C++, extension/src/pg/ledger_functions.cpp): one call per journal.
--
-- legs = [{"account": <id or code>, "debit": 1850}, {"account": ..., "credit": 1850}], amounts
-- in minor units. Results: {"journal_id", "replayed", "balances": [{"account", "posted",
-- "pending", "available"}]}, balances in each account's normal side.

CREATE FUNCTION khata.post_journal(book bigint, idempotency_key text, legs jsonb,
                                   memo text DEFAULT NULL, metadata jsonb DEFAULT NULL,
                                   effective_at timestamptz DEFAULT now())
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_post_journal'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.post_journal(bigint, text, jsonb, text, jsonb, timestamptz) IS
  'Posts a balanced journal atomically and returns {journal_id, replayed, balances}. The same '
  'key with the same legs returns the first journal with replayed = true and posts nothing; '
  'with other legs 23K01. Refusals: 22K01 amount <= 0, 22K02 unknown account, 22K03 closed, '
  '22K04 currency mismatch, 22K05 unbalanced, 22K06 overdraft, 22K07 malformed legs.';

CREATE FUNCTION khata.hold(book bigint, idempotency_key text, legs jsonb,
                           memo text DEFAULT NULL, metadata jsonb DEFAULT NULL,
                           expires_at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_hold'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.hold(bigint, text, jsonb, text, jsonb, timestamptz) IS
  'Reserves a journal without posting it (two-phase): it counts against the available balance '
  'of the accounts it takes from, not their posted balance, until khata.post_pending, '
  'khata.void_pending or expiry (expires_at, via khata.expire_holds). Same checks as post_journal.';

CREATE FUNCTION khata.post_pending(journal bigint, amount bigint DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_post_pending'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.post_pending(bigint, bigint) IS
  'Posts a hold: all of it, or amount of a two-leg hold (the rest is released). Returns the '
  'new journal. 22K11 unknown journal, 22K12 not a hold, 22K13 amount above the hold, '
  '23K03 the hold is already posted, voided or expired.';

CREATE FUNCTION khata.void_pending(journal bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_void_pending'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.void_pending(bigint) IS
  'Releases a hold without posting it. 22K11 unknown journal, 22K12 not a hold, 23K03 the '
  'hold is already posted, voided or expired.';

CREATE FUNCTION khata.expire_hold(journal bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_expire_hold'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.expire_hold(bigint) IS
  'Releases one hold as expired (a journal of kind E); khata.expire_holds calls it for every '
  'hold past its expires_at.';

CREATE FUNCTION khata.reverse_journal(journal bigint, idempotency_key text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_reverse_journal'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.reverse_journal(bigint, text) IS
  'Posts the mirror of a posted journal (debits become credits), naming it in ref. A journal '
  'is reversed at most once (23K04); a hold is voided, not reversed (22K14). Overdraft and '
  'closed-account checks apply.';

CREATE FUNCTION khata.post_journals(book bigint, items jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_post_journals'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.post_journals(bigint, jsonb) IS
  'Posts many journals in one call: items = [{"idempotency_key", "legs", "memo"?, '
  '"metadata"?, "effective_at"?}, ...] (at most 10000). Items are independent and decided in '
  'order: the result holds one {"ok": true, "journal_id", "replayed"} or {"ok": false, '
  '"sqlstate", "message"} per item. 22K16 when items is not an array.';

CREATE FUNCTION khata.expire_holds(book bigint DEFAULT NULL, as_of timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  hold_id bigint;
  expired integer := 0;
BEGIN
  FOR hold_id IN
    SELECT j.id FROM khata.journals j
    WHERE j.kind = 'H' AND j.expires_at <= expire_holds.as_of
      AND (expire_holds.book IS NULL OR j.book_id = expire_holds.book)
      AND NOT EXISTS (SELECT 1 FROM khata.journals r WHERE r.ref = j.id)
    ORDER BY j.expires_at, j.id
  LOOP
    BEGIN
      PERFORM khata.expire_hold(hold_id);
      expired := expired + 1;
    EXCEPTION WHEN SQLSTATE '23K03' THEN
      NULL;  -- posted or voided meanwhile
    END;
  END LOOP;
  RETURN expired;
END
$$;
COMMENT ON FUNCTION khata.expire_holds(bigint, timestamptz) IS
  'Releases every open hold (of one book, or all) whose expires_at is at or before as_of; '
  'returns how many. Scheduled with khata.schedule_hold_expiry.';

CREATE FUNCTION khata.schedule_hold_expiry(schedule text DEFAULT '* * * * *')
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  job bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
    RAISE EXCEPTION 'pg_cron is not installed in this database'
      USING ERRCODE = '55000', HINT = 'CREATE EXTENSION pg_cron (it must be preloaded)';
  END IF;
  EXECUTE 'SELECT cron.schedule($1, $2, $3)'
    INTO job USING 'khata-expire-holds', schedule, 'SELECT khata.expire_holds()';
  RETURN job;
END
$$;
COMMENT ON FUNCTION khata.schedule_hold_expiry(text) IS
  'Schedules khata.expire_holds() with pg_cron (job "khata-expire-holds", every minute by '
  'default; scheduling again replaces it). 55000 when pg_cron is not installed.';
