-- Priced posting: quote an operation and post the amount, the fee and the commissions as one
-- journal, counting what leaves the sender (amount + fee) against its spending limits in the
-- same transaction.

CREATE FUNCTION khata.post_priced(
  schedule bigint, operation text, amount bigint, accounts jsonb, idempotency_key text,
  context jsonb DEFAULT '{}', memo text DEFAULT NULL, metadata jsonb DEFAULT NULL,
  effective_at timestamptz DEFAULT NULL, count_spending boolean DEFAULT true)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_post_priced'
LANGUAGE C VOLATILE
-- Its statements are planned once per backend, inside a call: without sequential scans, a plan
-- made while khata.journals was nearly empty (a new book) cannot scan it as it grows.
SET search_path = pg_catalog, pg_temp SET enable_seqscan = off;

COMMENT ON FUNCTION khata.post_priced(bigint, text, bigint, jsonb, text, jsonb, text, jsonb, timestamptz, boolean) IS
  'Quotes an operation (khata.quote) and posts amount, fee and commissions as one journal, '
  'accounts mapping each role of the quote (sender, receiver, platform, agent...) to an '
  'account id; counts what the sender pays (amount + fee) against its spending limits '
  '(22K25/22K26) unless '
  'count_spending is false. A repeated key returns the first posting and its quote.';
