-- The upload file format: one row per bill, columns named case-insensitively (spaces, _ and -
-- in a header are ignored, so "Customer Identifier", "customer_identifier" and
-- "customerIdentifier" are the same column). Rows become typed bills or per-row errors.

CREATE FUNCTION bills.upload_column(header text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE regexp_replace(lower(header), '[^a-z0-9]', '', 'g')
    WHEN 'customername' THEN 'customer name'
    WHEN 'name' THEN 'customer name'
    WHEN 'customeridentifier' THEN 'customer identifier'
    WHEN 'customerid' THEN 'customer identifier'
    WHEN 'identifier' THEN 'customer identifier'
    WHEN 'billnumber' THEN 'bill number'
    WHEN 'billno' THEN 'bill number'
    WHEN 'amount' THEN 'amount'
    WHEN 'billamount' THEN 'amount'
    WHEN 'billdate' THEN 'bill date'
    WHEN 'duedate' THEN 'due date'
    WHEN 'period' THEN 'period'
    WHEN 'billperiod' THEN 'period'
    WHEN 'billingperiod' THEN 'period'
  END
$$;

COMMENT ON FUNCTION bills.upload_column(text) IS
  'The upload field a header names (customer name, customer identifier, bill number, amount, '
  'bill date, due date, period), or NULL for a column the upload ignores.';

-- A date cell: ISO YYYY-MM-DD (XLSX date cells read as that, a time part is dropped) or
-- day first DD/MM/YYYY or DD-MM-YYYY. NULL when it is neither or no such day exists.
CREATE FUNCTION bills.upload_date(cell text)
RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  m text[];
BEGIN
  m := regexp_match(cell, '^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}:\d{2})?$');
  IF m IS NOT NULL THEN
    RETURN make_date(m[1]::int, m[2]::int, m[3]::int);
  END IF;
  m := regexp_match(cell, '^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$');
  IF m IS NOT NULL THEN
    RETURN make_date(m[3]::int, m[2]::int, m[1]::int);
  END IF;
  RETURN NULL;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format OR data_exception THEN
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION bills.upload_date(text) IS
  'A date cell of an upload: YYYY-MM-DD (optionally with a time, dropped), DD/MM/YYYY or '
  'DD-MM-YYYY; NULL when malformed or not a real day.';

CREATE TYPE bills.upload_row AS (line int, customer_identifier text, customer_name text,
  bill_number text, amount bigint, bill_date date, due_date date, period text, errors jsonb);

COMMENT ON TYPE bills.upload_row IS
  'One data row of an upload, typed, with its problems ([{line, field, message}]).';

-- One row's fields (by upload name, see bills.upload_column) typed and checked on their own;
-- twice lists the fields that two columns of the file give.
CREATE FUNCTION bills.upload_fields(line int, v jsonb, twice jsonb)
RETURNS bills.upload_row
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  cell text;
  problems jsonb;
  o bills.upload_row;
BEGIN
    problems := '[]';
    o.line := upload_fields.line;
    o.customer_identifier := v ->> 'customer identifier';
    o.customer_name := v ->> 'customer name';
    o.bill_number := v ->> 'bill number';
    o.period := v ->> 'period';
    o.amount := NULL;
    o.bill_date := NULL;
    o.due_date := NULL;

    SELECT problems || coalesce(jsonb_agg(jsonb_build_object('line', upload_fields.line,
             'field', t.f, 'message', 'two columns give the ' || t.f)), '[]')
    INTO problems FROM jsonb_array_elements_text(twice) AS t(f);
    FOREACH cell IN ARRAY ARRAY['customer identifier', 'customer name', 'bill number', 'amount',
                                'bill date', 'due date'] LOOP
      IF v ->> cell IS NULL THEN
        problems := problems || jsonb_build_object('line', line, 'field', cell,
                                                   'message', cell || ' is required');
      END IF;
    END LOOP;
    IF length(o.customer_identifier) > 100 OR length(o.bill_number) > 100
       OR length(o.customer_name) > 200 OR length(o.period) > 100 THEN
      problems := problems || jsonb_build_object('line', line, 'field',
        CASE WHEN length(o.customer_identifier) > 100 THEN 'customer identifier'
             WHEN length(o.bill_number) > 100 THEN 'bill number'
             WHEN length(o.customer_name) > 200 THEN 'customer name' ELSE 'period' END,
        'message', 'too long (identifiers and bill numbers up to 100 characters, names 200)');
    END IF;
    IF v ? 'amount' THEN
      BEGIN
        o.amount := khata.parse_amount(v ->> 'amount', 2);
        IF o.amount <= 0 THEN
          problems := problems || jsonb_build_object('line', line, 'field', 'amount',
            'message', format('amount %s is not positive', v ->> 'amount'));
        END IF;
      EXCEPTION WHEN data_exception THEN
        problems := problems || jsonb_build_object('line', line, 'field', 'amount',
          'message', format('amount "%s" is not a number with at most 2 decimals',
                            v ->> 'amount'));
      END;
    END IF;
    IF v ? 'bill date' THEN
      o.bill_date := bills.upload_date(v ->> 'bill date');
      IF o.bill_date IS NULL THEN
        problems := problems || jsonb_build_object('line', line, 'field', 'bill date',
          'message', format('"%s" is not a date (YYYY-MM-DD or DD/MM/YYYY)', v ->> 'bill date'));
      END IF;
    END IF;
    IF v ? 'due date' THEN
      o.due_date := bills.upload_date(v ->> 'due date');
      IF o.due_date IS NULL THEN
        problems := problems || jsonb_build_object('line', line, 'field', 'due date',
          'message', format('"%s" is not a date (YYYY-MM-DD or DD/MM/YYYY)', v ->> 'due date'));
      ELSIF o.due_date < o.bill_date THEN
        problems := problems || jsonb_build_object('line', line, 'field', 'due date',
          'message', format('due date %s is before the bill date %s', o.due_date, o.bill_date));
      END IF;
    END IF;
    o.errors := problems;
  RETURN o;
END
$$;

COMMENT ON FUNCTION bills.upload_fields(int, jsonb, jsonb) IS
  'One upload row typed: required fields, amount in minor units, dates, lengths; its problems '
  'in errors ([{line, field, message}]).';

-- Set-based, so that a file of 10,000 rows is read in a fraction of a second: each header is
-- mapped to its field once, and repeated bill numbers are found by a window.
CREATE FUNCTION bills.parse_upload(data bytea)
RETURNS SETOF bills.upload_row
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH t AS (
    SELECT r.line, r.cells FROM khata.read_table(data) r
  ), m AS (
    SELECT k.key, bills.upload_column(k.key) AS f
    FROM (SELECT DISTINCT jsonb_object_keys(t.cells) AS key FROM t) k
  ), per_field AS (
    SELECT t.line, m.f, min(c.value) AS val, count(*) AS copies
    FROM t, jsonb_each_text(t.cells) c JOIN m ON m.key = c.key
    WHERE m.f IS NOT NULL
    GROUP BY t.line, m.f
  ), v AS (
    SELECT t.line,
           coalesce(jsonb_object_agg(p.f, p.val) FILTER (WHERE p.f IS NOT NULL), '{}') AS v,
           coalesce(jsonb_agg(p.f) FILTER (WHERE p.copies > 1), '[]') AS twice
    FROM t LEFT JOIN per_field p ON p.line = t.line
    GROUP BY t.line
  ), typed AS (
    SELECT u.*, min(u.line) OVER (PARTITION BY u.bill_number) AS first_line
    FROM v, LATERAL bills.upload_fields(v.line, v.v, v.twice) u
  )
  SELECT typed.line, typed.customer_identifier, typed.customer_name, typed.bill_number,
         typed.amount, typed.bill_date, typed.due_date, typed.period,
         typed.errors || CASE WHEN typed.bill_number IS NOT NULL AND typed.first_line < typed.line
                              THEN jsonb_build_array(jsonb_build_object('line', typed.line,
                                     'field', 'bill number', 'message',
                                     format('bill number %s is already on line %s',
                                            typed.bill_number, typed.first_line)))
                              ELSE '[]' END
  FROM typed
  ORDER BY typed.line
$$;

COMMENT ON FUNCTION bills.parse_upload(bytea) IS
  'Reads an upload (CSV or XLSX, through khata.read_table) into one typed bill per row, with '
  'the row''s problems in errors ([{line, field, message}], empty when the row is good). The '
  'header is line 1. File-level refusals raise as read_table does (22K60-22K66).';
