-- What a month's upload changed since the previous month's.

CREATE FUNCTION receivables.upload_changes(previous_upload bigint, current_upload bigint, settled jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH p AS (SELECT * FROM receivables.upload_invoices WHERE upload_id = previous_upload),
  c AS (SELECT * FROM receivables.upload_invoices WHERE upload_id = current_upload),
  new AS (SELECT c.invoice_number FROM c WHERE NOT EXISTS
            (SELECT 1 FROM p WHERE p.document_id = c.document_id)),
  gone AS (SELECT p.invoice_number FROM p WHERE NOT EXISTS
             (SELECT 1 FROM c WHERE c.document_id = p.document_id)
           UNION
           SELECT s FROM jsonb_array_elements_text(settled) s),
  both_ AS (SELECT c.invoice_number, p.outstanding AS was, c.outstanding AS now,
                   p.bucket AS was_bucket, c.bucket AS now_bucket
            FROM c JOIN p ON p.document_id = c.document_id)
  SELECT jsonb_build_object(
    'new', coalesce((SELECT jsonb_agg(invoice_number ORDER BY invoice_number) FROM new), '[]'),
    'settled', coalesce((SELECT jsonb_agg(invoice_number ORDER BY invoice_number) FROM gone), '[]'),
    'changed', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'invoiceNumber', invoice_number, 'from', khata.format_amount(was, 2),
        'to', khata.format_amount(now, 2)) ORDER BY invoice_number)
      FROM both_ WHERE was <> now), '[]'),
    'bucketMoves', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'invoiceNumber', invoice_number, 'from', was_bucket, 'to', now_bucket)
        ORDER BY invoice_number)
      FROM both_ WHERE was_bucket <> now_bucket), '[]'),
    'counts', jsonb_build_object(
      'new', (SELECT count(*) FROM new), 'settled', (SELECT count(*) FROM gone),
      'changed', (SELECT count(*) FROM both_ WHERE was <> now),
      'unchanged', (SELECT count(*) FROM both_ WHERE was = now),
      'bucketMoves', (SELECT count(*) FROM both_ WHERE was_bucket <> now_bucket)))
$$;

COMMENT ON FUNCTION receivables.upload_changes(bigint, bigint, jsonb) IS
  'Changes from the previous upload to the current one: new invoices, settled ones (absent '
  'now), changed outstanding amounts, moves between age buckets, and their counts.';
