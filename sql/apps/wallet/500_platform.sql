-- The platform wallet: the PLATFORM ledger account, read from its journals. Fees come in,
-- commissions and bonuses go out; reconcile checks the stored balance against the journals
-- with khata.verify_book.

-- Every movement of the platform account, split per journal into fee, commission and bonus
-- entries, with the balance before and after each one.
CREATE FUNCTION wallet.platform_entries()
RETURNS TABLE(journal_id bigint, ord int, transaction_type text, entry_type text, amount bigint,
              balance_before bigint, balance_after bigint, related_transaction text,
              related_user text, related_agent text, description text, metadata jsonb,
              created_at timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  WITH j AS (
    SELECT h.journal_id, h.effective_at, max(h.balance) AS after,
           sum(coalesce(h.credit, 0) - coalesce(h.debit, 0))::bigint AS net, min(h.memo) AS memo
    FROM khata.account_history(wallet.account('PLATFORM')) h
    GROUP BY h.journal_id, h.effective_at),
  e AS (
    SELECT j.*, t.transaction_id AS txid, t.type AS tx_type, t.sender_id, t.receiver_id, t.agent_id,
           t.metadata AS tx_meta, jn.metadata -> 'quote' AS quote, x.ord, x.kind, x.signed
    FROM j LEFT JOIN wallet.transactions t ON t.journal_id = j.journal_id
    LEFT JOIN khata.journals jn ON jn.id = t.journal_id
    CROSS JOIN LATERAL (VALUES
      (1, 'FEE_COLLECTED', t.fee),
      (2, 'COMMISSION_PAID', -t.commission),
      (3, CASE WHEN t.type = 'CASHBACK' THEN 'CASHBACK_GIVEN' ELSE 'BONUS_GIVEN' END,
          CASE WHEN t.type IN ('ONBOARDING_BONUS', 'CASHBACK') THEN -t.amount END),
      (4, 'SETTLEMENT', CASE WHEN t.id IS NULL THEN j.net END)) AS x(ord, kind, signed)
    WHERE x.signed IS NOT NULL AND x.signed <> 0)
  SELECT e.journal_id, e.ord, e.kind, CASE WHEN e.signed > 0 THEN 'CREDIT' ELSE 'DEBIT' END,
         abs(e.signed),
         (e.after - e.net + sum(e.signed) OVER w - e.signed)::bigint,
         (e.after - e.net + sum(e.signed) OVER w)::bigint,
         e.txid,
         (SELECT u.public_id FROM wallet.users u WHERE u.id = coalesce(
            CASE WHEN e.tx_type IN ('CASH_IN', 'ONBOARDING_BONUS') THEN e.receiver_id ELSE e.sender_id END,
            e.receiver_id)),
         (SELECT a.agent_code FROM wallet.agents a WHERE a.id = e.agent_id),
         CASE e.kind
           WHEN 'FEE_COLLECTED' THEN replace(initcap(replace(e.tx_type, '_', ' ')), ' ', ' ') || ' fee collected from user'
           WHEN 'COMMISSION_PAID' THEN 'Commission paid to agent ' || coalesce(e.tx_meta ->> 'agentCode', '')
                                        || ' for ' || lower(replace(e.tx_type, '_', ' '))
           WHEN 'BONUS_GIVEN' THEN 'Welcome bonus given to new user'
           WHEN 'CASHBACK_GIVEN' THEN 'Cashback given to user'
           ELSE coalesce(e.memo, 'Settlement') END,
         -- The rates as numbers, as the operation's quote priced it (exact decimals in text).
         jsonb_strip_nulls(jsonb_build_object('transactionType', e.tx_type) || CASE e.kind
           WHEN 'FEE_COLLECTED' THEN jsonb_build_object('feeRate', (e.quote ->> 'percent')::numeric)
           WHEN 'COMMISSION_PAID' THEN jsonb_build_object('agentCode', e.tx_meta ->> 'agentCode',
             'commissionRate', (e.quote -> 'commissions' -> 0 ->> 'percent')::numeric)
           ELSE '{}' END),
         e.effective_at
  FROM e
  WINDOW w AS (PARTITION BY e.journal_id ORDER BY e.ord)
$$;
COMMENT ON FUNCTION wallet.platform_entries() IS
  'The platform wallet''s movements from the ledger: per journal, FEE_COLLECTED (credit), '
  'COMMISSION_PAID, BONUS_GIVEN, CASHBACK_GIVEN (debits) and SETTLEMENT for journals of no '
  'wallet operation, each with its balance before and after.';

CREATE FUNCTION wallet.platform_totals(OUT fees bigint, OUT commissions bigint, OUT bonuses bigint,
                                       OUT balance bigint, OUT last_at timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(sum(e.amount) FILTER (WHERE e.transaction_type = 'FEE_COLLECTED'), 0)::bigint,
         coalesce(sum(e.amount) FILTER (WHERE e.transaction_type = 'COMMISSION_PAID'), 0)::bigint,
         coalesce(sum(e.amount) FILTER (WHERE e.transaction_type IN ('BONUS_GIVEN', 'CASHBACK_GIVEN')), 0)::bigint,
         (SELECT r.posted FROM khata.account_row(wallet.account('PLATFORM')) r),
         max(e.created_at)
  FROM wallet.platform_entries() e
$$;
COMMENT ON FUNCTION wallet.platform_totals() IS
  'All-time fees collected, commissions paid and bonuses given by the platform wallet, its balance '
  'and the time of its last movement.';

CREATE FUNCTION wallet.h_platform_stats(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t record := wallet.platform_totals();
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  RETURN wallet.ok(200, 'Platform wallet statistics retrieved successfully', jsonb_build_object(
    'balance', wallet.taka(t.balance), 'totalFeesCollected', wallet.taka(t.fees),
    'totalCommissionsPaid', wallet.taka(t.commissions), 'totalBonusesGiven', wallet.taka(t.bonuses),
    'netRevenue', wallet.taka(t.fees - t.commissions - t.bonuses), 'lastTransactionAt', wallet.ts(t.last_at)));
END
$$;
COMMENT ON FUNCTION wallet.h_platform_stats(jsonb) IS 'GET /api/admin/platform-wallet/stats.';

CREATE FUNCTION wallet.h_platform_revenue_summary(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t record := wallet.platform_totals();
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  RETURN wallet.ok(200, 'Platform wallet revenue summary retrieved successfully', jsonb_build_object(
    'allTime', jsonb_build_object('totalFeesCollected', wallet.taka(t.fees),
      'totalCommissionsPaid', wallet.taka(t.commissions), 'totalBonusesGiven', wallet.taka(t.bonuses),
      'netRevenue', wallet.taka(t.fees - t.commissions - t.bonuses)),
    'currentBalance', wallet.taka(t.balance), 'lastTransactionAt', wallet.ts(t.last_at)));
END
$$;
COMMENT ON FUNCTION wallet.h_platform_revenue_summary(jsonb) IS 'GET /api/admin/platform-wallet/revenue-summary.';

CREATE FUNCTION wallet.h_platform_transactions(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  q jsonb := coalesce(req -> 'query', '{}');
  pg record := wallet.page_args(q, 50);
  total bigint;
  items jsonb;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF pg.problem IS NOT NULL THEN RETURN wallet.invalid(pg.problem); END IF;
  IF jsonb_array_length(wallet.date_errors(q)) > 0 THEN
    RETURN wallet.invalid(wallet.date_errors(q));
  END IF;
  WITH f AS (
    SELECT row_number() OVER (ORDER BY e.created_at, e.journal_id, e.ord) AS id, e.*
    FROM wallet.platform_entries() e),
  g AS (SELECT * FROM f
        WHERE (q ->> 'startDate' IS NULL OR f.created_at >= (SELECT wallet.date_bound(q ->> 'startDate', false)))
          AND (q ->> 'endDate' IS NULL OR f.created_at <= (SELECT wallet.date_bound(q ->> 'endDate', true))))
  SELECT (SELECT count(*) FROM g),
         (SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'transactionType', p.transaction_type,
            'entryType', p.entry_type, 'amount', wallet.taka(p.amount),
            'balanceBefore', wallet.taka(p.balance_before), 'balanceAfter', wallet.taka(p.balance_after),
            'relatedTransactionId', p.related_transaction, 'relatedUserId', p.related_user,
            'relatedAgentId', p.related_agent, 'description', p.description, 'metadata', p.metadata,
            'createdAt', wallet.ts(p.created_at)) ORDER BY p.id DESC), '[]')
          FROM (SELECT * FROM g ORDER BY g.id DESC LIMIT pg.lim OFFSET (pg.page - 1) * pg.lim) p)
  INTO total, items;
  RETURN wallet.ok(200, 'Platform wallet transactions retrieved successfully', jsonb_build_object(
    'transactions', items, 'pagination', jsonb_build_object('currentPage', pg.page,
      'totalPages', ceil(total::numeric / pg.lim)::int, 'totalItems', total, 'itemsPerPage', pg.lim)));
END
$$;
COMMENT ON FUNCTION wallet.h_platform_transactions(jsonb) IS
  'GET /api/admin/platform-wallet/transactions: movements newest first, with balances before and after.';

CREATE FUNCTION wallet.h_platform_reconcile(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  platform bigint := wallet.account('PLATFORM');
  stored bigint;
  calculated bigint;
  issues jsonb;
  ok boolean;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  SELECT r.posted INTO stored FROM khata.account_row(platform) r;
  SELECT coalesce(sum(l.normal_amount) FILTER (WHERE l.kind IN ('P', 'C', 'R')), 0)::bigint INTO calculated
  FROM khata.account_legs(platform) l;
  SELECT coalesce(jsonb_agg(jsonb_build_object('problem', v.problem, 'accountId', v.account_id,
           'journalId', v.journal_id, 'expected', v.expected, 'actual', v.actual)), '[]') INTO issues
  FROM khata.verify_book(wallet.book()) v;
  ok := stored = calculated AND jsonb_array_length(issues) = 0;
  RETURN wallet.ok(200, CASE WHEN ok THEN 'Platform wallet reconciliation successful'
      WHEN stored <> calculated THEN 'Reconciliation failed: discrepancy of ৳'
                                     || to_char(wallet.taka(abs(stored - calculated)), 'FM999,999,999,990.00')
      ELSE 'Reconciliation failed: the ledger reports ' || jsonb_array_length(issues) || ' problem(s)' END,
    jsonb_build_object('success', ok, 'currentBalance', wallet.taka(stored),
      'calculatedBalance', wallet.taka(calculated), 'discrepancy', wallet.taka(abs(stored - calculated)),
      'ledgerIssues', issues, 'reconciliationTimestamp', wallet.ts(now())));
END
$$;
COMMENT ON FUNCTION wallet.h_platform_reconcile(jsonb) IS
  'GET /api/admin/platform-wallet/reconcile: the stored platform balance against the sum of its '
  'journal legs, and khata.verify_book over the whole wallet book.';
