-- POST /api/upload: a month's outstanding invoices from an XLSX file, as one snapshot.

-- A date cell: YYYY-MM-DD (what khata.read_table makes of an Excel date, with or without a
-- time), DD-MM-YYYY or DD/MM/YYYY (day first, as Indian sheets write dates); NULL otherwise.
CREATE FUNCTION receivables.parse_date(cell text)
RETURNS date
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p text[];
BEGIN
  p := regexp_match(cell, '^([0-9]{4})-([0-9]{2})-([0-9]{2})(T[0-9:]+)?$');
  IF p IS NOT NULL THEN
    RETURN make_date(p[1]::int, p[2]::int, p[3]::int);
  END IF;
  p := regexp_match(cell, '^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$');
  IF p IS NOT NULL THEN
    RETURN make_date(p[3]::int, p[2]::int, p[1]::int);
  END IF;
  RETURN NULL;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION receivables.parse_date(text) IS
  'An upload''s date cell: YYYY-MM-DD[Thh:mm:ss], DD-MM-YYYY or DD/MM/YYYY; NULL if not a date.';

-- One row of the file, checked: {line, code, name, region, number, invoice_date, due_date,
-- amount, department} or {line, error}.
CREATE FUNCTION receivables.check_upload_row(line int, cells jsonb, as_of date)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  code text := cells ->> 'customer code';
  name text := cells ->> 'customer name';
  region text := lower(cells ->> 'region');
  number text := cells ->> 'invoice number';
  invoice_date date := receivables.parse_date(cells ->> 'invoice date');
  due_date date;
  amount bigint;
  credit_days int;
  fail text;
BEGIN
  fail := CASE
    WHEN code IS NULL THEN 'customer code is empty'
    WHEN name IS NULL THEN 'customer name is empty'
    WHEN region IS NULL THEN 'region is empty'
    WHEN region NOT IN ('ahmedabad', 'banglore', 'chennai', 'delhi', 'export', 'goa',
                        'hyderabad', 'indore', 'jaipur', 'kolkata', 'mumbai', 'nagpur', 'odisha',
                        'pune', 'punjab', 'raipur', 'vizag', 'wie')
      THEN format('region "%s" is not one of the tracker''s regions', cells ->> 'region')
    WHEN number IS NULL THEN 'invoice number is empty'
    WHEN invoice_date IS NULL
      THEN format('invoice date "%s" is not a date', coalesce(cells ->> 'invoice date', ''))
    WHEN invoice_date > as_of
      THEN format('invoice date %s is after the month''s end (%s)', invoice_date, as_of)
    WHEN cells ->> 'amount' IS NULL THEN 'amount is empty'
  END;
  IF fail IS NULL THEN
    BEGIN
      amount := khata.parse_amount(replace(cells ->> 'amount', ',', ''), 2);
    EXCEPTION WHEN data_exception THEN
      fail := format('amount "%s" is not an amount with at most 2 decimals', cells ->> 'amount');
    END;
  END IF;
  IF fail IS NULL AND amount <= 0 THEN
    fail := format('amount %s is not positive', cells ->> 'amount');
  END IF;
  IF fail IS NULL AND cells ? 'due date' THEN
    due_date := receivables.parse_date(cells ->> 'due date');
    fail := CASE WHEN due_date IS NULL THEN format('due date "%s" is not a date', cells ->> 'due date')
                 WHEN due_date < invoice_date THEN 'due date is before the invoice date' END;
  ELSIF fail IS NULL AND cells ? 'credit days' THEN
    IF cells ->> 'credit days' ~ '^[0-9]{1,4}$' THEN
      credit_days := (cells ->> 'credit days')::int;
      due_date := invoice_date + credit_days;
    ELSE
      fail := format('credit days "%s" is not a whole number of days', cells ->> 'credit days');
    END IF;
  ELSIF fail IS NULL THEN
    due_date := invoice_date;
  END IF;
  IF fail IS NOT NULL THEN
    RETURN jsonb_build_object('line', line, 'error', fail);
  END IF;
  RETURN jsonb_build_object('line', line, 'code', code, 'name', name, 'region', region,
                            'number', number, 'invoice_date', invoice_date,
                            'due_date', due_date, 'amount', amount,
                            'department', cells ->> 'department');
END
$$;

COMMENT ON FUNCTION receivables.check_upload_row(int, jsonb, date) IS
  'Checks one upload row (cells by header name) for a snapshot dated as_of; returns the row '
  'typed, or {line, error}.';

CREATE FUNCTION receivables.h_upload(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  f jsonb;
  start date;
  as_of date;
  rows jsonb;
  checked jsonb;
  errors jsonb;
  missing text[];
  book bigint;
  this_upload bigint;
  previous receivables.uploads;
  r record;
  doc khata.documents;
  customer bigint;
  new_changes jsonb;
  settled jsonb := '[]';
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  IF me.role NOT IN ('Country Manager', 'Admin') THEN
    RETURN receivables.error(403, 'Only a Country Manager or an Admin can upload.');
  END IF;
  SELECT x INTO f FROM jsonb_array_elements(coalesce(req -> 'files', '[]')) x
  WHERE x ->> 'field' = 'file' LIMIT 1;
  IF f IS NULL THEN
    RETURN receivables.error(400, 'A file is required.');
  END IF;
  start := receivables.period(req -> 'body' ->> 'month', req -> 'body' ->> 'financialYear');
  IF start IS NULL THEN
    RETURN receivables.error(400, 'month and financialYear (like 2025-26) are required.');
  END IF;
  as_of := (start + interval '1 month - 1 day')::date;
  -- Months are uploaded in order: a snapshot never rewrites history a later one built on.
  IF EXISTS (SELECT 1 FROM receivables.uploads u WHERE u.period >= start) THEN
    RETURN receivables.error(409, format('%s or a later month is already uploaded.',
                                         to_char(start, 'FMMonth YYYY')));
  END IF;

  BEGIN
    SELECT jsonb_agg(jsonb_build_object('line', t.line, 'cells', t.cells) ORDER BY t.line)
    INTO rows FROM khata.read_table(decode(f ->> 'data', 'base64'), NULL, NULL) t;
  EXCEPTION WHEN data_exception THEN
    RETURN jsonb_build_object('status', 400, 'body', jsonb_build_object(
      'error', 'File processing failed.', 'errors', jsonb_build_array(jsonb_build_object(
        'line', NULL, 'error', 'the file is not a readable XLSX workbook'))));
  END;
  IF rows IS NULL THEN
    RETURN jsonb_build_object('status', 400, 'body', jsonb_build_object(
      'error', 'File processing failed.', 'errors', jsonb_build_array(jsonb_build_object(
        'line', NULL, 'error', 'the file has no invoice rows'))));
  END IF;
  SELECT array_agg(c) INTO missing
  FROM unnest(ARRAY['customer code', 'customer name', 'region', 'invoice number',
                    'invoice date', 'amount']) c
  WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(rows) x WHERE x -> 'cells' ? c);
  IF missing IS NOT NULL THEN
    RETURN jsonb_build_object('status', 400, 'body', jsonb_build_object(
      'error', 'File processing failed.', 'errors', jsonb_build_array(jsonb_build_object(
        'line', 1, 'error', 'the header has no column ' || array_to_string(missing, ', ')))));
  END IF;

  SELECT jsonb_agg(receivables.check_upload_row((x ->> 'line')::int, x -> 'cells', as_of)
                   ORDER BY (x ->> 'line')::int)
  INTO checked FROM jsonb_array_elements(rows) x;

  -- Errors of a row alone, then of rows against each other and against earlier uploads.
  WITH c AS (SELECT x FROM jsonb_array_elements(checked) x),
  ok AS (SELECT x ->> 'number' AS number, x ->> 'code' AS code, x ->> 'name' AS name,
                x ->> 'region' AS region, (x ->> 'line')::int AS line, (x ->> 'amount')::bigint AS amount
         FROM c WHERE NOT x ? 'error'),
  found AS (
    SELECT (x ->> 'line')::int AS line, x ->> 'error' AS error FROM c WHERE x ? 'error'
    UNION ALL
    SELECT o.line, format('invoice %s is also on line %s', o.number, first.line)
    FROM ok o JOIN LATERAL (SELECT min(p.line) AS line FROM ok p WHERE p.number = o.number) first
      ON first.line < o.line
    UNION ALL
    SELECT o.line, format('customer %s has name "%s" and region %s on line %s', o.code,
                          first.name, first.region, first.line)
    FROM ok o JOIN LATERAL (SELECT p.name, p.region, p.line FROM ok p WHERE p.code = o.code
                            ORDER BY p.line LIMIT 1) first
      ON (first.name, first.region) IS DISTINCT FROM (o.name, o.region)
    UNION ALL
    SELECT o.line, format('invoice %s belongs to customer %s', o.number, d.party)
    FROM ok o JOIN khata.documents d ON d.book_id = receivables.book_if_any()
      AND d.kind = 'invoice' AND d.number = o.number AND d.party <> o.code
    UNION ALL
    SELECT o.line, format('invoice %s was first uploaded for %s; it cannot owe more',
                          o.number, khata.format_amount(d.amount, 2))
    FROM ok o JOIN khata.documents d ON d.book_id = receivables.book_if_any()
      AND d.kind = 'invoice' AND d.number = o.number AND d.party = o.code AND o.amount > d.amount)
  SELECT jsonb_agg(jsonb_build_object('line', line, 'error', error) ORDER BY line)
  INTO errors FROM found;
  IF errors IS NOT NULL THEN
    RETURN jsonb_build_object('status', 400, 'body', jsonb_build_object(
      'error', 'File processing failed.', 'errors', errors));
  END IF;

  -- Everything checked: apply the snapshot.
  book := receivables.book();
  SELECT * INTO previous FROM receivables.uploads u ORDER BY u.period DESC LIMIT 1;
  INSERT INTO receivables.uploads AS u (financial_year, month, period, as_of, filename, rows,
                                        uploaded_by, changes)
  VALUES (receivables.financial_year(start), extract(month FROM start)::int, start, as_of,
          f ->> 'filename', jsonb_array_length(checked), me.id, '{}')
  RETURNING u.id INTO this_upload;

  FOR r IN SELECT x ->> 'code' AS code, x ->> 'name' AS name, x ->> 'region' AS region,
                  x ->> 'number' AS number, (x ->> 'invoice_date')::date AS invoice_date,
                  (x ->> 'due_date')::date AS due_date, (x ->> 'amount')::bigint AS amount,
                  x ->> 'department' AS department, (x ->> 'line')::int AS line
           FROM jsonb_array_elements(checked) x ORDER BY (x ->> 'line')::int
  LOOP
    INSERT INTO receivables.customers AS c (code, name, region)
    VALUES (r.code, r.name, r.region)
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, region = EXCLUDED.region,
      updated_at = CASE WHEN (c.name, c.region) = (EXCLUDED.name, EXCLUDED.region)
                        THEN c.updated_at ELSE now() END
    RETURNING c.id INTO customer;
    SELECT * INTO doc FROM khata.documents d
    WHERE d.book_id = book AND d.kind = 'invoice' AND d.number = r.number;
    IF doc.id IS NULL THEN
      doc.id := khata.create_document(book, 'invoice', r.code, r.number, r.invoice_date, r.amount,
                                      r.due_date, 'INR', NULL,
                                      jsonb_strip_nulls(jsonb_build_object('department', r.department)));
      doc.due_date := r.due_date;
    ELSE
      PERFORM receivables.set_outstanding(book, doc.id, r.amount, as_of, 'upload:' || this_upload);
    END IF;
    INSERT INTO receivables.upload_invoices (upload_id, document_id, customer_id, invoice_number,
                                             department, outstanding, due_date, bucket, line)
    VALUES (this_upload, doc.id, customer, r.number, r.department, r.amount, doc.due_date,
            receivables.age_bucket(as_of, doc.due_date), r.line);
  END LOOP;

  -- Invoices still owing that the file no longer lists were settled this month.
  FOR r IN SELECT d.id, d.number FROM khata.documents d
           WHERE d.book_id = book AND d.kind = 'invoice' AND d.settled < d.amount
             AND d.status NOT IN ('written_off', 'expired', 'void')
             AND NOT EXISTS (SELECT 1 FROM receivables.upload_invoices ui
                             WHERE ui.upload_id = this_upload AND ui.document_id = d.id)
           ORDER BY d.id
  LOOP
    PERFORM receivables.set_outstanding(book, r.id, 0, as_of, 'upload:' || this_upload);
    settled := settled || to_jsonb(r.number);
  END LOOP;

  new_changes := receivables.upload_changes(previous.id, this_upload, settled);
  UPDATE receivables.uploads u SET changes = new_changes WHERE u.id = this_upload;
  RETURN jsonb_build_object('status', 200, 'body', jsonb_build_object(
    'count', jsonb_array_length(checked), 'message', 'Upload successful.',
    'month', to_char(start, 'YYYY-MM'), 'financialYear', receivables.financial_year(start),
    'previousMonth', to_char(previous.period, 'YYYY-MM'), 'changes', new_changes));
END
$$;

COMMENT ON FUNCTION receivables.h_upload(jsonb) IS
  'POST /api/upload (multipart: file, month, financialYear), Country Manager or Admin only: '
  'the month''s outstanding invoices as one snapshot (created or updated, absent ones settled). '
  'Any bad row refuses the whole file: 400 {"error": "File processing failed.", "errors": '
  '[{line, error}]}. Returns {count, message, changes}.';
