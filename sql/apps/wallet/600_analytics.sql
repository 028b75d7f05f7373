-- Admin analytics, computed from the users, transactions and the platform ledger account.

CREATE FUNCTION wallet.date_range(q jsonb, OUT from_at timestamptz, OUT to_at timestamptz, OUT problem jsonb)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  problem := wallet.date_errors(q);
  IF jsonb_array_length(problem) > 0 THEN
    RETURN;
  END IF;
  problem := NULL;
  to_at := coalesce(wallet.date_bound(q ->> 'endDate', true), now());
  from_at := coalesce(wallet.date_bound(q ->> 'startDate', false), to_at - interval '30 days');
END
$$;
COMMENT ON FUNCTION wallet.date_range(jsonb) IS
  'startDate/endDate of an analytics query, both inclusive (default: the last 30 days), or '
  'the validation errors (a date that is not ISO 8601, an end before the start).';

CREATE FUNCTION wallet.since(period text) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT date_trunc(period, now() AT TIME ZONE 'Asia/Dhaka') AT TIME ZONE 'Asia/Dhaka' $$;
COMMENT ON FUNCTION wallet.since(text) IS 'Start of the current day, week or month in Dhaka time.';

CREATE FUNCTION wallet.h_analytics_dashboard(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t record := wallet.platform_totals();
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  RETURN wallet.ok(200, 'Dashboard analytics retrieved successfully', jsonb_build_object(
    'users', (SELECT jsonb_build_object('total', count(*), 'active', count(*) FILTER (WHERE status = 'ACTIVE'),
                'inactive', count(*) FILTER (WHERE status IN ('PENDING', 'REJECTED')),
                'suspended', count(*) FILTER (WHERE status = 'SUSPENDED'))
              FROM wallet.users WHERE role = 'CONSUMER'),
    'agents', (SELECT jsonb_build_object('total', count(*), 'active', count(*) FILTER (WHERE status = 'ACTIVE'),
                 'pending', count(*) FILTER (WHERE status = 'PENDING'),
                 'rejected', count(*) FILTER (WHERE status = 'REJECTED'))
               FROM wallet.users WHERE role = 'AGENT'),
    'transactions', (SELECT jsonb_build_object('total', count(*),
                       'today', count(*) FILTER (WHERE created_at >= wallet.since('day')),
                       'thisWeek', count(*) FILTER (WHERE created_at >= wallet.since('week')),
                       'thisMonth', count(*) FILTER (WHERE created_at >= wallet.since('month')))
                     FROM wallet.transactions),
    'revenue', (SELECT jsonb_build_object('total', wallet.taka(coalesce(sum(fee), 0)::bigint),
                  'today', wallet.taka(coalesce(sum(fee) FILTER (WHERE created_at >= wallet.since('day')), 0)::bigint),
                  'thisWeek', wallet.taka(coalesce(sum(fee) FILTER (WHERE created_at >= wallet.since('week')), 0)::bigint),
                  'thisMonth', wallet.taka(coalesce(sum(fee) FILTER (WHERE created_at >= wallet.since('month')), 0)::bigint))
                FROM wallet.transactions),
    'platformWallet', jsonb_build_object('balance', wallet.taka(t.balance),
      'totalBonusesGiven', wallet.taka(t.bonuses), 'totalRevenueCollected', wallet.taka(t.fees))));
END
$$;
COMMENT ON FUNCTION wallet.h_analytics_dashboard(jsonb) IS 'GET /api/admin/analytics/dashboard.';

CREATE FUNCTION wallet.h_analytics_transactions(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  q jsonb := coalesce(req -> 'query', '{}');
  r record := wallet.date_range(q);
  grp text := coalesce(q ->> 'groupBy', 'day');
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF r.problem IS NOT NULL THEN RETURN wallet.invalid(r.problem); END IF;
  IF grp NOT IN ('day', 'week', 'month') THEN
    RETURN wallet.invalid(wallet.err('groupBy', 'groupBy must be day, week or month'));
  END IF;
  RETURN wallet.ok(200, 'Transaction analytics retrieved successfully', (
    WITH t AS (SELECT * FROM wallet.transactions x WHERE x.created_at >= r.from_at AND x.created_at <= r.to_at)
    SELECT jsonb_build_object(
      'byType', coalesce((SELECT jsonb_object_agg(s.type, jsonb_build_object('count', s.n, 'volume', wallet.taka(s.v)))
                          FROM (SELECT type, count(*) AS n, sum(amount)::bigint AS v FROM t GROUP BY type) s), '{}'),
      'byStatus', coalesce((SELECT jsonb_object_agg(s.status, s.n)
                            FROM (SELECT status, count(*) AS n FROM t GROUP BY status) s), '{}'),
      'timeline', coalesce((SELECT jsonb_agg(jsonb_build_object('date', s.d, 'count', s.n, 'volume', wallet.taka(s.v)) ORDER BY s.d)
                            FROM (SELECT to_char(date_trunc(grp, created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS d,
                                         count(*) AS n, sum(amount)::bigint AS v FROM t GROUP BY 1) s), '[]'),
      'averageTransactionSize', (SELECT coalesce(round(avg(amount) / 100, 2), 0) FROM t),
      'totalFees', (SELECT wallet.taka(coalesce(sum(fee), 0)::bigint) FROM t),
      'startDate', wallet.ts(r.from_at), 'endDate', wallet.ts(r.to_at), 'groupBy', grp)));
END
$$;
COMMENT ON FUNCTION wallet.h_analytics_transactions(jsonb) IS
  'GET /api/admin/analytics/transactions: counts and volumes by type, status and day/week/month.';

CREATE FUNCTION wallet.h_analytics_consumers(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r record := wallet.date_range(coalesce(req -> 'query', '{}'));
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF r.problem IS NOT NULL THEN RETURN wallet.invalid(r.problem); END IF;
  RETURN wallet.ok(200, 'Consumer analytics retrieved successfully', (
    WITH c AS (SELECT * FROM wallet.users WHERE role = 'CONSUMER'),
         t AS (SELECT x.* FROM wallet.transactions x JOIN c ON c.id = x.sender_id OR (x.type = 'ADD_MONEY' AND c.id = x.receiver_id)
               WHERE x.created_at >= r.from_at AND x.created_at <= r.to_at)
    SELECT jsonb_build_object('total', (SELECT count(*) FROM c),
      'byStatus', (SELECT jsonb_build_object('active', count(*) FILTER (WHERE status = 'ACTIVE'),
                    'pending', count(*) FILTER (WHERE status = 'PENDING'),
                    'suspended', count(*) FILTER (WHERE status = 'SUSPENDED'),
                    'rejected', count(*) FILTER (WHERE status = 'REJECTED')) FROM c),
      'registrationTrend', coalesce((SELECT jsonb_agg(jsonb_build_object('date', s.d, 'count', s.n) ORDER BY s.d DESC)
          FROM (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, count(*) AS n FROM c
                WHERE created_at >= r.from_at AND created_at <= r.to_at GROUP BY 1) s), '[]'),
      'verification', (SELECT jsonb_build_object('total', count(*), 'emailVerified', count(*) FILTER (WHERE email_verified),
                        'phoneVerified', count(*) FILTER (WHERE phone_verified),
                        'bothVerified', count(*) FILTER (WHERE email_verified AND phone_verified)) FROM c),
      'transactions', (SELECT jsonb_build_object(
          'totalSent', jsonb_build_object('count', count(*) FILTER (WHERE type = 'SEND_MONEY'),
                                          'amount', wallet.taka(coalesce(sum(amount) FILTER (WHERE type = 'SEND_MONEY'), 0)::bigint)),
          'totalCashOut', jsonb_build_object('count', count(*) FILTER (WHERE type = 'CASH_OUT'),
                                             'amount', wallet.taka(coalesce(sum(amount) FILTER (WHERE type = 'CASH_OUT'), 0)::bigint)),
          'totalAddMoney', jsonb_build_object('count', count(*) FILTER (WHERE type = 'ADD_MONEY'),
                                              'amount', wallet.taka(coalesce(sum(amount) FILTER (WHERE type = 'ADD_MONEY'), 0)::bigint)))
        FROM t))));
END
$$;
COMMENT ON FUNCTION wallet.h_analytics_consumers(jsonb) IS 'GET /api/admin/analytics/consumers.';

CREATE FUNCTION wallet.h_analytics_agents(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  RETURN wallet.ok(200, 'Agent analytics retrieved successfully', (
    SELECT jsonb_build_object(
      'totalAgents', (SELECT count(*) FROM wallet.users WHERE role = 'AGENT'),
      'activeAgents', (SELECT count(*) FROM wallet.users WHERE role = 'AGENT' AND status = 'ACTIVE'),
      'pendingApprovals', (SELECT count(*) FROM wallet.users WHERE role = 'AGENT' AND status = 'PENDING'),
      'totalCommissionsPaid', (SELECT wallet.taka(coalesce(sum(commission), 0)::bigint) FROM wallet.transactions),
      'commissionsThisMonth', (SELECT wallet.taka(coalesce(sum(commission), 0)::bigint) FROM wallet.transactions
                               WHERE created_at >= wallet.since('month')),
      'topAgents', coalesce((SELECT jsonb_agg(jsonb_build_object('agentCode', s.agent_code, 'businessName', s.business_name,
                     'totalCommission', wallet.taka(s.c), 'transactionsCount', s.n) ORDER BY s.c DESC, s.n DESC)
                   FROM (SELECT a.agent_code, a.business_name, coalesce(sum(t.commission), 0)::bigint AS c, count(t.id) AS n
                         FROM wallet.agents a LEFT JOIN wallet.transactions t ON t.agent_id = a.id
                         GROUP BY a.id ORDER BY 3 DESC, 4 DESC LIMIT 10) s), '[]'),
      'agentGrowth', coalesce((SELECT jsonb_agg(jsonb_build_object('date', s.d, 'newAgents', s.n,
                       'totalAgents', s.total) ORDER BY s.d DESC)
                     FROM (SELECT d, n, sum(n) OVER (ORDER BY d) AS total
                           FROM (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, count(*) AS n
                                 FROM wallet.agents GROUP BY 1) g) s
                     WHERE s.d >= to_char(now() - interval '30 days', 'YYYY-MM-DD')), '[]'))));
END
$$;
COMMENT ON FUNCTION wallet.h_analytics_agents(jsonb) IS 'GET /api/admin/analytics/agents.';

CREATE FUNCTION wallet.h_analytics_revenue(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r record := wallet.date_range(coalesce(req -> 'query', '{}'));
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF r.problem IS NOT NULL THEN RETURN wallet.invalid(r.problem); END IF;
  RETURN wallet.ok(200, 'Revenue analytics retrieved successfully', (
    WITH t AS (SELECT * FROM wallet.transactions x WHERE x.created_at >= r.from_at AND x.created_at <= r.to_at),
         s AS (SELECT coalesce(sum(fee), 0)::bigint AS fees, coalesce(sum(commission), 0)::bigint AS commissions,
                      coalesce(sum(amount) FILTER (WHERE type IN ('ONBOARDING_BONUS', 'CASHBACK')), 0)::bigint AS bonuses
               FROM t)
    SELECT jsonb_build_object(
      'totalRevenue', wallet.taka(s.fees),
      'revenueToday', (SELECT wallet.taka(coalesce(sum(fee), 0)::bigint) FROM wallet.transactions WHERE created_at >= wallet.since('day')),
      'revenueThisWeek', (SELECT wallet.taka(coalesce(sum(fee), 0)::bigint) FROM wallet.transactions WHERE created_at >= wallet.since('week')),
      'revenueThisMonth', (SELECT wallet.taka(coalesce(sum(fee), 0)::bigint) FROM wallet.transactions WHERE created_at >= wallet.since('month')),
      'bySource', coalesce((SELECT jsonb_object_agg(x.type || '_FEE', wallet.taka(x.f))
                            FROM (SELECT type, sum(fee)::bigint AS f FROM t WHERE fee > 0 GROUP BY type) x), '{}'),
      'revenueTimeline', coalesce((SELECT jsonb_agg(jsonb_build_object('date', x.d, 'revenue', wallet.taka(x.f - x.c),
                            'fees', wallet.taka(x.f), 'commissions', wallet.taka(x.c)) ORDER BY x.d)
                          FROM (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d,
                                       sum(fee)::bigint AS f, sum(commission)::bigint AS c FROM t GROUP BY 1) x), '[]'),
      'expenses', jsonb_build_object('totalCommissions', wallet.taka(s.commissions), 'totalBonuses', wallet.taka(s.bonuses)),
      'netRevenue', wallet.taka(s.fees - s.commissions - s.bonuses))
    FROM s));
END
$$;
COMMENT ON FUNCTION wallet.h_analytics_revenue(jsonb) IS
  'GET /api/admin/analytics/revenue: fees by source and day, commissions and bonuses, net revenue.';
