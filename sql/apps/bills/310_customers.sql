-- GET /customer/ and GET /bills/:customerId: a biller's own customers and their bills.
-- The spec sends their parameters as a JSON body on GET; the query string works as well.

CREATE FUNCTION bills.h_customers(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b bills.billers := bills.token_biller(req);
  asked text := bills.request_value(req, 'billerId');
BEGIN
  -- Another biller's id is answered as if it did not exist.
  IF b.biller_id IS NULL OR (asked IS NOT NULL AND asked <> b.biller_id) THEN
    RETURN bills.error(404, 'Biller not found');
  END IF;
  RETURN jsonb_build_object('status', 200, 'body', (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
             '_id', c.id::text, 'customerName', c.customer_name,
             'customerIdentifier', c.customer_identifier, 'billerId', b.biller_id,
             'bills', (SELECT coalesce(jsonb_agg(d.id::text ORDER BY d.due_date, d.id), '[]')
                       FROM khata.documents d
                       WHERE d.book_id = b.book_id AND d.kind = 'bill'
                         AND d.party = c.customer_identifier),
             'activeBills', (SELECT coalesce(jsonb_agg(d.id::text ORDER BY d.due_date, d.id), '[]')
                             FROM khata.documents d
                             WHERE d.book_id = b.book_id AND d.kind = 'bill'
                               AND d.party = c.customer_identifier AND d.status <> 'expired'),
             '__v', 0) ORDER BY c.id), '[]')
    FROM bills.customers c WHERE c.book_id = b.book_id));
END
$$;

COMMENT ON FUNCTION bills.h_customers(jsonb) IS
  'GET /customer/ ({billerId} in the body or query, optional, must be the token''s biller): '
  'the biller''s customers with the ids of all their bills (bills) and of the active ones '
  '(activeBills). 404 for another biller.';

CREATE FUNCTION bills.bill_json(d khata.documents, c bills.customers)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
    '_id', d.id::text, 'billNumber', d.number, 'customerId', c.id::text,
    'customerIdentifier', c.customer_identifier, 'customerName', c.customer_name,
    'amount', khata.format_amount(d.amount, 2),
    'billDate', d.document_date, 'dueDate', d.due_date, 'period', d.metadata ->> 'period',
    'paid', khata.format_amount(d.settled, 2),
    -- An expired bill owes nothing: the version that replaced it does.
    'outstanding', khata.format_amount(CASE WHEN d.status = 'expired' THEN 0
                                            ELSE d.amount - d.settled END, 2),
    'status', d.status, 'expired', d.status = 'expired')
$$;

COMMENT ON FUNCTION bills.bill_json(khata.documents, bills.customers) IS
  'A bill as the API shows it: amount, paid and outstanding in taka, dates, period, status.';

CREATE FUNCTION bills.h_bills(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b bills.billers := bills.token_biller(req);
  id_text text := req -> 'params' ->> 'customerId';
  expired_text text := lower(bills.request_value(req, 'expired'));
  c bills.customers;
BEGIN
  IF expired_text IS NOT NULL AND expired_text NOT IN ('true', 'false') THEN
    RETURN bills.error(400, 'expired must be true or false');
  END IF;
  IF id_text ~ '^[0-9]{1,18}$' THEN
    SELECT * INTO c FROM bills.customers x
    WHERE x.book_id = b.book_id AND x.id = id_text::bigint;
  END IF;
  IF c.id IS NULL THEN
    RETURN bills.error(404, 'Customer not found');
  END IF;
  RETURN jsonb_build_object('status', 200, 'body', (
    SELECT coalesce(jsonb_agg(bills.bill_json(d, c) ORDER BY d.due_date, d.id), '[]')
    FROM khata.documents d
    WHERE d.book_id = b.book_id AND d.kind = 'bill' AND d.party = c.customer_identifier
      AND (d.status = 'expired') = coalesce(expired_text = 'true', false)));
END
$$;

COMMENT ON FUNCTION bills.h_bills(jsonb) IS
  'GET /bills/:customerId ({expired: true|false} in the body or query, default false): the '
  'customer''s expired bills, or its active ones (open, partially paid or paid), oldest due '
  'first, each with amount, paid, outstanding and status. 404 for another biller''s customer.';
