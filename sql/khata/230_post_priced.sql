-- Priced posting: quote an operation and post the amount, the fee and the commissions as one
-- journal, counting what leaves the sender (amount + fee) against its spending limits in the
-- same transaction.

CREATE FUNCTION khata.post_priced(
  schedule bigint, operation text, amount bigint, accounts jsonb, idempotency_key text,
  context jsonb DEFAULT '{}', memo text DEFAULT NULL, metadata jsonb DEFAULT NULL,
  effective_at timestamptz DEFAULT NULL, count_spending boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  book bigint;
  q jsonb;
  leg jsonb;
  legs jsonb := '[]';
  account_of_role jsonb;
  previous khata.journals;
  posted jsonb;
  limits jsonb;
  moment timestamptz := coalesce(effective_at, pg_catalog.now());
BEGIN
  SELECT s.book_id INTO book FROM khata.fee_schedules s WHERE s.id = schedule;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no fee schedule %', schedule USING ERRCODE = 'P0002';
  END IF;
  IF idempotency_key IS NULL OR idempotency_key = '' THEN
    RAISE EXCEPTION 'a priced posting needs an idempotency key' USING ERRCODE = '22023';
  END IF;

  -- A repeat returns the first posting as it was priced then, even if the rates changed since.
  SELECT * INTO previous FROM khata.journals j
  WHERE j.book_id = book AND j.idempotency_key = post_priced.idempotency_key;
  IF FOUND THEN
    IF previous.metadata -> 'quote' IS NULL
       OR previous.metadata -> 'quote' ->> 'operation' IS DISTINCT FROM operation
       OR (previous.metadata -> 'quote' ->> 'amount')::bigint IS DISTINCT FROM amount THEN
      RAISE EXCEPTION 'idempotency key "%" was used for another posting', idempotency_key
        USING ERRCODE = '23K01';
    END IF;
    RETURN jsonb_build_object('journal_id', previous.id, 'replayed', true,
                              'quote', previous.metadata -> 'quote');
  END IF;

  q := khata.quote(schedule, operation, amount, context);
  account_of_role := coalesce(accounts, '{}');
  FOR leg IN SELECT * FROM jsonb_array_elements(q -> 'legs') LOOP
    IF NOT account_of_role ? (leg ->> 'role') THEN
      RAISE EXCEPTION 'operation % needs an account for role "%"', operation, leg ->> 'role'
        USING ERRCODE = '22023', HINT = 'pass it in accounts, e.g. {"' || (leg ->> 'role') || '": 42}';
    END IF;
    legs := legs || jsonb_build_array(
      jsonb_build_object('account', account_of_role -> (leg ->> 'role')) || (leg - 'role'));
  END LOOP;

  IF count_spending THEN
    IF NOT account_of_role ? 'sender' THEN
      RAISE EXCEPTION 'operation % needs an account for role "sender"', operation USING ERRCODE = '22023';
    END IF;
    limits := khata.spend((account_of_role ->> 'sender')::bigint, (q ->> 'total_debited')::bigint, moment);
  END IF;

  posted := khata.post_journal(book, idempotency_key, legs, memo,
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
