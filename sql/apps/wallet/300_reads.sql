-- Reads for consumers and agents: wallet, history, transaction details, billers, bill payments,
-- bank transfers, and the public configuration.

CREATE FUNCTION wallet.tx_json(t wallet.transactions) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN jsonb_build_object('id', t.public_id, 'transactionId', t.transaction_id, 'type', t.type,
    'amount', wallet.taka(t.amount), 'fee', wallet.taka(t.fee), 'status', t.status,
    'description', t.description, 'createdAt', wallet.ts(t.created_at));
END
$$;
COMMENT ON FUNCTION wallet.tx_json(wallet.transactions) IS 'A transaction''s summary fields.';

CREATE FUNCTION wallet.party_json(user_id bigint, with_phone boolean) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('id', u.public_id, 'name', wallet.user_name(u))
         || CASE WHEN with_phone THEN jsonb_build_object('phone', u.phone) ELSE '{}' END
  FROM wallet.users u WHERE u.id = user_id
$$;
COMMENT ON FUNCTION wallet.party_json(bigint, boolean) IS 'A sender or receiver: id, name and optionally phone.';

CREATE FUNCTION wallet.tx_detail_json(t wallet.transactions, with_phone boolean) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT wallet.tx_json(t) || jsonb_build_object(
    'commission', wallet.taka(t.commission),
    'sender', wallet.party_json(t.sender_id, with_phone),
    'receiver', wallet.party_json(t.receiver_id, with_phone),
    'completedAt', wallet.ts(t.completed_at))
$$;
COMMENT ON FUNCTION wallet.tx_detail_json(wallet.transactions, boolean) IS
  'A transaction with its parties and completion time.';

CREATE FUNCTION wallet.page_args(q jsonb, default_limit int, OUT page int, OUT lim int, OUT problem jsonb)
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  problem := '[]';
  IF coalesce(q ->> 'page', '1') !~ '^[0-9]{1,6}$' OR coalesce(q ->> 'page', '1')::int < 1 THEN
    problem := problem || wallet.err('page', 'Page must be a whole number from 1 to 999999');
  END IF;
  IF coalesce(q ->> 'limit', default_limit::text) !~ '^[0-9]{1,6}$'
     OR coalesce(q ->> 'limit', default_limit::text)::int NOT BETWEEN 1 AND 100 THEN
    problem := problem || wallet.err('limit', 'Limit must be between 1 and 100');
  END IF;
  IF jsonb_array_length(problem) = 0 THEN
    page := coalesce(q ->> 'page', '1')::int;
    lim := coalesce(q ->> 'limit', default_limit::text)::int;
    problem := NULL;
  END IF;
END
$$;
COMMENT ON FUNCTION wallet.page_args(jsonb, int) IS
  'page (from 1) and limit (1-100) of a query string, or the validation errors.';

CREATE FUNCTION wallet.h_wallet(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record;
  u wallet.users;
BEGIN
  -- The caller as wallet.caller_user finds it, with its last 5 transactions: the newest 5 it
  -- sent and the newest 5 it received, merged.
  SELECT x AS caller, (
    SELECT coalesce(jsonb_agg(wallet.tx_json(t) ORDER BY t.created_at DESC, t.id DESC), '[]')
    FROM wallet.transactions t
    WHERE t.id IN (SELECT m.id FROM (
                     (SELECT y.id, y.created_at FROM wallet.transactions y
                      WHERE y.sender_id = x.id ORDER BY y.created_at DESC, y.id DESC LIMIT 5)
                     UNION
                     (SELECT y.id, y.created_at FROM wallet.transactions y
                      WHERE y.receiver_id = x.id ORDER BY y.created_at DESC, y.id DESC LIMIT 5)) m
                   ORDER BY m.created_at DESC, m.id DESC LIMIT 5)) AS recent
  INTO c
  FROM wallet.users x
  WHERE x.public_id = req -> 'claims' ->> 'id' AND x.role = wallet.claimed_role(req);
  u := c.caller;
  IF u.id IS NULL THEN
    RETURN wallet.no_user(req);
  END IF;
  RETURN wallet.ok(200, 'Wallet information retrieved successfully',
    wallet.wallet_json(u) || jsonb_build_object('recentTransactions', c.recent));
END
$$;
COMMENT ON FUNCTION wallet.h_wallet(jsonb) IS
  'GET /api/wallet: balances, limits, spent today and this month (amount + fee going out), last 5 transactions.';

CREATE FUNCTION wallet.h_history(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  q jsonb := coalesce(req -> 'query', '{}');
  pg record := wallet.page_args(q, 20);
  e jsonb := coalesce(pg.problem, '[]');
  total bigint;
  items jsonb;
BEGIN
  IF u.id IS NULL THEN
    RETURN wallet.no_user(req);
  END IF;
  IF q ->> 'type' IS NOT NULL AND q ->> 'type' NOT IN ('SEND_MONEY', 'ADD_MONEY', 'CASH_OUT', 'CASH_IN',
     'BILL_PAYMENT', 'BANK_TRANSFER', 'CASHBACK', 'COMMISSION', 'ONBOARDING_BONUS') THEN
    e := e || wallet.err('type', 'Unknown transaction type');
  END IF;
  IF q ->> 'status' IS NOT NULL AND q ->> 'status' NOT IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED') THEN
    e := e || wallet.err('status', 'Unknown transaction status');
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  WITH mine AS (
    SELECT * FROM wallet.transactions t
    WHERE (t.sender_id = u.id OR t.receiver_id = u.id)
      AND (q ->> 'type' IS NULL OR t.type = q ->> 'type')
      AND (q ->> 'status' IS NULL OR t.status = q ->> 'status'))
  SELECT (SELECT count(*) FROM mine),
         (SELECT coalesce(jsonb_agg(wallet.tx_detail_json(p, false) ORDER BY p.created_at DESC, p.id DESC), '[]')
          FROM (SELECT * FROM mine m ORDER BY m.created_at DESC, m.id DESC
                LIMIT pg.lim OFFSET (pg.page - 1) * pg.lim) p)
  INTO total, items;
  RETURN wallet.ok(200, 'Transaction history retrieved successfully', jsonb_build_object(
    'transactions', items,
    'pagination', jsonb_build_object('currentPage', pg.page, 'totalPages', ceil(total::numeric / pg.lim)::int,
                                     'totalCount', total, 'limit', pg.lim)));
END
$$;
COMMENT ON FUNCTION wallet.h_history(jsonb) IS
  'GET /api/transactions/history: the caller''s transactions, newest first, by type and status, paginated.';

CREATE FUNCTION wallet.h_transaction(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  admin wallet.admins;
  t wallet.transactions;
BEGIN
  IF u.id IS NULL THEN
    admin := wallet.caller_admin(req);
    IF admin.id IS NULL THEN
      RETURN wallet.fail(401, 'User authentication required');
    END IF;
  END IF;
  SELECT * INTO t FROM wallet.transactions x
  WHERE x.public_id = req -> 'params' ->> 'id' OR x.transaction_id = req -> 'params' ->> 'id';
  -- Someone else's transaction is not found, exactly like one that does not exist.
  IF NOT FOUND OR (admin.id IS NULL AND u.id NOT IN (coalesce(t.sender_id, 0), coalesce(t.receiver_id, 0))) THEN
    RETURN wallet.fail(404, 'Transaction not found');
  END IF;
  RETURN wallet.ok(200, 'Transaction details retrieved successfully', jsonb_build_object(
    'transaction', wallet.tx_detail_json(t, true) || jsonb_build_object('metadata', t.metadata)));
END
$$;
COMMENT ON FUNCTION wallet.h_transaction(jsonb) IS
  'GET /api/transactions/:id: one transaction of the caller (by id or transactionId); admins see all, '
  'others get 404 for transactions that are not theirs.';

CREATE FUNCTION wallet.biller_json(b wallet.billers) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('id', b.public_id, 'name', b.name, 'billerCode', b.biller_code,
    'billType', b.bill_type, 'contactEmail', b.contact_email, 'contactPhone', b.contact_phone,
    'description', b.description, 'logoUrl', b.logo_url)
$$;
COMMENT ON FUNCTION wallet.biller_json(wallet.billers) IS 'A biller as consumers see it.';

CREATE FUNCTION wallet.h_billers(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record := wallet.money_caller(req, ARRAY['CONSUMER']);
  q jsonb := coalesce(req -> 'query', '{}');
  items jsonb;
BEGIN
  IF c.refusal IS NOT NULL THEN
    RETURN c.refusal;
  END IF;
  IF q ->> 'billType' IS NOT NULL AND q ->> 'billType' NOT IN
     ('ELECTRICITY', 'GAS', 'WATER', 'INTERNET', 'MOBILE', 'TV', 'ORGANIZATION') THEN
    RETURN wallet.invalid(wallet.err('billType', 'Unknown bill type'));
  END IF;
  SELECT coalesce(jsonb_agg(wallet.biller_json(b) ORDER BY b.name), '[]') INTO items
  FROM wallet.billers b
  WHERE b.status = 'ACTIVE'
    AND (q ->> 'billType' IS NULL OR b.bill_type = q ->> 'billType')
    AND (q ->> 'search' IS NULL OR strpos(lower(b.name), lower(q ->> 'search')) > 0);
  RETURN wallet.ok(200, 'Billers retrieved successfully',
                   jsonb_build_object('billers', items, 'total', jsonb_array_length(items)));
END
$$;
COMMENT ON FUNCTION wallet.h_billers(jsonb) IS 'GET /api/transactions/billers: active billers by type and name.';

CREATE FUNCTION wallet.h_bill_payments(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record := wallet.money_caller(req, ARRAY['CONSUMER']);
  q jsonb := coalesce(req -> 'query', '{}');
  pg record := wallet.page_args(q, 10);
  total bigint;
  items jsonb;
BEGIN
  IF c.refusal IS NOT NULL THEN
    RETURN c.refusal;
  END IF;
  IF pg.problem IS NOT NULL THEN
    RETURN wallet.invalid(pg.problem);
  END IF;
  WITH mine AS (
    SELECT bp.*, t.transaction_id AS txid, t.amount, t.fee, t.status, t.updated AS updated_at, bl AS biller
    FROM wallet.bill_payments bp
    JOIN LATERAL (SELECT x.*, coalesce(x.completed_at, x.created_at) AS updated
                  FROM wallet.transactions x WHERE x.id = bp.transaction_id) t ON true
    JOIN wallet.billers bl ON bl.id = bp.biller_id
    WHERE bp.user_id = (c.u).id AND (q ->> 'billerId' IS NULL OR bl.public_id = q ->> 'billerId'))
  SELECT (SELECT count(*) FROM mine),
         (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'id', p.public_id, 'transactionId', p.txid,
            'biller', jsonb_build_object('id', (p.biller).public_id, 'name', (p.biller).name,
                                         'billerCode', (p.biller).biller_code, 'billType', (p.biller).bill_type),
            'accountNumber', p.account_number, 'amount', wallet.taka(p.amount), 'fee', wallet.taka(p.fee),
            'totalAmount', wallet.taka(p.amount + p.fee), 'status', p.status,
            'billingMonth', p.billing_month, 'billingYear', p.billing_year,
            'receiptNumber', p.receipt_number, 'createdAt', wallet.ts(p.created_at),
            'updatedAt', wallet.ts(p.updated_at)) ORDER BY p.created_at DESC, p.id DESC), '[]')
          FROM (SELECT * FROM mine m ORDER BY m.created_at DESC, m.id DESC
                LIMIT pg.lim OFFSET (pg.page - 1) * pg.lim) p)
  INTO total, items;
  RETURN wallet.ok(200, 'Bill payment history retrieved successfully', jsonb_build_object(
    'payments', items, 'pagination', jsonb_build_object('page', pg.page, 'limit', pg.lim,
      'total', total, 'totalPages', ceil(total::numeric / pg.lim)::int)));
END
$$;
COMMENT ON FUNCTION wallet.h_bill_payments(jsonb) IS
  'GET /api/transactions/bill-payments: the consumer''s bill payments with receipt numbers.';

CREATE FUNCTION wallet.transfer_json(bt wallet.bank_transfers, t wallet.transactions) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('id', bt.public_id, 'transactionId', t.transaction_id,
    'bankName', bt.bank_name, 'accountNumber', wallet.mask_account(bt.account_number),
    'accountHolderName', bt.account_holder_name, 'amount', wallet.taka(t.amount),
    'fee', wallet.taka(t.fee), 'totalAmount', wallet.taka(t.amount + t.fee), 'status', t.status,
    'transferType', bt.transfer_type, 'referenceNumber', bt.reference_number,
    'createdAt', wallet.ts(bt.created_at), 'updatedAt', wallet.ts(coalesce(t.completed_at, t.created_at)))
$$;
COMMENT ON FUNCTION wallet.transfer_json(wallet.bank_transfers, wallet.transactions) IS
  'A bank transfer with its account number masked.';

CREATE FUNCTION wallet.h_bank_transfers(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  q jsonb := coalesce(req -> 'query', '{}');
  pg record := wallet.page_args(q, 10);
  total bigint;
  items jsonb;
BEGIN
  IF u.id IS NULL THEN
    RETURN wallet.no_user(req);
  END IF;
  IF pg.problem IS NOT NULL THEN
    RETURN wallet.invalid(pg.problem);
  END IF;
  IF q ->> 'status' IS NOT NULL AND q ->> 'status' NOT IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED') THEN
    RETURN wallet.invalid(wallet.err('status', 'Unknown transfer status'));
  END IF;
  WITH mine AS (
    SELECT bt, t FROM wallet.bank_transfers bt JOIN wallet.transactions t ON t.id = bt.transaction_id
    WHERE bt.user_id = u.id AND (q ->> 'status' IS NULL OR t.status = q ->> 'status'))
  SELECT (SELECT count(*) FROM mine),
         (SELECT coalesce(jsonb_agg(wallet.transfer_json(p.bt, p.t) ORDER BY (p.bt).id DESC), '[]')
          FROM (SELECT * FROM mine m ORDER BY (m.bt).id DESC LIMIT pg.lim OFFSET (pg.page - 1) * pg.lim) p)
  INTO total, items;
  RETURN wallet.ok(200, 'Bank transfer history retrieved successfully', jsonb_build_object(
    'transfers', items, 'pagination', jsonb_build_object('page', pg.page, 'limit', pg.lim,
      'total', total, 'totalPages', ceil(total::numeric / pg.lim)::int)));
END
$$;
COMMENT ON FUNCTION wallet.h_bank_transfers(jsonb) IS 'GET /api/bank/transfers: the caller''s bank transfers, masked.';

CREATE FUNCTION wallet.h_bank_transfer_detail(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  bt wallet.bank_transfers;
  t wallet.transactions;
BEGIN
  IF u.id IS NULL THEN
    RETURN wallet.no_user(req);
  END IF;
  SELECT * INTO bt FROM wallet.bank_transfers x
  WHERE x.public_id = req -> 'params' ->> 'id' AND x.user_id = u.id;
  IF NOT FOUND THEN
    RETURN wallet.fail(404, 'Bank transfer not found');
  END IF;
  SELECT * INTO t FROM wallet.transactions x WHERE x.id = bt.transaction_id;
  RETURN wallet.ok(200, 'Bank transfer details retrieved successfully',
    wallet.transfer_json(bt, t) || jsonb_build_object('routingNumber', bt.routing_number,
      'transaction', jsonb_build_object('transactionId', t.transaction_id, 'status', t.status,
        'description', t.description, 'initiatedAt', wallet.ts(t.created_at),
        'completedAt', wallet.ts(t.completed_at))));
END
$$;
COMMENT ON FUNCTION wallet.h_bank_transfer_detail(jsonb) IS
  'GET /api/bank/transfers/:id: one of the caller''s transfers, with the routing number.';

CREATE FUNCTION wallet.h_config_public(req jsonb) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
  SELECT wallet.ok(200, 'Public configurations retrieved successfully', jsonb_build_object('configs',
    coalesce((SELECT jsonb_agg(jsonb_build_object('key', s.key, 'value', s.value) ORDER BY s.key)
              FROM khata.settings s WHERE s.book_id = wallet.book() AND s.public), '[]')))
$$;
COMMENT ON FUNCTION wallet.h_config_public(jsonb) IS 'GET /api/config/public: the settings marked public.';
