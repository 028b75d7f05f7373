-- POST /customer/upload/:billerId: one file is one version of the biller's bills, applied in
-- one transaction. Customers are created or renamed; each customer in the file gets the
-- file's bills as its active bills, and its earlier bills that still owe are expired.

-- A customer's rows go in whole or not at all: one bad row keeps its good rows out too, since
-- a partial version would expire bills the file still lists. The good rows kept out, and rows
-- that disagree with what the book holds, are reported as errors like the malformed ones.
CREATE FUNCTION bills.upload_plan(book bigint, parsed bills.upload_row[])
RETURNS SETOF bills.upload_row
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH checked AS (
    SELECT p.line, p.customer_identifier, p.customer_name, p.bill_number, p.amount,
           p.bill_date, p.due_date, p.period,
           p.errors
           || CASE WHEN p.customer_identifier IS NOT NULL
                        AND p.customer_name IS DISTINCT FROM first_value(p.customer_name) OVER w
                   THEN jsonb_build_array(jsonb_build_object('line', p.line,
                          'field', 'customer name', 'message',
                          format('customer %s is named %s on line %s', p.customer_identifier,
                                 first_value(p.customer_name) OVER w,
                                 first_value(p.line) OVER w)))
                   ELSE '[]' END
           || CASE WHEN d.id IS NULL THEN '[]'
                   WHEN d.party <> p.customer_identifier
                   THEN jsonb_build_array(jsonb_build_object('line', p.line,
                          'field', 'bill number', 'message',
                          format('bill number %s belongs to another customer', p.bill_number)))
                   WHEN (d.amount, d.document_date, d.due_date, d.metadata ->> 'period')
                        IS DISTINCT FROM (p.amount, p.bill_date, p.due_date, p.period)
                   THEN jsonb_build_array(jsonb_build_object('line', p.line,
                          'field', 'bill number', 'message',
                          format('bill %s was uploaded before with another amount, dates or '
                                 'period: give a changed bill a new number', p.bill_number)))
                   ELSE '[]' END AS errors
    FROM unnest(parsed) p
    LEFT JOIN khata.documents d
      ON d.book_id = book AND d.kind = 'bill' AND d.number = p.bill_number
    WINDOW w AS (PARTITION BY p.customer_identifier ORDER BY p.line)
  ), bad_customers AS (
    SELECT c.customer_identifier, min(c.line) AS line FROM checked c
    WHERE c.errors <> '[]' AND c.customer_identifier IS NOT NULL
    GROUP BY c.customer_identifier
  )
  SELECT c.line, c.customer_identifier, c.customer_name, c.bill_number, c.amount, c.bill_date,
         c.due_date, c.period,
         CASE WHEN c.errors = '[]' AND b.line IS NOT NULL
              THEN jsonb_build_array(jsonb_build_object('line', c.line, 'field', NULL,
                     'message', format('not imported: customer %s has an error on line %s',
                                       c.customer_identifier, b.line)))
              ELSE c.errors END
  FROM checked c LEFT JOIN bad_customers b USING (customer_identifier)
  ORDER BY c.line
$$;

COMMENT ON FUNCTION bills.upload_plan(bigint, bills.upload_row[]) IS
  'The parsed rows of an upload checked against each other and the biller''s book: a customer '
  'named two ways, a bill number of another customer or with other details are errors, and '
  'every row of a customer with an error is kept out (its good rows say why).';

-- Plans are made per call (plan_cache_mode): a generic plan made while the biller's book was
-- still small would keep scanning documents whole as the upload fills it.
CREATE FUNCTION bills.h_customer_upload(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  b bills.billers := bills.token_biller(req);
  f jsonb;
  atomic_text text := lower(req -> 'query' ->> 'atomic');
  is_atomic boolean := coalesce(lower(req -> 'query' ->> 'atomic') IN ('true', '1'), false);
  parsed bills.upload_row[];
  plan bills.upload_row[];
  errors jsonb;
  upload_id bigint;
  c record;
  r bills.upload_row;
  d khata.documents;
  customer_id bigint;
  inserted boolean;
  n_customers_created int := 0;
  n_customers_updated int := 0;
  n_created int := 0;
  n_expired int := 0;
  n_reactivated int := 0;
  n_imported int := 0;
  result_body jsonb;
BEGIN
  IF b.biller_id IS NULL OR b.biller_id IS DISTINCT FROM req -> 'params' ->> 'billerId' THEN
    RETURN bills.error(404, 'Biller not found');
  END IF;
  IF atomic_text IS NOT NULL AND atomic_text NOT IN ('true', 'false', '1', '0') THEN
    RETURN bills.error(400, 'atomic must be true or false');
  END IF;
  SELECT x.value INTO f FROM jsonb_array_elements(coalesce(req -> 'files', '[]')) AS x(value)
  WHERE x.value ->> 'field' = 'file' LIMIT 1;
  IF f IS NULL THEN
    RETURN bills.error(400, 'Send the file as multipart/form-data in the field "file"');
  END IF;

  BEGIN
    SELECT array_agg(p ORDER BY p.line) INTO parsed
    FROM bills.parse_upload(decode(f ->> 'data', 'base64')) p;
  EXCEPTION WHEN data_exception THEN
    -- The file as a whole is refused: unreadable, over a cap, an XML entity, no header...
    IF SQLSTATE LIKE '22K6_' THEN
      RETURN bills.error(400, 'The file cannot be read: ' || SQLERRM);
    END IF;
    RAISE;
  END;

  -- One upload at a time per biller: versions apply in the order they commit.
  PERFORM 1 FROM bills.billers x WHERE x.book_id = b.book_id FOR UPDATE;
  SELECT array_agg(p ORDER BY p.line) INTO plan
  FROM bills.upload_plan(b.book_id, coalesce(parsed, '{}')) p;
  SELECT coalesce(jsonb_agg(e ORDER BY (e ->> 'line')::int), '[]') INTO errors
  FROM unnest(coalesce(plan, '{}')) p, jsonb_array_elements(p.errors) e;

  IF errors <> '[]' AND is_atomic THEN
    RETURN jsonb_set(bills.error(422, 'The file has errors: nothing was imported', errors),
                     '{body,rowsRead}', to_jsonb(coalesce(cardinality(parsed), 0)));
  END IF;

  INSERT INTO bills.uploads AS u (book_id, filename, sha256, atomic, summary)
  VALUES (b.book_id, f ->> 'filename', sha256(decode(f ->> 'data', 'base64')),
          is_atomic, '{}')
  RETURNING u.id INTO upload_id;

  -- Customer by customer, in identifier order.
  FOR c IN SELECT p.customer_identifier, min(p.customer_name) AS customer_name,
                  array_agg(p.bill_number) AS numbers, array_agg(p ORDER BY p.line) AS rows
           FROM unnest(coalesce(plan, '{}')) p WHERE p.errors = '[]'
           GROUP BY p.customer_identifier ORDER BY p.customer_identifier
  LOOP
    INSERT INTO bills.customers AS x (book_id, customer_identifier, customer_name)
    VALUES (b.book_id, c.customer_identifier, c.customer_name)
    ON CONFLICT (book_id, customer_identifier) DO UPDATE
      SET customer_name = EXCLUDED.customer_name, updated_at = now()
      WHERE x.customer_name IS DISTINCT FROM EXCLUDED.customer_name
    RETURNING x.id, (x.xmax = 0) INTO customer_id, inserted;
    IF FOUND THEN
      IF inserted THEN
        n_customers_created := n_customers_created + 1;
      ELSE
        n_customers_updated := n_customers_updated + 1;
      END IF;
    END IF;

    FOREACH r IN ARRAY c.rows LOOP
      n_imported := n_imported + 1;
      SELECT * INTO d FROM khata.documents x
      WHERE x.book_id = b.book_id AND x.kind = 'bill' AND x.number = r.bill_number;
      IF d.id IS NULL THEN
        PERFORM khata.create_document(b.book_id, 'bill', r.customer_identifier, r.bill_number,
                                      r.bill_date, r.amount, r.due_date, 'BDT', NULL, '{}',
                                      jsonb_build_object('period', r.period,
                                                         'upload_id', upload_id));
        n_created := n_created + 1;
      ELSIF d.status = 'expired' THEN
        -- An earlier version uploaded again: its bills become the active ones again.
        PERFORM khata.set_document_status(b.book_id, d.id, 'open',
                                          'listed again by upload ' || upload_id,
                                          greatest(current_date, d.status_since));
        n_reactivated := n_reactivated + 1;
      END IF;
    END LOOP;

    -- The customer's bills that still owe and are not in this version expire.
    FOR d IN SELECT * FROM khata.documents x
             WHERE x.book_id = b.book_id AND x.kind = 'bill'
               AND x.party = c.customer_identifier
               AND x.status IN ('open', 'partially_paid', 'disputed')
               AND NOT x.number = ANY (c.numbers)
             ORDER BY x.id
    LOOP
      PERFORM khata.set_document_status(b.book_id, d.id, 'expired',
                                        'replaced by upload ' || upload_id,
                                        greatest(current_date, d.status_since));
      n_expired := n_expired + 1;
    END LOOP;
  END LOOP;

  result_body := jsonb_build_object(
    'success', true, 'uploadId', upload_id::text,
    'rowsRead', coalesce(cardinality(parsed), 0), 'rowsImported', n_imported,
    'customersCreated', n_customers_created, 'customersUpdated', n_customers_updated,
    'billsCreated', n_created, 'billsExpired', n_expired, 'billsReactivated', n_reactivated,
    'errors', errors);
  UPDATE bills.uploads u SET summary = result_body
  WHERE u.book_id = b.book_id AND u.id = upload_id;
  RETURN jsonb_build_object('status', 200, 'body', result_body);
END
$$;

COMMENT ON FUNCTION bills.h_customer_upload(jsonb) IS
  'POST /customer/upload/:billerId (multipart field file, CSV or XLSX; ?atomic=true imports '
  'nothing when a row has an error, 422): creates or renames customers, makes the file''s '
  'bills each customer''s active ones and expires their other bills that still owe. Answers '
  'rowsRead, rowsImported, customersCreated/Updated, billsCreated/Expired/Reactivated and '
  'errors [{line, field, message}] (header = line 1).';
