-- Transactions from a biller's proxy server: POST /transaction/ records a payment, once per
-- transactionRefId, allocated to the customer's active bills oldest due first; GET and PATCH
-- /transaction/:id read it and move it through its states. The proxy authenticates with the
-- biller's API key in X-API-Key; the biller's own token may read and update too.

CREATE FUNCTION bills.transaction_json(t bills.transactions)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
    '_id', t.id::text, 'transactionRefId', t.transaction_ref_id, 'refId', t.ref_id,
    'type', t.type, 'amount', khata.format_amount(t.amount, 2), 'billerId', b.biller_id,
    'customerId', c.id::text, 'customerIdentifier', c.customer_identifier,
    'status', t.status,
    'allocations', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'billId', (a ->> 'document_id'), 'billNumber', d.number,
                      'amount', khata.format_amount((a ->> 'amount')::bigint, 2),
                      'reversed', a ->> 'reversed_on' IS NOT NULL)
                      ORDER BY ord), '[]')
                    FROM jsonb_array_elements(s -> 'allocations') WITH ORDINALITY AS x(a, ord)
                    JOIN khata.documents d
                      ON d.book_id = t.book_id AND d.id = (a ->> 'document_id')::bigint),
    'unallocated', khata.format_amount((s ->> 'unallocated')::bigint, 2),
    'createdAt', t.created_at, 'updatedAt', t.updated_at)
  FROM bills.billers b, bills.customers c,
       LATERAL (SELECT khata.payment_summary(t.book_id, t.payment_id) AS s) ps
  WHERE b.book_id = t.book_id AND c.book_id = t.book_id AND c.id = t.customer_id
$$;

COMMENT ON FUNCTION bills.transaction_json(bills.transactions) IS
  'A transaction as the API shows it, with the bills its payment was allocated to.';

CREATE FUNCTION bills.request_biller(req jsonb)
RETURNS bills.billers
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(
    CASE WHEN req -> 'headers' ? 'x-api-key' THEN bills.key_biller(req) END,
    CASE WHEN NOT req -> 'headers' ? 'x-api-key' THEN bills.token_biller(req) END)
$$;

COMMENT ON FUNCTION bills.request_biller(jsonb) IS
  'The biller a transaction request speaks for: by its X-API-Key when one is sent (a wrong '
  'key is no biller, even with a token), else by its access token.';

CREATE FUNCTION bills.h_transaction_create(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b bills.billers := bills.key_biller(req);
  body jsonb := CASE WHEN jsonb_typeof(req -> 'body') = 'object' THEN req -> 'body'
                     ELSE '{}' END;
  ref text := body ->> 'transactionRefId';
  amount bigint;
  kind text := btrim(body ->> 'type');
  c bills.customers;
  t bills.transactions;
  named khata.documents;
  payment jsonb;
BEGIN
  IF b.biller_id IS NULL THEN
    RETURN bills.error(401, 'Invalid or missing API key (X-API-Key)');
  END IF;
  IF jsonb_typeof(req -> 'body') IS DISTINCT FROM 'object' THEN
    RETURN bills.error(400, 'Send the transaction as a JSON object');
  END IF;
  IF jsonb_typeof(body -> 'billerId') IS DISTINCT FROM 'string' THEN
    RETURN bills.error(400, 'billerId is required');
  END IF;
  IF body ->> 'billerId' IS DISTINCT FROM b.biller_id THEN
    RETURN bills.error(403, 'billerId is not the biller of this API key');
  END IF;
  IF ref IS NULL OR btrim(ref) = '' OR length(ref) > 100
     OR coalesce(jsonb_typeof(body -> 'transactionRefId'), 'null') NOT IN ('string', 'number') THEN
    RETURN bills.error(400, 'transactionRefId is required (up to 100 characters)');
  END IF;
  IF kind IS NULL OR kind = '' OR length(kind) > 32 THEN
    RETURN bills.error(400, 'type is required (up to 32 characters)');
  END IF;
  IF body ->> 'refId' IS NOT NULL AND length(body ->> 'refId') > 100 THEN
    RETURN bills.error(400, 'refId is up to 100 characters');
  END IF;
  IF coalesce(jsonb_typeof(body -> 'amount'), 'null') NOT IN ('string', 'number') THEN
    RETURN bills.error(400, 'amount is required');
  END IF;
  BEGIN
    amount := khata.parse_amount(body ->> 'amount', 2);
  EXCEPTION WHEN data_exception THEN
    RETURN bills.error(400, 'amount must be a number of taka with at most 2 decimals');
  END;
  IF amount <= 0 THEN
    RETURN bills.error(400, 'amount must be positive');
  END IF;

  -- An upload of this biller (which locks the row FOR UPDATE) is either wholly before this
  -- payment or wholly after it: the bills checked below are the ones it is allocated to.
  PERFORM 1 FROM bills.billers x WHERE x.book_id = b.book_id FOR SHARE;

  -- A retry gets the first answer, whatever happened to the bills since.
  SELECT * INTO t FROM bills.transactions x
  WHERE x.book_id = b.book_id AND x.transaction_ref_id = ref;
  IF t.id IS NULL THEN
    SELECT * INTO c FROM bills.customers x
    WHERE x.book_id = b.book_id AND x.customer_identifier = body ->> 'customerIdentifier';
    IF c.id IS NULL THEN
      RETURN bills.error(404, format('Unknown customer %s', body ->> 'customerIdentifier'));
    END IF;
    IF body ->> 'refId' IS NOT NULL THEN
      SELECT * INTO named FROM khata.documents d
      WHERE d.book_id = b.book_id AND d.kind = 'bill' AND d.number = body ->> 'refId'
        AND d.party = c.customer_identifier;
      IF named.status = 'expired' THEN
        RETURN bills.error(409, format('Bill %s is expired: a newer upload replaced it',
                                       named.number));
      END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM khata.documents d
                   WHERE d.book_id = b.book_id AND d.kind = 'bill'
                     AND d.party = c.customer_identifier
                     AND d.status IN ('open', 'partially_paid')) THEN
      RETURN bills.error(409, format('Customer %s has no active unpaid bill',
                                     c.customer_identifier));
    END IF;
    -- A concurrent request with the same reference makes this wait, then find its row.
    INSERT INTO bills.transactions AS x (book_id, transaction_ref_id, ref_id, type, amount,
                                         customer_id)
    VALUES (b.book_id, ref, body ->> 'refId', kind, amount, c.id)
    ON CONFLICT (book_id, transaction_ref_id) DO NOTHING
    RETURNING * INTO t;
    IF t.id IS NOT NULL THEN
      payment := khata.record_payment(b.book_id, 'bills:' || ref, c.customer_identifier,
                                      amount, current_date, 'BDT', true,
                                      jsonb_build_object('transaction_id', t.id, 'type', kind,
                                                         'ref_id', body ->> 'refId'));
      UPDATE bills.transactions x SET payment_id = (payment ->> 'payment_id')::bigint
      WHERE x.book_id = b.book_id AND x.id = t.id
      RETURNING * INTO t;
      UPDATE bills.transactions x SET result = bills.transaction_json(t)
      WHERE x.book_id = b.book_id AND x.id = t.id
      RETURNING * INTO t;
      RETURN jsonb_build_object('status', 201, 'body', t.result);
    END IF;
    SELECT * INTO t FROM bills.transactions x
    WHERE x.book_id = b.book_id AND x.transaction_ref_id = ref;
  END IF;

  IF (t.amount, t.type, t.ref_id) IS DISTINCT FROM (amount, kind, body ->> 'refId')
     OR NOT EXISTS (SELECT 1 FROM bills.customers x
                    WHERE x.book_id = b.book_id AND x.id = t.customer_id
                      AND x.customer_identifier = body ->> 'customerIdentifier') THEN
    RETURN bills.error(409, format('transactionRefId %s was used for another transaction', ref));
  END IF;
  RETURN jsonb_build_object('status', 201, 'body', t.result,
                            'headers', jsonb_build_object('Idempotent-Replayed', 'true'));
END
$$;

COMMENT ON FUNCTION bills.h_transaction_create(jsonb) IS
  'POST /transaction/ from the biller''s proxy (X-API-Key): {amount, type, billerId, '
  'customerIdentifier, transactionRefId, refId}. Records a khata payment allocated oldest due '
  'first to the customer''s active bills (what is left stays as credit); 201 with the '
  'transaction. A retry with the same transactionRefId answers the first result again '
  '(Idempotent-Replayed: true); other details under that reference are 409. Refused: an '
  'unknown customer (404), a refId naming an expired bill or a customer with no active '
  'unpaid bill (409).';

CREATE FUNCTION bills.h_transaction_get(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b bills.billers := bills.request_biller(req);
  id_text text := req -> 'params' ->> 'id';
  t bills.transactions;
BEGIN
  IF b.biller_id IS NULL THEN
    RETURN bills.error(401, 'Send the biller''s API key (X-API-Key) or a biller token');
  END IF;
  IF id_text ~ '^[0-9]{1,18}$' THEN
    SELECT * INTO t FROM bills.transactions x
    WHERE x.book_id = b.book_id AND x.id = id_text::bigint;
  END IF;
  IF t.id IS NULL THEN
    RETURN bills.error(404, 'Transaction not found');
  END IF;
  RETURN jsonb_build_object('status', 200, 'body', bills.transaction_json(t));
END
$$;

COMMENT ON FUNCTION bills.h_transaction_get(jsonb) IS
  'GET /transaction/:id (X-API-Key or a biller token): the transaction as it is now.';

CREATE FUNCTION bills.h_transaction_update(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b bills.billers := bills.request_biller(req);
  id_text text := req -> 'params' ->> 'id';
  wanted text := CASE WHEN jsonb_typeof(req -> 'body') = 'object'
                      THEN req -> 'body' ->> 'status' END;
  t bills.transactions;
BEGIN
  IF b.biller_id IS NULL THEN
    RETURN bills.error(401, 'Send the biller''s API key (X-API-Key) or a biller token');
  END IF;
  IF id_text ~ '^[0-9]{1,18}$' THEN
    SELECT * INTO t FROM bills.transactions x
    WHERE x.book_id = b.book_id AND x.id = id_text::bigint FOR UPDATE;
  END IF;
  IF t.id IS NULL THEN
    RETURN bills.error(404, 'Transaction not found');
  END IF;
  IF wanted IS NULL OR wanted NOT IN ('completed', 'reversed') THEN
    RETURN bills.error(400, 'status must be completed or reversed');
  END IF;
  IF wanted = t.status THEN
    RETURN jsonb_build_object('status', 200, 'body', bills.transaction_json(t));
  END IF;
  IF t.status = 'reversed' THEN
    RETURN bills.error(409, 'A reversed transaction is final: report a new transaction');
  END IF;
  -- completed -> reversed: the payment leaves the bills, which owe again (unless expired).
  PERFORM khata.reverse_payment(t.book_id, t.payment_id, current_date);
  UPDATE bills.transactions x SET status = 'reversed', updated_at = now()
  WHERE x.book_id = t.book_id AND x.id = t.id
  RETURNING * INTO t;
  RETURN jsonb_build_object('status', 200, 'body', bills.transaction_json(t));
END
$$;

COMMENT ON FUNCTION bills.h_transaction_update(jsonb) IS
  'PATCH /transaction/:id {status} (X-API-Key or a biller token): completed -> reversed '
  'reverses the payment in khata (its bills owe again); reversed is final (409); the same '
  'status is a no-op.';
