-- Priced posting: quote an operation and post the amount, the fee and the commissions as one
-- journal, counting what leaves the sender (amount + fee) against its spending limits in the
-- same transaction.

CREATE FUNCTION khata.post_priced(
  schedule bigint, operation text, amount bigint, accounts jsonb, idempotency_key text,
  context jsonb DEFAULT '{}', memo text DEFAULT NULL, metadata jsonb DEFAULT NULL,
  effective_at timestamptz DEFAULT NULL, count_spending boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql
-- Every read is by key: without sequential scans, a plan made while khata.journals was
-- nearly empty (a new book) cannot scan it on every posting as it grows.
SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
AS $$
DECLARE
  book bigint;
  rules jsonb;
  settings jsonb;
  previous_id bigint;
  previous_quote jsonb;
  q jsonb;
  legs jsonb;
  missing_role text;
  account_of_role jsonb := coalesce(accounts, '{}');
  posted jsonb;
  limits jsonb;
  moment timestamptz := coalesce(effective_at, pg_catalog.now());
BEGIN
  -- One query: the schedule's book, an earlier journal with this key, and the operation's
  -- rules with the settings they read (what khata.quote reads, without its own lookups).
  SELECT s.book_id, j.id, j.metadata -> 'quote', r.rules,
         (SELECT coalesce(jsonb_object_agg(k.key, coalesce(v.value, d.default_value))
                            FILTER (WHERE coalesce(v.value, d.default_value) IS NOT NULL), '{}')
          FROM unnest(khata.fee_rule_settings(r.rules)) AS k(key)
          LEFT JOIN khata.settings v ON v.book_id = s.book_id AND v.key = k.key
          LEFT JOIN khata.setting_definitions d ON d.key = k.key)
  INTO book, previous_id, previous_quote, rules, settings
  FROM khata.fee_schedules s
  LEFT JOIN khata.journals j
    ON j.book_id = s.book_id AND j.idempotency_key = post_priced.idempotency_key
  LEFT JOIN khata.fee_rules r
    ON r.book_id = s.book_id AND r.schedule_id = s.id AND r.operation = post_priced.operation
  WHERE s.id = schedule;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no fee schedule %', schedule USING ERRCODE = 'P0002';
  END IF;
  IF idempotency_key IS NULL OR idempotency_key = '' THEN
    RAISE EXCEPTION 'a priced posting needs an idempotency key' USING ERRCODE = '22023';
  END IF;

  -- A repeat returns the first posting as it was priced then, even if the rates changed since.
  IF previous_id IS NOT NULL THEN
    IF previous_quote IS NULL
       OR previous_quote ->> 'operation' IS DISTINCT FROM operation
       OR (previous_quote ->> 'amount')::bigint IS DISTINCT FROM amount THEN
      RAISE EXCEPTION 'idempotency key "%" was used for another posting', idempotency_key
        USING ERRCODE = '23K01';
    END IF;
    RETURN jsonb_build_object('journal_id', previous_id, 'replayed', true, 'quote', previous_quote);
  END IF;

  IF rules IS NULL THEN
    RAISE EXCEPTION 'fee schedule % has no rules for operation "%"', schedule, operation
      USING ERRCODE = '22K22';
  END IF;
  q := jsonb_build_object('schedule', schedule, 'operation', operation)
       || khata.evaluate_fee(rules, amount, coalesce(context, '{}'), settings);

  -- Each leg's role replaced by its account, in the quote's order; the first role without
  -- an account is named.
  SELECT jsonb_agg(jsonb_build_object('account', account_of_role -> (e.leg ->> 'role'))
                   || (e.leg - 'role') ORDER BY e.n),
         (array_agg(e.leg ->> 'role' ORDER BY e.n)
            FILTER (WHERE NOT account_of_role ? (e.leg ->> 'role')))[1]
  INTO legs, missing_role
  FROM jsonb_array_elements(q -> 'legs') WITH ORDINALITY AS e(leg, n);
  IF missing_role IS NOT NULL THEN
    RAISE EXCEPTION 'operation % needs an account for role "%"', operation, missing_role
      USING ERRCODE = '22023', HINT = 'pass it in accounts, e.g. {"' || missing_role || '": 42}';
  END IF;

  IF count_spending THEN
    IF NOT account_of_role ? 'sender' THEN
      RAISE EXCEPTION 'operation % needs an account for role "sender"', operation USING ERRCODE = '22023';
    END IF;
    limits := khata.spend((account_of_role ->> 'sender')::bigint, (q ->> 'total_debited')::bigint, moment);
  END IF;

  posted := khata.post_journal(book, idempotency_key, coalesce(legs, '[]'), memo,
                               coalesce(metadata, '{}') || jsonb_build_object('quote', q), moment);
  RETURN posted || jsonb_build_object('quote', q, 'spending', limits);
END
$$;

COMMENT ON FUNCTION khata.post_priced(bigint, text, bigint, jsonb, text, jsonb, text, jsonb, timestamptz, boolean) IS
  'Quotes an operation (khata.quote) and posts amount, fee and commissions as one journal, '
  'accounts mapping each role of the quote (sender, receiver, platform, agent...) to an '
  'account id; counts what the sender pays (amount + fee) against its spending limits '
  '(22K25/22K26) unless '
  'count_spending is false. A repeated key returns the first posting and its quote.';
