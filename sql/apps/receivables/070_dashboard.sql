-- GET /api/dashboard: KPIs, outstanding by age, by region and month by month, from khata.aging.

-- khata.aging as of a date, per customer the user may see (and of one department).
CREATE FUNCTION receivables.visible_aging(me receivables.users, as_of date, department text)
RETURNS TABLE (customer_id bigint, region text, not_due bigint, aged bigint[], overdue bigint,
               disputed bigint, outstanding bigint, documents bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.id, c.region, sum(a.not_due)::bigint,
         ARRAY[sum(a.aged[1]), sum(a.aged[2]), sum(a.aged[3]), sum(a.aged[4])]::bigint[],
         sum(a.overdue)::bigint, sum(a.disputed)::bigint, sum(a.outstanding)::bigint,
         sum(a.documents)::bigint
  FROM khata.aging(receivables.book_if_any(), as_of, '{30,60,90}', 'due', '{party,department}') a
  JOIN receivables.customers c ON c.code = a.group_key ->> 'party'
  WHERE receivables.book_if_any() IS NOT NULL AND receivables.can_see(me, c)
    AND (nullif(visible_aging.department, '') IS NULL
         OR lower(a.group_key ->> 'department') = lower(visible_aging.department))
  GROUP BY c.id, c.region
$$;

COMMENT ON FUNCTION receivables.visible_aging(receivables.users, date, text) IS
  'khata.aging (buckets 30/60/90 days past due) as of a date, one row per customer the user '
  'may see, optionally of one department.';

CREATE FUNCTION receivables.collected(me receivables.users, from_date date, to_date date,
                                      department text)
RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(sum(a.amount), 0)::bigint
  FROM khata.allocations a
  JOIN khata.documents d ON d.book_id = a.book_id AND d.id = a.document_id
  JOIN receivables.customers c ON c.code = d.party
  WHERE a.book_id = receivables.book_if_any() AND d.kind = 'invoice'
    AND a.effective_on BETWEEN from_date AND to_date
    AND (a.reversed_on IS NULL OR a.reversed_on > to_date)
    AND receivables.can_see(me, c)
    AND (nullif(collected.department, '') IS NULL
         OR lower(d.dimensions ->> 'department') = lower(collected.department))
$$;

COMMENT ON FUNCTION receivables.collected(receivables.users, date, date, text) IS
  'What was collected on the invoices of customers the user may see between two dates (minor '
  'units): allocations dated then and not reversed by the end date.';

CREATE FUNCTION receivables.h_dashboard(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  department text := req -> 'query' ->> 'department';
  snap receivables.uploads := receivables.snapshot(req -> 'query' ->> 'month',
                                                   req -> 'query' ->> 'financialYear');
  as_of date;
  t record;
  kpis jsonb;
  by_age jsonb;
  regions jsonb;
  trends jsonb;
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  as_of := coalesce(snap.as_of, CURRENT_DATE);
  SELECT coalesce(sum(v.not_due), 0)::bigint AS not_due,
         coalesce(sum(v.aged[1]), 0)::bigint AS a1, coalesce(sum(v.aged[2]), 0)::bigint AS a2,
         coalesce(sum(v.aged[3]), 0)::bigint AS a3, coalesce(sum(v.aged[4]), 0)::bigint AS a4,
         coalesce(sum(v.overdue), 0)::bigint AS overdue,
         coalesce(sum(v.disputed), 0)::bigint AS disputed,
         coalesce(sum(v.outstanding), 0)::bigint AS outstanding,
         coalesce(sum(v.documents), 0)::bigint AS documents,
         count(*) FILTER (WHERE v.overdue > 0) AS customers_overdue,
         count(*) AS customers
  INTO t FROM receivables.visible_aging(me, as_of, department) v
  WHERE snap.id IS NOT NULL;

  kpis := jsonb_build_object(
    'totalOutstanding', khata.format_amount(t.outstanding, 2),
    'overdue', khata.format_amount(t.overdue, 2),
    'disputed', khata.format_amount(t.disputed, 2),
    'collectedThisMonth', khata.format_amount(CASE WHEN snap.id IS NULL THEN 0
      ELSE receivables.collected(me, snap.period, snap.as_of, department) END, 2),
    'customersWithOverdue', t.customers_overdue,
    'customers', t.customers, 'invoices', t.documents);
  by_age := jsonb_build_array(
    jsonb_build_object('name', 'Current', 'key', 'current', 'value', khata.format_amount(t.not_due, 2)),
    jsonb_build_object('name', '0-30', 'key', '0-30', 'value', khata.format_amount(t.a1, 2)),
    jsonb_build_object('name', '31-60', 'key', '31-60', 'value', khata.format_amount(t.a2, 2)),
    jsonb_build_object('name', '61-90', 'key', '61-90', 'value', khata.format_amount(t.a3, 2)),
    jsonb_build_object('name', '90+', 'key', '90+', 'value', khata.format_amount(t.a4, 2)),
    jsonb_build_object('name', 'Disputed', 'key', 'disputed',
                       'value', khata.format_amount(t.disputed, 2)));
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'region', r.region, 'name', r.region, 'value', khata.format_amount(r.outstanding, 2),
           'overdue', khata.format_amount(r.overdue, 2), 'customers', r.customers)
           ORDER BY r.outstanding DESC, r.region), '[]')
  INTO regions
  FROM (SELECT v.region, sum(v.outstanding)::bigint AS outstanding,
               sum(v.overdue)::bigint AS overdue, count(*) AS customers
        FROM receivables.visible_aging(me, as_of, department) v
        WHERE snap.id IS NOT NULL GROUP BY v.region) r;
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'month', to_char(u.period, 'Mon'), 'period', to_char(u.period, 'YYYY-MM'),
           'outstanding', khata.format_amount(m.outstanding, 2),
           'overdue', khata.format_amount(m.overdue, 2),
           'disputed', khata.format_amount(m.disputed, 2),
           'collected', khata.format_amount(receivables.collected(me, u.period, u.as_of,
                                                                  department), 2))
           ORDER BY u.period), '[]')
  INTO trends
  FROM receivables.uploads u
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(v.outstanding), 0)::bigint AS outstanding,
           coalesce(sum(v.overdue), 0)::bigint AS overdue,
           coalesce(sum(v.disputed), 0)::bigint AS disputed
    FROM receivables.visible_aging(me, u.as_of, department) v) m
  WHERE u.financial_year = snap.financial_year;

  RETURN jsonb_build_object('status', 200, 'body', jsonb_build_object(
    'month', to_char(snap.period, 'YYYY-MM'), 'financialYear', snap.financial_year,
    'asOf', snap.as_of, 'kpis', kpis, 'outstandingByAge', by_age,
    'regionDistribution', regions, 'monthlyTrends', trends));
END
$$;

COMMENT ON FUNCTION receivables.h_dashboard(jsonb) IS
  'GET /api/dashboard?month&department&financialYear: as of the snapshot''s date, for the '
  'customers the user may see: kpis, outstandingByAge (current, 0-30, 31-60, 61-90, 90+ days '
  'past due and disputed: they sum to totalOutstanding), regionDistribution and monthlyTrends '
  'over the financial year''s uploads.';
