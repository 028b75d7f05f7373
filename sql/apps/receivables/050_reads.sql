-- Reads: the customers' data sheet and the invoice tracker, always of one snapshot and
-- always through receivables.can_see.

-- The upload a read is about: month and financialYear name one; financialYear alone its
-- latest; neither the latest of all. NULL when there is none.
CREATE FUNCTION receivables.snapshot(month text, financial_year text)
RETURNS receivables.uploads
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.* FROM receivables.uploads u
  WHERE CASE WHEN nullif(snapshot.month, '') IS NOT NULL
               THEN u.period = receivables.period(snapshot.month,
                 coalesce(nullif(snapshot.financial_year, ''),
                          receivables.financial_year(CURRENT_DATE)))
             WHEN nullif(snapshot.financial_year, '') IS NOT NULL
               THEN u.financial_year = snapshot.financial_year
             ELSE true END
  ORDER BY u.period DESC LIMIT 1
$$;

COMMENT ON FUNCTION receivables.snapshot(text, text) IS
  'The upload a read shows: of the month (and financial year) given, else the latest of the '
  'financial year given, else the latest; NULL when there is none.';

CREATE FUNCTION receivables.snapshot_invoices(me receivables.users, snap receivables.uploads,
                                              department text DEFAULT NULL,
                                              region text DEFAULT NULL)
RETURNS TABLE (document_id bigint, customer_id bigint, customer_code text, customer_name text,
               region text, department text, invoice_number text, invoice_date date,
               due_date date, amount bigint, outstanding bigint, status text, age_days int,
               bucket text, engineer_id bigint, engineer_name text, remark text, notes text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT d.id, c.id, c.code, c.name, c.region, ui.department, d.number, d.document_date,
         d.due_date, d.amount, coalesce(o.outstanding, 0),
         CASE WHEN o.document_id IS NULL THEN 'paid' WHEN o.status = 'disputed' THEN 'dispute'
              ELSE 'unpaid' END,
         snap.as_of - d.document_date, receivables.age_bucket(snap.as_of, d.due_date),
         e.id, e.name, c.remark, c.notes
  FROM receivables.upload_invoices ui
  JOIN receivables.customers c ON c.id = ui.customer_id
  JOIN khata.documents d ON d.book_id = receivables.book_if_any() AND d.id = ui.document_id
  LEFT JOIN khata.outstanding(receivables.book_if_any(), NULL, snap.as_of) o
    ON o.document_id = d.id
  LEFT JOIN receivables.users e ON e.id = c.assigned_engineer
  WHERE ui.upload_id = snap.id AND receivables.can_see(me, c)
    AND (nullif(snapshot_invoices.department, '') IS NULL
         OR lower(ui.department) = lower(snapshot_invoices.department))
    AND (nullif(snapshot_invoices.region, '') IS NULL
         OR c.region = lower(snapshot_invoices.region))
$$;

COMMENT ON FUNCTION receivables.snapshot_invoices(receivables.users, receivables.uploads, text, text) IS
  'The invoices of an upload the user may see (optionally of one department and region), with '
  'what they owe and their status as of the snapshot''s date (khata.outstanding).';

CREATE FUNCTION receivables.h_customers(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  snap receivables.uploads := receivables.snapshot(req -> 'query' ->> 'month',
                                                   req -> 'query' ->> 'financialYear');
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  RETURN jsonb_build_object('status', 200, 'body', coalesce((
    SELECT jsonb_agg(jsonb_build_object(
             'id', c.id::text, '_id', c.id::text, 'customerCode', c.code, 'customerName', c.name,
             'region', c.region, 'outstandingAmount', khata.format_amount(i.owed, 2),
             'remarks', c.remark, 'notes', c.notes,
             'assignedEngineer', (SELECT jsonb_build_object('id', e.id::text, 'name', e.name)
                                  FROM receivables.users e WHERE e.id = c.assigned_engineer),
             'invoices', i.invoices, 'createdAt', c.created_at, 'updatedAt', c.updated_at)
           ORDER BY c.code)
    FROM receivables.customers c
    JOIN (SELECT s.customer_id, sum(s.outstanding)::bigint AS owed,
                 jsonb_agg(jsonb_build_object(
                   'invoiceNumber', s.invoice_number,
                   'invoiceAmount', khata.format_amount(s.amount, 2),
                   'outstandingAmount', khata.format_amount(s.outstanding, 2),
                   'invoiceDate', s.invoice_date, 'dueDate', s.due_date, 'status', s.status,
                   'department', s.department, 'ageInDays', s.age_days, 'bucket', s.bucket)
                   ORDER BY s.invoice_date, s.invoice_number) AS invoices
          FROM receivables.snapshot_invoices(me, snap, req -> 'query' ->> 'department') s
          GROUP BY s.customer_id) i ON i.customer_id = c.id), '[]'));
END
$$;

COMMENT ON FUNCTION receivables.h_customers(jsonb) IS
  'GET /api/customers?department&financialYear&month: the customers the user may see in the '
  'snapshot, each with its invoices and outstanding amount.';

CREATE FUNCTION receivables.h_invoice_tracker(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  snap receivables.uploads := receivables.snapshot(req -> 'query' ->> 'month',
                                                   req -> 'query' ->> 'financialYear');
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  RETURN jsonb_build_object('status', 200, 'body', coalesce((
    SELECT jsonb_agg(jsonb_build_object(
             'invoiceNumber', s.invoice_number, 'customerId', s.customer_id::text,
             'customerCode', s.customer_code, 'customerName', s.customer_name,
             'region', s.region, 'department', s.department,
             'invoiceAmount', khata.format_amount(s.amount, 2),
             'amount', khata.format_amount(s.outstanding, 2),
             'invoiceDate', s.invoice_date, 'dueDate', s.due_date, 'ageInDays', s.age_days,
             'bucket', s.bucket, 'status', s.status, 'engineer', s.engineer_name,
             'engineerId', s.engineer_id::text, 'remark', s.remark)
           ORDER BY s.age_days DESC, s.invoice_number)
    FROM receivables.snapshot_invoices(me, snap, req -> 'query' ->> 'department',
                                       req -> 'query' ->> 'region') s), '[]'));
END
$$;

COMMENT ON FUNCTION receivables.h_invoice_tracker(jsonb) IS
  'GET /api/invoice-tracker?region&department&financialYear&month: one row per invoice of the '
  'snapshot the user may see: number, customer, region, outstanding amount, date, age in days, '
  'bucket, status (paid, unpaid, dispute), engineer, remark. Oldest first.';
