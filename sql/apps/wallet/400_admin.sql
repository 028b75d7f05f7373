-- Admin: consumers and agents (lists, details, status, approval), billers, configuration.
-- Every handler starts by resolving the admin of the token's open session.

CREATE FUNCTION wallet.admin_refusal(req jsonb) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN (wallet.caller_admin(req)).id IS NULL
              THEN wallet.fail(401, 'Admin authentication required') END
$$;
COMMENT ON FUNCTION wallet.admin_refusal(jsonb) IS
  'NULL when the request carries the token of an open admin session, else the 401 result.';

CREATE FUNCTION wallet.is_timestamp(s text) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF s IS NULL OR s !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN
    RETURN false;
  END IF;
  PERFORM s::timestamptz;
  RETURN true;
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;
COMMENT ON FUNCTION wallet.is_timestamp(text) IS 'Whether s is an ISO 8601 date or date-time.';

-- The list filters of POST /api/admin/{consumers,agents}/list.
CREATE FUNCTION wallet.list_errors(b jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := '[]';
BEGIN
  -- At most 9 digits: the offset is read as an int.
  IF jsonb_typeof(b -> 'offset') IS DISTINCT FROM 'number' OR (b ->> 'offset') !~ '^[0-9]{1,9}$' THEN
    e := e || wallet.err('offset', 'Offset must be a whole number from 0 to 999999999');
  END IF;
  IF jsonb_typeof(b -> 'limit') IS DISTINCT FROM 'number' OR (b ->> 'limit') !~ '^[0-9]+$'
     OR (b ->> 'limit')::numeric NOT BETWEEN 1 AND 100 THEN
    e := e || wallet.err('limit', 'Limit must be between 1 and 100');
  END IF;
  e := e || wallet.date_errors(b);
  IF b ->> 'status' IS NOT NULL AND b ->> 'status' NOT IN ('PENDING', 'ACTIVE', 'INACTIVE', 'SUSPENDED', 'LOCKED', 'REJECTED') THEN
    e := e || wallet.err('status', 'Unknown status');
  END IF;
  RETURN e;
END
$$;
COMMENT ON FUNCTION wallet.list_errors(jsonb) IS 'Validation errors of an admin list body (offset, limit, dates, status).';

CREATE FUNCTION wallet.listed_users(b jsonb, want_role text)
RETURNS SETOF wallet.users
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.* FROM wallet.users u
  LEFT JOIN wallet.agents a ON a.user_id = u.id
  WHERE u.role = want_role
    AND (b ->> 'status' IS NULL OR u.status = b ->> 'status')
    -- Each bound computed once (an InitPlan), not once per row.
    AND (b ->> 'startDate' IS NULL OR u.created_at >= (SELECT wallet.date_bound(b ->> 'startDate', false)))
    AND (b ->> 'endDate' IS NULL OR u.created_at <= (SELECT wallet.date_bound(b ->> 'endDate', true)))
    AND (coalesce(b ->> 'search', '') = ''
         OR strpos(lower(u.first_name || ' ' || u.last_name || ' ' || u.email || ' ' || u.phone || ' '
                         || coalesce(a.agent_code, '') || ' ' || coalesce(a.business_name, '')),
                   lower(b ->> 'search')) > 0)
$$;
COMMENT ON FUNCTION wallet.listed_users(jsonb, text) IS
  'Users of a role matching an admin list body: status, creation date range, and search in name, '
  'email, phone, agent code and business name.';

CREATE FUNCTION wallet.h_admin_consumers_list(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  e jsonb := wallet.list_errors(b);
  total bigint;
  items jsonb;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF jsonb_array_length(e) > 0 THEN RETURN wallet.invalid(e); END IF;
  SELECT count(*) INTO total FROM wallet.listed_users(b, 'CONSUMER');
  SELECT coalesce(jsonb_agg(wallet.user_json(u) - 'dateOfBirth' - 'nidNumber' || jsonb_build_object(
           'lastLoginAt', wallet.ts(u.last_login_at),
           'walletBalance', wallet.taka(r.posted), 'walletAvailableBalance', wallet.taka(r.available))
         ORDER BY u.created_at DESC, u.id DESC), '[]') INTO items
  FROM (SELECT * FROM wallet.listed_users(b, 'CONSUMER') x ORDER BY x.created_at DESC, x.id DESC
        LIMIT (b ->> 'limit')::int OFFSET (b ->> 'offset')::int) u
  CROSS JOIN LATERAL khata.account_row(u.account_id) r;
  RETURN wallet.ok(200, 'Consumers retrieved successfully', jsonb_build_object('consumers', items,
    'pagination', jsonb_build_object('offset', (b ->> 'offset')::int, 'limit', (b ->> 'limit')::int,
      'total', total, 'hasMore', (b ->> 'offset')::int + jsonb_array_length(items) < total)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_consumers_list(jsonb) IS 'POST /api/admin/consumers/list.';

CREATE FUNCTION wallet.admin_agent_json(a wallet.agents, u wallet.users) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('id', a.id, 'userId', u.public_id, 'agentCode', a.agent_code,
    'businessName', a.business_name, 'businessAddress', a.business_address, 'status', u.status,
    'totalCommissionEarned', (wallet.agent_json(a, u) -> 'totalCommissionEarned'),
    'createdAt', wallet.ts(a.created_at), 'approvedAt', wallet.ts(a.approved_at),
    'approvedBy', a.approved_by, 'rejectionReason', a.rejection_reason,
    'user', jsonb_build_object('id', u.public_id, 'email', u.email, 'phone', u.phone,
      'firstName', u.first_name, 'lastName', u.last_name, 'status', u.status,
      'createdAt', wallet.ts(u.created_at)))
$$;
COMMENT ON FUNCTION wallet.admin_agent_json(wallet.agents, wallet.users) IS 'An agent as admins see it.';

CREATE FUNCTION wallet.h_admin_agents_list(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  e jsonb := wallet.list_errors(b);
  total bigint;
  items jsonb;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF jsonb_array_length(e) > 0 THEN RETURN wallet.invalid(e); END IF;
  SELECT count(*) INTO total FROM wallet.listed_users(b, 'AGENT');
  SELECT coalesce(jsonb_agg(wallet.admin_agent_json(a, u) || jsonb_build_object('wallet',
           jsonb_build_object('balance', wallet.taka(r.posted), 'availableBalance', wallet.taka(r.available)))
         ORDER BY u.created_at DESC, u.id DESC), '[]') INTO items
  FROM (SELECT * FROM wallet.listed_users(b, 'AGENT') x ORDER BY x.created_at DESC, x.id DESC
        LIMIT (b ->> 'limit')::int OFFSET (b ->> 'offset')::int) u
  JOIN wallet.agents a ON a.user_id = u.id
  CROSS JOIN LATERAL khata.account_row(u.account_id) r;
  RETURN wallet.ok(200, 'Agents retrieved successfully', jsonb_build_object('agents', items,
    'pagination', jsonb_build_object('offset', (b ->> 'offset')::int, 'limit', (b ->> 'limit')::int,
      'total', total, 'hasMore', (b ->> 'offset')::int + jsonb_array_length(items) < total)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_agents_list(jsonb) IS 'POST /api/admin/agents/list.';

CREATE FUNCTION wallet.user_by_id(ref text, want_role text) RETURNS wallet.users
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.* FROM wallet.users u LEFT JOIN wallet.agents a ON a.user_id = u.id
  WHERE u.role = want_role
    AND (u.public_id = ref OR a.agent_code = ref
         OR (ref ~ '^[0-9]{1,18}$' AND a.id = CASE WHEN ref ~ '^[0-9]{1,18}$' THEN ref::bigint END))
  LIMIT 1
$$;
COMMENT ON FUNCTION wallet.user_by_id(text, text) IS
  'A consumer by public id, or an agent by user public id, agent code or agent id.';

CREATE FUNCTION wallet.recent_json(u wallet.users, n int) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(jsonb_agg(wallet.tx_json(t) ORDER BY t.created_at DESC, t.id DESC), '[]')
  FROM (SELECT * FROM wallet.transactions x WHERE x.sender_id = u.id OR x.receiver_id = u.id
        ORDER BY x.created_at DESC, x.id DESC LIMIT n) t
$$;
COMMENT ON FUNCTION wallet.recent_json(wallet.users, int) IS 'A user''s n most recent transactions.';

CREATE FUNCTION wallet.h_admin_consumer(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.user_by_id(req -> 'params' ->> 'id', 'CONSUMER');
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF u.id IS NULL THEN RETURN wallet.fail(404, 'Consumer not found'); END IF;
  RETURN wallet.ok(200, 'User details retrieved successfully', jsonb_build_object(
    'user', wallet.user_json(u) || jsonb_build_object('lastLoginAt', wallet.ts(u.last_login_at),
      'updatedAt', wallet.ts(u.updated_at)),
    'wallet', wallet.wallet_json(u) || jsonb_build_object('lastTransactionAt',
      (SELECT wallet.ts(max(t.created_at)) FROM wallet.transactions t WHERE t.sender_id = u.id OR t.receiver_id = u.id)),
    'recentTransactions', wallet.recent_json(u, 10)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_consumer(jsonb) IS 'GET /api/admin/consumers/:id: profile, wallet, recent transactions.';

CREATE FUNCTION wallet.h_admin_agent(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.user_by_id(req -> 'params' ->> 'id', 'AGENT');
  a wallet.agents;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF u.id IS NULL THEN RETURN wallet.fail(404, 'Agent not found'); END IF;
  SELECT * INTO a FROM wallet.agents x WHERE x.user_id = u.id;
  RETURN wallet.ok(200, 'Agent details retrieved successfully', jsonb_build_object(
    'agent', wallet.admin_agent_json(a, u) || jsonb_build_object(
      'wallet', wallet.wallet_json(u),
      'approver', (SELECT jsonb_build_object('id', d.public_id, 'name', d.name, 'email', d.email)
                   FROM wallet.admins d WHERE d.public_id = a.approved_by),
      'recentTransactions', wallet.recent_json(u, 10))));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_agent(jsonb) IS 'GET /api/admin/agents/:id: agent, user, wallet, approver.';

CREATE FUNCTION wallet.user_transactions(req jsonb, want_role text) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.user_by_id(req -> 'params' ->> 'id', want_role);
  pg record := wallet.page_args(coalesce(req -> 'query', '{}'), 20);
  total bigint;
  items jsonb;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF u.id IS NULL THEN
    RETURN wallet.fail(404, CASE want_role WHEN 'AGENT' THEN 'Agent not found' ELSE 'Consumer not found' END);
  END IF;
  IF pg.problem IS NOT NULL THEN RETURN wallet.invalid(pg.problem); END IF;
  SELECT count(*) INTO total FROM wallet.transactions t WHERE t.sender_id = u.id OR t.receiver_id = u.id;
  SELECT coalesce(jsonb_agg(wallet.tx_json(t) || jsonb_build_object('totalAmount', wallet.taka(t.amount + t.fee),
           'commission', wallet.taka(t.commission), 'completedAt', wallet.ts(t.completed_at))
         ORDER BY t.created_at DESC, t.id DESC), '[]') INTO items
  FROM (SELECT * FROM wallet.transactions x WHERE x.sender_id = u.id OR x.receiver_id = u.id
        ORDER BY x.created_at DESC, x.id DESC LIMIT pg.lim OFFSET (pg.page - 1) * pg.lim) t;
  RETURN wallet.ok(200, CASE want_role WHEN 'AGENT' THEN 'Agent transactions retrieved successfully'
                                      ELSE 'User transactions retrieved successfully' END, jsonb_build_object(
    'transactions', items, 'pagination', jsonb_build_object('currentPage', pg.page,
      'totalPages', ceil(total::numeric / pg.lim)::int, 'totalItems', total, 'itemsPerPage', pg.lim)));
END
$$;
COMMENT ON FUNCTION wallet.user_transactions(jsonb, text) IS 'A consumer''s or agent''s transactions, paginated, for admins.';

CREATE FUNCTION wallet.h_admin_consumer_transactions(req jsonb) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.user_transactions(req, 'CONSUMER') $$;
COMMENT ON FUNCTION wallet.h_admin_consumer_transactions(jsonb) IS 'GET /api/admin/consumers/:id/transactions.';

CREATE FUNCTION wallet.h_admin_agent_transactions(req jsonb) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.user_transactions(req, 'AGENT') $$;
COMMENT ON FUNCTION wallet.h_admin_agent_transactions(jsonb) IS 'GET /api/admin/agents/:id/transactions.';

CREATE FUNCTION wallet.h_admin_consumer_status(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.user_by_id(req -> 'params' ->> 'id', 'CONSUMER');
  s text := req -> 'body' ->> 'status';
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF s IS NULL OR s NOT IN ('ACTIVE', 'SUSPENDED', 'REJECTED') THEN
    RETURN wallet.invalid(wallet.err('status', 'Status must be ACTIVE, SUSPENDED or REJECTED'));
  END IF;
  IF u.id IS NULL THEN RETURN wallet.fail(404, 'Consumer not found'); END IF;
  UPDATE wallet.users SET status = s, updated_at = now() WHERE id = u.id RETURNING * INTO u;
  RETURN wallet.ok(200, 'User status updated successfully', jsonb_build_object('user',
    jsonb_build_object('id', u.public_id, 'email', u.email, 'status', u.status)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_consumer_status(jsonb) IS 'PATCH /api/admin/consumers/:id/status.';

CREATE FUNCTION wallet.decide_agent(req jsonb, approve boolean) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me wallet.admins := wallet.caller_admin(req);
  u wallet.users := wallet.user_by_id(req -> 'params' ->> 'id', 'AGENT');
  a wallet.agents;
  reason text := btrim(req -> 'body' ->> 'reason');
  problem jsonb;
BEGIN
  IF me.id IS NULL THEN RETURN wallet.fail(401, 'Admin authentication required'); END IF;
  IF NOT approve THEN
    problem := wallet.text_field_error(req -> 'body', 'reason', 'Reason',
                 CASE WHEN reason IS NULL OR length(reason) < 10
                      THEN 'Reason must be at least 10 characters' END);
    IF jsonb_array_length(problem) > 0 THEN
      RETURN wallet.invalid(problem);
    END IF;
  END IF;
  IF u.id IS NULL THEN RETURN wallet.fail(404, 'Agent not found'); END IF;
  SELECT * INTO u FROM wallet.users x WHERE x.id = u.id FOR UPDATE;
  IF u.status <> 'PENDING' THEN
    RETURN wallet.fail(400, 'Agent is already processed (status ' || u.status || ')');
  END IF;
  UPDATE wallet.users SET status = CASE WHEN approve THEN 'ACTIVE' ELSE 'REJECTED' END, updated_at = now()
  WHERE id = u.id RETURNING * INTO u;
  IF approve THEN
    UPDATE wallet.agents SET approved_by = me.public_id, approved_at = now() WHERE user_id = u.id RETURNING * INTO a;
    RETURN wallet.ok(200, 'Agent approved successfully', jsonb_build_object('agent', jsonb_build_object(
      'id', a.id, 'userId', u.public_id, 'agentCode', a.agent_code, 'status', u.status,
      'approvedAt', wallet.ts(a.approved_at), 'approvedBy', a.approved_by)));
  END IF;
  UPDATE wallet.agents SET rejected_by = me.public_id, rejected_at = now(), rejection_reason = reason
  WHERE user_id = u.id RETURNING * INTO a;
  RETURN wallet.ok(200, 'Agent rejected successfully', jsonb_build_object('agent', jsonb_build_object(
    'id', a.id, 'userId', u.public_id, 'agentCode', a.agent_code, 'status', u.status,
    'rejectionReason', a.rejection_reason, 'rejectedAt', wallet.ts(a.rejected_at), 'rejectedBy', a.rejected_by)));
END
$$;
COMMENT ON FUNCTION wallet.decide_agent(jsonb, boolean) IS
  'Approves or rejects (reason of 10+ characters) a PENDING agent; one already processed is a 400.';

CREATE FUNCTION wallet.h_admin_agent_approve(req jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.decide_agent(req, true) $$;
COMMENT ON FUNCTION wallet.h_admin_agent_approve(jsonb) IS 'POST /api/admin/agents/:id/approve.';

CREATE FUNCTION wallet.h_admin_agent_reject(req jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.decide_agent(req, false) $$;
COMMENT ON FUNCTION wallet.h_admin_agent_reject(jsonb) IS 'POST /api/admin/agents/:id/reject.';

-- Billers.
CREATE FUNCTION wallet.admin_biller_json(b wallet.billers) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT wallet.biller_json(b) || jsonb_build_object('status', b.status,
    'balance', wallet.taka((SELECT coalesce(sum(t.amount), 0)::bigint FROM wallet.bill_payments p
                            JOIN wallet.transactions t ON t.id = p.transaction_id WHERE p.biller_id = b.id)),
    'totalPayments', (SELECT count(*) FROM wallet.bill_payments p WHERE p.biller_id = b.id),
    'createdAt', wallet.ts(b.created_at), 'updatedAt', wallet.ts(b.updated_at))
$$;
COMMENT ON FUNCTION wallet.admin_biller_json(wallet.billers) IS 'A biller with its status and payment totals.';

CREATE FUNCTION wallet.biller_errors(b jsonb, partial boolean) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := '[]';
  f record;
BEGIN
  -- A field sent as a number, array or object is refused before its text is checked.
  FOR f IN SELECT * FROM (VALUES ('name', 'Name'), ('billerCode', 'Biller code'),
                                 ('billType', 'Bill type'), ('contactEmail', 'Contact email'),
                                 ('contactPhone', 'Contact phone'), ('description', 'Description'),
                                 ('logoUrl', 'Logo URL')) v(field, label) LOOP
    e := e || wallet.text_field_error(b, f.field, f.label, NULL);
  END LOOP;
  IF jsonb_array_length(e) > 0 THEN
    RETURN e;
  END IF;
  IF (NOT partial OR b ? 'name') AND NOT wallet.len_between(b ->> 'name', 2, 255) THEN
    e := e || wallet.err('name', 'Name must be 2-255 characters');
  END IF;
  IF (NOT partial OR b ? 'billerCode') AND coalesce(b ->> 'billerCode', '') !~ '^[A-Z0-9_-]{2,50}$' THEN
    e := e || wallet.err('billerCode', 'Biller code must be 2-50 uppercase letters, digits, hyphens or underscores');
  END IF;
  IF (NOT partial OR b ? 'billType') AND coalesce(b ->> 'billType', '') NOT IN
     ('ELECTRICITY', 'GAS', 'WATER', 'INTERNET', 'MOBILE', 'TV', 'ORGANIZATION') THEN
    e := e || wallet.err('billType', 'Unknown bill type');
  END IF;
  IF b ->> 'contactEmail' IS NOT NULL AND NOT wallet.is_email(b ->> 'contactEmail') THEN
    e := e || wallet.err('contactEmail', 'Invalid email format');
  END IF;
  IF b ->> 'contactPhone' IS NOT NULL AND NOT wallet.is_phone(b ->> 'contactPhone') THEN
    e := e || wallet.err('contactPhone', 'Phone must be a Bangladeshi mobile number');
  END IF;
  IF length(b ->> 'description') > 1000 THEN
    e := e || wallet.err('description', 'Description must be at most 1000 characters');
  END IF;
  IF b ->> 'logoUrl' IS NOT NULL AND b ->> 'logoUrl' !~ '^https?://[^\s]+$' THEN
    e := e || wallet.err('logoUrl', 'Logo URL must be a valid URL');
  END IF;
  RETURN e;
END
$$;
COMMENT ON FUNCTION wallet.biller_errors(jsonb, boolean) IS 'Validation errors of a biller body (partial: only fields sent).';

CREATE FUNCTION wallet.h_admin_biller_create(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  e jsonb := wallet.biller_errors(b, false);
  bl wallet.billers;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF jsonb_array_length(e) > 0 THEN RETURN wallet.invalid(e); END IF;
  IF EXISTS (SELECT 1 FROM wallet.billers x WHERE x.biller_code = b ->> 'billerCode') THEN
    RETURN wallet.fail(409, 'Biller code already exists');
  END IF;
  INSERT INTO wallet.billers (public_id, name, biller_code, bill_type, contact_email, contact_phone,
                              description, logo_url)
  VALUES (wallet.public_id(nextval('wallet.biller_seq'), 1977326743, 7777), btrim(b ->> 'name'),
          b ->> 'billerCode', b ->> 'billType', b ->> 'contactEmail', b ->> 'contactPhone',
          b ->> 'description', b ->> 'logoUrl')
  RETURNING * INTO bl;
  RETURN wallet.ok(201, 'Biller created successfully', jsonb_build_object('biller', wallet.admin_biller_json(bl)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_biller_create(jsonb) IS 'POST /api/admin/billers.';

CREATE FUNCTION wallet.h_admin_billers(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  q jsonb := coalesce(req -> 'query', '{}');
  pg record := wallet.page_args(q, 20);
  e jsonb := coalesce(pg.problem, '[]');
  total bigint;
  items jsonb;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  -- An unknown filter value is a mistake to report, not a filter that matches nothing.
  IF q ->> 'status' IS NOT NULL AND q ->> 'status' <> ALL (wallet.biller_statuses()) THEN
    e := e || wallet.err('status', 'Unknown biller status');
  END IF;
  IF q ->> 'billType' IS NOT NULL AND q ->> 'billType' NOT IN
     ('ELECTRICITY', 'GAS', 'WATER', 'INTERNET', 'MOBILE', 'TV', 'ORGANIZATION') THEN
    e := e || wallet.err('billType', 'Unknown bill type');
  END IF;
  IF jsonb_array_length(e) > 0 THEN RETURN wallet.invalid(e); END IF;
  WITH f AS (SELECT * FROM wallet.billers b
             WHERE (q ->> 'status' IS NULL OR b.status = q ->> 'status')
               AND (q ->> 'billType' IS NULL OR b.bill_type = q ->> 'billType')
               AND (q ->> 'search' IS NULL OR strpos(lower(b.name || ' ' || b.biller_code), lower(q ->> 'search')) > 0))
  SELECT (SELECT count(*) FROM f),
         (SELECT coalesce(jsonb_agg(wallet.admin_biller_json(p) ORDER BY p.name, p.id), '[]')
          FROM (SELECT * FROM f ORDER BY f.name, f.id LIMIT pg.lim OFFSET (pg.page - 1) * pg.lim) p)
  INTO total, items;
  RETURN wallet.ok(200, 'Billers retrieved successfully', jsonb_build_object('billers', items,
    'pagination', jsonb_build_object('page', pg.page, 'limit', pg.lim, 'total', total,
      'totalPages', ceil(total::numeric / pg.lim)::int)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_billers(jsonb) IS
  'GET /api/admin/billers: every biller, by status, type and name; an unknown status or type is a 400.';

CREATE FUNCTION wallet.h_admin_biller(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  bl wallet.billers;
  stats jsonb;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  SELECT * INTO bl FROM wallet.billers x WHERE x.public_id = req -> 'params' ->> 'id';
  IF NOT FOUND THEN RETURN wallet.fail(404, 'Biller not found'); END IF;
  -- Revenue is what completed payments brought the biller: their amounts (a bill payment
  -- carries no fee); a payment not completed moved no money to it.
  SELECT jsonb_build_object('totalPayments', count(*),
           'completedPayments', count(*) FILTER (WHERE t.status = 'COMPLETED'),
           'totalRevenue', wallet.taka(coalesce(sum(t.amount) FILTER (WHERE t.status = 'COMPLETED'), 0)::bigint))
  INTO stats
  FROM wallet.bill_payments p JOIN wallet.transactions t ON t.id = p.transaction_id
  WHERE p.biller_id = bl.id;
  RETURN wallet.ok(200, 'Biller details retrieved successfully',
    jsonb_build_object('biller', wallet.admin_biller_json(bl), 'statistics', stats));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_biller(jsonb) IS
  'GET /api/admin/billers/:id: the biller and its payment statistics (all, completed, revenue).';

CREATE FUNCTION wallet.biller_status_errors(status text) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN status = ANY (l.s) THEN '[]'::jsonb
              ELSE wallet.err('status', format('Status must be %s or %s',
                     array_to_string(l.s[1:cardinality(l.s) - 1], ', '), l.s[cardinality(l.s)])) END
  FROM (SELECT wallet.biller_statuses() AS s) l
$$;
COMMENT ON FUNCTION wallet.biller_status_errors(text) IS
  'The validation error for a biller status that is not one of wallet.biller_statuses() '
  '(NULL included), or an empty array.';

CREATE FUNCTION wallet.h_admin_biller_update(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := wallet.body_object(req);
  e jsonb := wallet.body_errors(req) || wallet.biller_errors(b, true);
  bl wallet.billers;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  -- status is checked here, not in biller_errors: an update may set it, a new biller is always ACTIVE.
  IF b ? 'status' THEN e := e || wallet.biller_status_errors(b ->> 'status'); END IF;
  IF jsonb_array_length(e) > 0 THEN RETURN wallet.invalid(e); END IF;
  SELECT * INTO bl FROM wallet.billers x WHERE x.public_id = req -> 'params' ->> 'id';
  IF NOT FOUND THEN RETURN wallet.fail(404, 'Biller not found'); END IF;
  IF EXISTS (SELECT 1 FROM wallet.billers x WHERE x.biller_code = b ->> 'billerCode' AND x.id <> bl.id) THEN
    RETURN wallet.fail(409, 'Biller code already exists');
  END IF;
  UPDATE wallet.billers x SET name = coalesce(btrim(b ->> 'name'), x.name),
    biller_code = coalesce(b ->> 'billerCode', x.biller_code), bill_type = coalesce(b ->> 'billType', x.bill_type),
    contact_email = CASE WHEN b ? 'contactEmail' THEN b ->> 'contactEmail' ELSE x.contact_email END,
    contact_phone = CASE WHEN b ? 'contactPhone' THEN b ->> 'contactPhone' ELSE x.contact_phone END,
    description = CASE WHEN b ? 'description' THEN b ->> 'description' ELSE x.description END,
    logo_url = CASE WHEN b ? 'logoUrl' THEN b ->> 'logoUrl' ELSE x.logo_url END,
    status = coalesce(b ->> 'status', x.status), updated_at = now()
  WHERE x.id = bl.id RETURNING * INTO bl;
  RETURN wallet.ok(200, 'Biller updated successfully', jsonb_build_object('biller', wallet.admin_biller_json(bl)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_biller_update(jsonb) IS
  'PUT /api/admin/billers/:id: changes the fields sent, status included.';

CREATE FUNCTION wallet.set_biller_status(req jsonb, new_status text, message text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  bl wallet.billers;
  e jsonb := wallet.biller_status_errors(new_status);
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF jsonb_array_length(e) > 0 THEN RETURN wallet.invalid(e); END IF;
  UPDATE wallet.billers x SET status = new_status, updated_at = now()
  WHERE x.public_id = req -> 'params' ->> 'id' RETURNING * INTO bl;
  IF NOT FOUND THEN RETURN wallet.fail(404, 'Biller not found'); END IF;
  RETURN wallet.ok(200, message, jsonb_build_object('biller', jsonb_build_object('id', bl.public_id,
    'name', bl.name, 'billerCode', bl.biller_code, 'status', bl.status, 'updatedAt', wallet.ts(bl.updated_at))));
END
$$;
COMMENT ON FUNCTION wallet.set_biller_status(jsonb, text, text) IS 'Sets a biller''s status (admins only).';

CREATE FUNCTION wallet.h_admin_biller_status(req jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.set_biller_status(req, req -> 'body' ->> 'status', 'Biller status updated successfully') $$;
COMMENT ON FUNCTION wallet.h_admin_biller_status(jsonb) IS 'PATCH /api/admin/billers/:id/status.';

CREATE FUNCTION wallet.h_admin_biller_delete(req jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.set_biller_status(req, 'INACTIVE', 'Biller deactivated successfully') $$;
COMMENT ON FUNCTION wallet.h_admin_biller_delete(jsonb) IS
  'DELETE /api/admin/billers/:id: deactivates (status INACTIVE); payments keep their biller.';

-- Configuration: the wallet book's khata settings (validated when khata knows the key).
CREATE FUNCTION wallet.config_json(s khata.settings) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('key', s.key, 'value', s.value, 'description', s.description,
                            'isPublic', s.public, 'updatedAt', wallet.ts(s.updated_at))
$$;
COMMENT ON FUNCTION wallet.config_json(khata.settings) IS 'A setting as the config API shows it.';

CREATE FUNCTION wallet.h_admin_configs(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  RETURN wallet.ok(200, 'System configurations retrieved successfully', jsonb_build_object('configs',
    coalesce((SELECT jsonb_agg(wallet.config_json(s) ORDER BY s.key) FROM khata.settings s
              WHERE s.book_id = wallet.book()), '[]')));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_configs(jsonb) IS 'GET /api/admin/config.';

CREATE FUNCTION wallet.h_admin_config(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s khata.settings;
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  -- Keys are stored in lower case (write_config): Mixed_Case finds mixed_case.
  SELECT * INTO s FROM khata.settings x WHERE x.book_id = wallet.book() AND x.key = lower(req -> 'params' ->> 'key');
  IF NOT FOUND THEN RETURN wallet.fail(404, 'Configuration not found'); END IF;
  RETURN wallet.ok(200, 'Configuration retrieved successfully', jsonb_build_object('config', wallet.config_json(s)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_config(jsonb) IS 'GET /api/admin/config/:key.';

-- Writes a setting; a value khata refuses for a known key (kind, range) is a validation error.
CREATE FUNCTION wallet.write_config(key text, b jsonb, created boolean) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := '[]';
  s khata.settings;
BEGIN
  IF key IS NULL OR key !~ '^[A-Za-z0-9_]{1,100}$' THEN
    e := e || wallet.err('key', 'Key must be 1-100 letters, digits or underscores');
  END IF;
  IF jsonb_typeof(b -> 'value') IS DISTINCT FROM 'string' OR length(b ->> 'value') NOT BETWEEN 1 AND 1000 THEN
    e := e || wallet.err('value', 'Value must be a string of 1-1000 characters');
  END IF;
  IF length(b ->> 'description') > 500 THEN
    e := e || wallet.err('description', 'Description must be at most 500 characters');
  END IF;
  IF jsonb_array_length(e) > 0 THEN RETURN wallet.invalid(e); END IF;
  BEGIN
    PERFORM khata.validate_setting(lower(key), b ->> 'value');
  EXCEPTION WHEN SQLSTATE '22K30' THEN
    RETURN wallet.invalid(wallet.err('value', SQLERRM));
  END;
  SELECT * INTO s FROM khata.settings x WHERE x.book_id = wallet.book() AND x.key = lower(write_config.key);
  PERFORM khata.set_setting(wallet.book(), lower(key), b ->> 'value',
    coalesce(b ->> 'description', s.description), coalesce(s.public, false));
  SELECT * INTO s FROM khata.settings x WHERE x.book_id = wallet.book() AND x.key = lower(write_config.key);
  RETURN wallet.ok(CASE WHEN created THEN 201 ELSE 200 END,
    CASE WHEN created THEN 'Configuration created successfully' ELSE 'Configuration updated successfully' END,
    jsonb_build_object('config', jsonb_build_object('key', s.key, 'value', s.value, 'description', s.description)));
END
$$;
COMMENT ON FUNCTION wallet.write_config(text, jsonb, boolean) IS
  'Creates or updates a wallet setting through khata.set_setting (known keys are validated).';

CREATE FUNCTION wallet.h_admin_config_upsert(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  k text := req -> 'body' ->> 'key';
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  RETURN wallet.write_config(k, coalesce(req -> 'body', '{}'),
    NOT EXISTS (SELECT 1 FROM khata.settings x WHERE x.book_id = wallet.book() AND x.key = lower(k)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_config_upsert(jsonb) IS 'POST /api/admin/config: 201 when created, 200 when updated.';

CREATE FUNCTION wallet.h_admin_config_update(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  k text := req -> 'params' ->> 'key';
BEGIN
  IF wallet.admin_refusal(req) IS NOT NULL THEN RETURN wallet.admin_refusal(req); END IF;
  IF NOT EXISTS (SELECT 1 FROM khata.settings x WHERE x.book_id = wallet.book() AND x.key = lower(k)) THEN
    RETURN wallet.fail(404, 'Configuration not found');
  END IF;
  RETURN wallet.write_config(k, coalesce(req -> 'body', '{}'), false);
END
$$;
COMMENT ON FUNCTION wallet.h_admin_config_update(jsonb) IS 'PUT /api/admin/config/:key (an existing key only).';
