-- Money: add money from a card, send money, cash out, cash in, bill payment and bank transfer.
-- Each is one khata journal posted by khata.post_priced (amount, fee and commissions priced by
-- the wallet's fee schedule, amount + fee counted against the sender's limits), recorded as one
-- wallet.transactions row; a repeated Idempotency-Key returns the first response.

-- The 400 answer to a priced posting the ledger or the limits refused.
CREATE FUNCTION wallet.posting_refusal(code text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE posting_refusal.code
    WHEN '22K06' THEN wallet.fail(400, 'Insufficient balance')
    WHEN '22K25' THEN wallet.fail(400, 'Daily transaction limit exceeded')
    WHEN '22K26' THEN wallet.fail(400, 'Monthly transaction limit exceeded')
    WHEN '22K20' THEN wallet.invalid(wallet.err('amount', 'Amount is outside the allowed range'))
    WHEN '22K21' THEN wallet.invalid(wallet.err('amount', 'Amount is outside the allowed range'))
  END;
END
$$;
COMMENT ON FUNCTION wallet.posting_refusal(text) IS
  'The response to a refused priced posting: overdraft (22K06) and the daily and monthly '
  'limits (22K25, 22K26) are 400s, an amount outside the fee rule''s bounds (22K20, 22K21) a '
  'validation error.';

-- Posts a priced operation; a refusal of the ledger or of the limits becomes a 400 result.
CREATE FUNCTION wallet.post_priced(operation text, amount bigint, accounts jsonb, context jsonb,
                                   journal_key text, memo text, count_spending boolean,
                                   OUT posted jsonb, OUT refusal jsonb)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  schedule bigint;
  platform bigint;
BEGIN
  -- The schedule and the platform account in one query (wallet.schedule() and
  -- wallet.account('PLATFORM') would take four), before the subtransaction starts.
  SELECT s.id, a.id INTO schedule, platform
  FROM khata.books b
  JOIN khata.fee_schedules s ON s.book_id = b.id AND s.code = 'wallet'
  JOIN khata.accounts a ON a.book_id = b.id AND a.code = 'PLATFORM'
  WHERE b.code = 'wallet';
  BEGIN
    posted := khata.post_priced(schedule, operation, amount,
      accounts || jsonb_build_object('platform', platform), journal_key,
      context, memo, NULL, NULL, count_spending);
  EXCEPTION
    WHEN SQLSTATE '22K06' OR SQLSTATE '22K25' OR SQLSTATE '22K26' OR SQLSTATE '22K20'
         OR SQLSTATE '22K21' THEN
      refusal := wallet.posting_refusal(SQLSTATE);
  END;
END
$$;
COMMENT ON FUNCTION wallet.post_priced(text, bigint, jsonb, jsonb, text, text, boolean) IS
  'khata.post_priced on the wallet''s schedule with the platform account; overdraft (22K06) '
  'and limits (22K25/22K26) come back as a 400 result in refusal instead of an error.';

CREATE FUNCTION wallet.commission_of(q jsonb) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF coalesce(jsonb_array_length(q -> 'commissions'), 0) = 0 THEN
    RETURN 0;
  END IF;
  RETURN (SELECT coalesce(sum((c ->> 'amount')::bigint), 0)::bigint FROM jsonb_array_elements(q -> 'commissions') c);
END
$$;
COMMENT ON FUNCTION wallet.commission_of(jsonb) IS 'The total commission of a quote.';

CREATE FUNCTION wallet.record(public_id text, transaction_id text, type text, q jsonb, journal bigint, sender bigint,
                              receiver bigint, agent bigint, description text, metadata jsonb)
RETURNS wallet.transactions
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t wallet.transactions;
BEGIN
  INSERT INTO wallet.transactions AS x (public_id, transaction_id, type, amount, fee, commission,
    sender_id, receiver_id, agent_id, description, journal_id, metadata)
  VALUES (record.public_id, record.transaction_id, record.type, (q ->> 'amount')::bigint,
    (q ->> 'fee')::bigint, wallet.commission_of(q), sender, receiver, agent, record.description,
    journal, coalesce(record.metadata, '{}') || jsonb_build_object('feeRate', q -> 'percent', 'rule', q -> 'rule'))
  RETURNING x.* INTO t;
  RETURN t;
END
$$;
COMMENT ON FUNCTION wallet.record(text, text, text, jsonb, bigint, bigint, bigint, bigint, text, jsonb) IS
  'Records a posted operation: its ids, type, amount, fee and commission from the quote, parties and journal.';

CREATE FUNCTION wallet.balance_json(u wallet.users) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN (SELECT jsonb_build_object('newBalance', wallet.taka(r.posted), 'availableBalance', wallet.taka(r.available))
  FROM khata.account_row(u.account_id) r);
END
$$;
COMMENT ON FUNCTION wallet.balance_json(wallet.users) IS 'A wallet''s balance after an operation.';

-- The balances khata.post_journal returns are those of the journal's accounts just after it,
-- so the user's balance needs no second read of the ledger.
CREATE FUNCTION wallet.balance_after(posted jsonb, u wallet.users) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := jsonb_path_query_first(posted, '$.balances[*] ? (@.account == $id)',
                                    jsonb_build_object('id', u.account_id));
BEGIN
  IF b IS NULL THEN
    RETURN wallet.balance_json(u);
  END IF;
  RETURN jsonb_build_object('newBalance', wallet.taka((b ->> 'posted')::bigint),
                            'availableBalance', wallet.taka((b ->> 'available')::bigint));
END
$$;
COMMENT ON FUNCTION wallet.balance_after(jsonb, wallet.users) IS
  'A wallet''s balance as a posting returned it (wallet.balance_json when it did not).';

CREATE FUNCTION wallet.amount_errors(value jsonb, lo bigint, hi bigint) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a record := wallet.read_amount(value);
BEGIN
  IF a.problem IS NOT NULL THEN
    RETURN wallet.err('amount', a.problem);
  ELSIF a.minor < lo THEN
    RETURN wallet.err('amount', 'Minimum amount is ৳' || to_char(wallet.taka(lo), 'FM999,999,990'));
  ELSIF a.minor > hi THEN
    RETURN wallet.err('amount', 'Maximum amount is ৳' || to_char(wallet.taka(hi), 'FM999,999,990'));
  END IF;
  RETURN '[]';
END
$$;
COMMENT ON FUNCTION wallet.amount_errors(jsonb, bigint, bigint) IS
  'Validation errors of an amount in taka against bounds in poisha.';

CREATE FUNCTION wallet.description_errors(b jsonb) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN b ? 'description' AND pg_catalog.jsonb_typeof(b -> 'description') NOT IN ('string', 'null')
              THEN wallet.err('description', 'Description must be text')
              WHEN pg_catalog.length(b ->> 'description') > 500
              THEN wallet.err('description', 'Description must be at most 500 characters')
              ELSE '[]'::jsonb END
$$;
COMMENT ON FUNCTION wallet.description_errors(jsonb) IS 'Validation errors of an optional description.';

-- What a money route tells a caller without the role it needs.
CREATE FUNCTION wallet.denied_message(roles text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN roles = ARRAY['AGENT'] THEN 'Access denied. Agent credentials required.'
              ELSE 'Access denied. Consumer credentials required.' END
$$;
COMMENT ON FUNCTION wallet.denied_message(text[]) IS
  'The 401/403 message of a money route for the roles it admits: agent or consumer credentials.';

-- The 401/403 answer to a caller of a money route, NULL when it is an ACTIVE user of the role.
-- An expression helper (see 010_helpers.sql): inlined into the handlers.
CREATE FUNCTION wallet.caller_refusal(req jsonb, u wallet.users, roles text[]) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN u.id IS NULL THEN wallet.no_user(req, wallet.denied_message(roles))
              WHEN NOT u.role = ANY (roles) THEN wallet.fail(403, wallet.denied_message(roles))
              WHEN u.status <> 'ACTIVE' THEN wallet.fail(403, 'Account is not active') END
$$;
COMMENT ON FUNCTION wallet.caller_refusal(jsonb, wallet.users, text[]) IS
  'The 401 (no user) or 403 (an admin, another role, not ACTIVE) result for a money route''s caller; '
  'NULL when it may go on.';

-- The caller for a money route: a 401/403 result in refusal unless an ACTIVE user of the role.
CREATE FUNCTION wallet.money_caller(req jsonb, roles text[], OUT u wallet.users, OUT refusal jsonb)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  u := wallet.caller_user(req);
  refusal := wallet.caller_refusal(req, u, roles);
END
$$;
COMMENT ON FUNCTION wallet.money_caller(jsonb, text[]) IS
  'The calling user when it has one of the roles and is ACTIVE, else the 401/403 result.';

-- Runs a money operation under the request's Idempotency-Key.
CREATE FUNCTION wallet.idempotent(req jsonb, u wallet.users, operation text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  key text := nullif(req -> 'headers' ->> 'idempotency-key', '');
  principal text := 'user:' || u.public_id;
  prior jsonb;
  result jsonb;
BEGIN
  IF key IS NOT NULL AND length(key) > 255 THEN
    RETURN wallet.invalid(wallet.err('Idempotency-Key', 'Idempotency-Key must be at most 255 characters'));
  END IF;
  prior := wallet.idempotency_claim(principal, operation || ':' || key, req -> 'body');
  IF prior IS NOT NULL THEN
    RETURN prior;
  END IF;
  -- A static call per operation: EXECUTE would parse and plan the call on every request.
  result := CASE operation
    WHEN 'cash_out' THEN wallet.do_cash_out(req -> 'body', u)
    WHEN 'cash_in' THEN wallet.do_cash_in(req -> 'body', u)
    WHEN 'add_money' THEN wallet.do_add_money(req -> 'body', u)
    WHEN 'pay_bill' THEN wallet.do_pay_bill(req -> 'body', u)
    WHEN 'bank_transfer' THEN wallet.do_bank_transfer(req -> 'body', u)
  END;
  IF result IS NULL THEN
    RAISE EXCEPTION 'wallet.idempotent: unknown operation "%"', operation USING ERRCODE = '22023';
  END IF;
  RETURN wallet.idempotency_store(principal, operation || ':' || key, result);
END
$$;
COMMENT ON FUNCTION wallet.idempotent(jsonb, wallet.users, text) IS
  'Calls wallet.do_<operation>(body, user) once per user and Idempotency-Key: a retry gets the '
  'stored first response and moves nothing.';

CREATE FUNCTION wallet.find_user(identifier text) RETURNS wallet.users
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users;
BEGIN
  -- Emails have an @ and phones never do: one lookup.
  IF strpos(identifier, '@') > 0 THEN
    SELECT x.* INTO u FROM wallet.users x WHERE x.email = lower(btrim(identifier));
  ELSE
    SELECT x.* INTO u FROM wallet.users x WHERE x.phone = btrim(identifier);
  END IF;
  RETURN u;
END
$$;
COMMENT ON FUNCTION wallet.find_user(text) IS 'A consumer or agent by email or phone.';

-- Send money: the busiest route, in one body. One query reads the caller, the recipient, an
-- earlier response under the same Idempotency-Key, the fee schedule and the platform account;
-- the posting, the operation's row and the stored response are one subtransaction, so a
-- concurrent request with the same key that stores its response first undoes this one.
-- Every read here, and in the posting under it, is by key, so sequential scans are off: a
-- plan made while a table was empty (a new install, or ANALYZE just after one) would
-- otherwise scan wallet.idempotent_responses on every request while it grows by a thousand
-- rows a second (measured: 500-900 requests/s instead of 1,500-1,700, and falling).
CREATE FUNCTION wallet.h_send_money(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
AS $$
DECLARE
  b jsonb := req -> 'body';
  recipient text := b ->> 'recipientIdentifier';
  -- Emails have an @ and phones never do (as wallet.find_user): one of the two is looked up.
  recipient_email text := CASE WHEN strpos(recipient, '@') > 0 THEN lower(btrim(recipient)) END;
  recipient_phone text := CASE WHEN strpos(recipient, '@') > 0 THEN NULL ELSE btrim(recipient) END;
  idem_key text := nullif(req -> 'headers' ->> 'idempotency-key', '');
  c record;
  u wallet.users;
  r wallet.users;
  principal text;  -- as wallet.idempotent names the caller
  amt record;
  e jsonb := '[]';
  ids record;
  posted jsonb;
  t wallet.transactions;
  result jsonb;
  conflict text;
BEGIN
  -- The caller as wallet.caller_user finds it, the recipient as wallet.find_user does.
  SELECT x AS caller, ye AS by_email, yp AS by_phone, i.response AS prior,
         i.request AS prior_request, s.id AS schedule,
         p.id AS platform
  INTO c
  FROM khata.books k
  JOIN khata.fee_schedules s ON s.book_id = k.id AND s.code = 'wallet'
  JOIN khata.accounts p ON p.book_id = k.id AND p.code = 'PLATFORM'
  LEFT JOIN wallet.users x
    ON x.public_id = req -> 'claims' ->> 'id' AND x.role = wallet.claimed_role(req)
  LEFT JOIN wallet.users ye ON ye.email = recipient_email
  LEFT JOIN wallet.users yp ON yp.phone = recipient_phone
  -- Both columns of the key from the request, so the lookup is one probe of the primary key
  -- whatever the join order (x.public_id is the claims' id whenever there is a caller).
  LEFT JOIN wallet.idempotent_responses i
    ON i.principal = 'user:' || (req -> 'claims' ->> 'id') AND i.key = 'send_money:' || idem_key
  WHERE k.code = 'wallet';
  u := c.caller;
  IF recipient_email IS NOT NULL THEN
    r := c.by_email;
  ELSE
    r := c.by_phone;
  END IF;

  result := wallet.caller_refusal(req, u, ARRAY['CONSUMER']);
  IF result IS NOT NULL THEN
    RETURN result;
  END IF;
  IF length(idem_key) > 255 THEN
    RETURN wallet.invalid(wallet.err('Idempotency-Key', 'Idempotency-Key must be at most 255 characters'));
  END IF;
  IF c.prior IS NOT NULL THEN
    RETURN wallet.idempotent_replay(c.prior, c.prior_request, b);
  END IF;
  principal := 'user:' || u.public_id;

  e := wallet.text_field_error(b, 'recipientIdentifier', 'Recipient phone number or email',
         CASE WHEN coalesce(btrim(recipient), '') = ''
              THEN 'Recipient phone number or email is required' END);
  e := e || wallet.amount_errors(b -> 'amount', 1000, 2500000) || wallet.description_errors(b);
  IF b ->> 'pin' IS NOT NULL AND b ->> 'pin' !~ '^[0-9]{4}$' THEN
    e := e || wallet.err('pin', 'PIN must be 4 digits');
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.idempotency_keep(principal, 'send_money', idem_key, b, wallet.invalid(e));
  END IF;
  -- Any user's wallet receives: a consumer's or an agent's (the spec's example sends to the
  -- demo agent's phone).
  IF r.id IS NULL THEN
    RETURN wallet.idempotency_keep(principal, 'send_money', idem_key, b, wallet.fail(404, 'Recipient not found'));
  END IF;
  IF r.id = u.id THEN
    RETURN wallet.idempotency_keep(principal, 'send_money', idem_key, b,
                                   wallet.fail(400, 'Cannot send money to yourself'));
  END IF;
  IF r.status <> 'ACTIVE' THEN
    RETURN wallet.idempotency_keep(principal, 'send_money', idem_key, b,
                                   wallet.fail(403, 'Recipient account is not active'));
  END IF;

  amt := wallet.read_amount(b -> 'amount');
  ids := wallet.next_transaction_ids();
  BEGIN
    posted := khata.post_priced(c.schedule, 'send_money', amt.minor,
      jsonb_build_object('sender', u.account_id, 'receiver', r.account_id, 'platform', c.platform),
      ids.transaction_id, '{}', coalesce(b ->> 'description', 'Send money'), NULL, NULL, true);
    t := wallet.record(ids.public_id, ids.transaction_id, 'SEND_MONEY', posted -> 'quote',
                       (posted ->> 'journal_id')::bigint, u.id, r.id, NULL, b ->> 'description', NULL);
    result := wallet.ok(200, 'Money sent successfully', jsonb_build_object(
      'transaction', jsonb_build_object('id', t.public_id, 'transactionId', t.transaction_id,
        'type', t.type, 'amount', wallet.taka(t.amount), 'fee', wallet.taka(t.fee),
        'totalDeducted', wallet.taka(t.amount + t.fee), 'status', t.status,
        'sender', jsonb_build_object('id', u.public_id, 'name', wallet.user_name(u)),
        'receiver', jsonb_build_object('id', r.public_id, 'name', wallet.user_name(r), 'phone', r.phone),
        'description', t.description, 'createdAt', wallet.ts(t.created_at)),
      'wallet', wallet.balance_after(posted, u)));
    IF idem_key IS NOT NULL THEN
      INSERT INTO wallet.idempotent_responses (principal, key, response, request)
      VALUES ('user:' || u.public_id, 'send_money:' || idem_key, result, b);
    END IF;
    RETURN result;
  EXCEPTION
    WHEN SQLSTATE '22K06' OR SQLSTATE '22K25' OR SQLSTATE '22K26' OR SQLSTATE '22K20'
         OR SQLSTATE '22K21' THEN
      result := wallet.posting_refusal(SQLSTATE);
    WHEN unique_violation THEN
      -- A request with the same key stored its response first: this one moved nothing.
      GET STACKED DIAGNOSTICS conflict = CONSTRAINT_NAME;
      IF conflict IS DISTINCT FROM 'idempotent_responses_pkey' THEN
        RAISE;
      END IF;
      RETURN wallet.idempotent_stored(principal, 'send_money:' || idem_key, b);
  END;
  RETURN wallet.idempotency_keep(principal, 'send_money', idem_key, b, result);
END
$$;
COMMENT ON FUNCTION wallet.h_send_money(jsonb) IS
  'POST /api/transactions/send-money (consumers): to another ACTIVE user, consumer or agent (fee: free to '
  '৳1,000, ৳5 to ৳5,000, ৳10 above), once per Idempotency-Key.';

-- Cash out through an agent.
CREATE FUNCTION wallet.do_cash_out(b jsonb, u wallet.users) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := wallet.amount_errors(b -> 'amount', 5000, 2500000) || wallet.description_errors(b);
  a wallet.agents;
  au wallet.users;
  ids record;
  p record;
  t wallet.transactions;
BEGIN
  IF coalesce(b ->> 'agentCode', '') !~ '^AG[0-9]{7}$' THEN
    e := wallet.err('agentCode', 'Agent code must be AG followed by 7 digits') || e;
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  SELECT * INTO a FROM wallet.agents x WHERE x.agent_code = b ->> 'agentCode';
  IF NOT FOUND THEN
    RETURN wallet.fail(404, 'Agent not found');
  END IF;
  SELECT * INTO au FROM wallet.users x WHERE x.id = a.user_id;
  IF au.status <> 'ACTIVE' THEN
    RETURN wallet.fail(403, 'Agent is not active');
  END IF;
  ids := wallet.next_transaction_ids();
  p := wallet.post_priced('cash_out', (wallet.read_amount(b -> 'amount')).minor,
         jsonb_build_object('sender', u.account_id, 'receiver', au.account_id, 'agent', au.account_id),
         '{}', ids.transaction_id, coalesce(b ->> 'description', 'Cash out'), true);
  IF p.refusal IS NOT NULL THEN
    RETURN p.refusal;
  END IF;
  t := wallet.record(ids.public_id, ids.transaction_id, 'CASH_OUT', p.posted -> 'quote', (p.posted ->> 'journal_id')::bigint,
                     u.id, au.id, a.id, b ->> 'description', jsonb_build_object('agentCode', a.agent_code));
  RETURN wallet.ok(200, 'Cash out successful', jsonb_build_object(
    'transaction', jsonb_build_object('id', t.public_id, 'transactionId', t.transaction_id,
      'type', t.type, 'amount', wallet.taka(t.amount), 'fee', wallet.taka(t.fee),
      'totalDeducted', wallet.taka(t.amount + t.fee), 'status', t.status,
      'agent', jsonb_build_object('agentCode', a.agent_code, 'businessName', a.business_name),
      'description', t.description, 'createdAt', wallet.ts(t.created_at)),
    'wallet', wallet.balance_after(p.posted, u)));
END
$$;
COMMENT ON FUNCTION wallet.do_cash_out(jsonb, wallet.users) IS
  'Cash out: the consumer pays amount + 1.85%; the agent gets the amount and the commission '
  '(agent_commission_rate) from the platform, which keeps the difference.';

CREATE FUNCTION wallet.h_cash_out(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record := wallet.money_caller(req, ARRAY['CONSUMER']);
BEGIN
  RETURN coalesce(c.refusal, wallet.idempotent(req, c.u, 'cash_out'));
END
$$;
COMMENT ON FUNCTION wallet.h_cash_out(jsonb) IS 'POST /api/transactions/cash-out (consumers).';

-- Cash in by an agent.
CREATE FUNCTION wallet.do_cash_in(b jsonb, u wallet.users) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := wallet.amount_errors(b -> 'amount', 5000, 2500000) || wallet.description_errors(b);
  a wallet.agents;
  cu wallet.users;
  ids record;
  p record;
  t wallet.transactions;
BEGIN
  e := wallet.text_field_error(b, 'consumerIdentifier', 'Consumer phone number or email',
         CASE WHEN coalesce(btrim(b ->> 'consumerIdentifier'), '') = ''
              THEN 'Consumer phone number or email is required' END) || e;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  cu := wallet.find_user(b ->> 'consumerIdentifier');
  IF cu.id = u.id THEN
    RETURN wallet.fail(400, 'Cannot process cash in to your own account');
  END IF;
  IF cu.id IS NULL OR cu.role <> 'CONSUMER' THEN
    RETURN wallet.fail(404, 'Consumer not found');
  END IF;
  IF cu.status <> 'ACTIVE' THEN
    RETURN wallet.fail(403, 'Consumer account is not active');
  END IF;
  SELECT * INTO a FROM wallet.agents x WHERE x.user_id = u.id;
  ids := wallet.next_transaction_ids();
  p := wallet.post_priced('cash_in', (wallet.read_amount(b -> 'amount')).minor,
         jsonb_build_object('sender', u.account_id, 'receiver', cu.account_id, 'agent', u.account_id),
         '{}', ids.transaction_id, coalesce(b ->> 'description', 'Cash in'), true);
  IF p.refusal IS NOT NULL THEN
    RETURN p.refusal;
  END IF;
  t := wallet.record(ids.public_id, ids.transaction_id, 'CASH_IN', p.posted -> 'quote', (p.posted ->> 'journal_id')::bigint,
                     u.id, cu.id, a.id, b ->> 'description', jsonb_build_object('agentCode', a.agent_code));
  RETURN wallet.ok(200, 'Cash in successful. Consumer''s wallet has been credited.', jsonb_build_object(
    'transaction', jsonb_build_object('id', t.public_id, 'transactionId', t.transaction_id,
      'amount', wallet.taka(t.amount), 'fee', wallet.taka(t.fee), 'commission', wallet.taka(t.commission),
      'type', t.type, 'status', t.status,
      'consumer', jsonb_build_object('name', wallet.user_name(cu), 'phone', cu.phone),
      'description', t.description, 'createdAt', wallet.ts(t.created_at)),
    'agentWallet', (SELECT jsonb_build_object('balance', wallet.taka(r.posted),
                      'availableBalance', wallet.taka(r.available)) FROM khata.account_row(u.account_id) r)));
END
$$;
COMMENT ON FUNCTION wallet.do_cash_in(jsonb, wallet.users) IS
  'Cash in: the agent''s wallet pays the consumer the full amount and the platform pays the '
  'agent agent_commission_rate / 10 percent.';

CREATE FUNCTION wallet.h_cash_in(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record := wallet.money_caller(req, ARRAY['AGENT']);
BEGIN
  RETURN coalesce(c.refusal, wallet.idempotent(req, c.u, 'cash_in'));
END
$$;
COMMENT ON FUNCTION wallet.h_cash_in(jsonb) IS 'POST /api/transactions/cash-in (agents).';

-- Add money from the simulated card bank.
CREATE FUNCTION wallet.do_add_money(b jsonb, u wallet.users) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := wallet.amount_errors(b -> 'amount', 5000, 2500000);
  card wallet.bank_cards;
  amount bigint;
  today date := (now() AT TIME ZONE 'Asia/Dhaka')::date;
  ids record;
  p record;
  t wallet.transactions;
BEGIN
  IF coalesce(b ->> 'cardNumber', '') !~ '^[0-9]{16}$' THEN
    e := e || wallet.err('cardNumber', 'Card number must be 16 digits');
  END IF;
  IF NOT wallet.len_between(b ->> 'cardHolderName', 3, 255) THEN
    e := e || wallet.err('cardHolderName', 'Card holder name must be at least 3 characters');
  END IF;
  IF coalesce(b ->> 'expiryMonth', '') !~ '^(0[1-9]|1[0-2])$' THEN
    e := e || wallet.err('expiryMonth', 'Expiry month must be MM (01-12)');
  END IF;
  IF coalesce(b ->> 'expiryYear', '') !~ '^[0-9]{2}$' THEN
    e := e || wallet.err('expiryYear', 'Expiry year must be YY');
  ELSIF b ->> 'expiryMonth' ~ '^(0[1-9]|1[0-2])$'
        AND make_date(2000 + (b ->> 'expiryYear')::int, (b ->> 'expiryMonth')::int, 1) + interval '1 month' <= today THEN
    e := e || wallet.err('expiryYear', 'Card has expired');
  END IF;
  IF coalesce(b ->> 'cvv', '') !~ '^[0-9]{3}$' THEN
    e := e || wallet.err('cvv', 'CVV must be 3 digits');
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  amount := (wallet.read_amount(b -> 'amount')).minor;
  SELECT * INTO card FROM wallet.bank_cards c WHERE c.card_number = b ->> 'cardNumber' FOR UPDATE;
  IF NOT FOUND OR lower(card.holder_name) <> lower(btrim(b ->> 'cardHolderName'))
     OR card.expiry_month <> b ->> 'expiryMonth' OR card.expiry_year <> b ->> 'expiryYear'
     OR card.cvv <> b ->> 'cvv' THEN
    RETURN wallet.fail(400, 'Invalid card details');
  END IF;
  IF card.balance < amount THEN
    RETURN wallet.fail(400, 'Insufficient bank balance');
  END IF;
  ids := wallet.next_transaction_ids();
  p := wallet.post_priced('add_money', amount,
         jsonb_build_object('sender', wallet.account('SETTLEMENT'), 'receiver', u.account_id),
         '{}', ids.transaction_id, 'Added money from card', false);
  IF p.refusal IS NOT NULL THEN
    RETURN p.refusal;
  END IF;
  UPDATE wallet.bank_cards SET balance = balance - amount WHERE card_number = card.card_number;
  t := wallet.record(ids.public_id, ids.transaction_id, 'ADD_MONEY', p.posted -> 'quote', (p.posted ->> 'journal_id')::bigint,
                     NULL, u.id, NULL, 'Added money from ****-****-****-' || right(card.card_number, 4),
                     jsonb_build_object('cardLast4', right(card.card_number, 4)));
  RETURN wallet.ok(200, 'Money added successfully', jsonb_build_object(
    'transaction', jsonb_build_object('id', t.public_id, 'transactionId', t.transaction_id,
      'type', t.type, 'amount', wallet.taka(t.amount), 'fee', wallet.taka(t.fee), 'status', t.status,
      'description', t.description, 'createdAt', wallet.ts(t.created_at)),
    'wallet', wallet.balance_after(p.posted, u)));
END
$$;
COMMENT ON FUNCTION wallet.do_add_money(jsonb, wallet.users) IS
  'Add money: draws the amount from a simulated card and credits the wallet from the settlement account.';

CREATE FUNCTION wallet.h_add_money(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record := wallet.money_caller(req, ARRAY['CONSUMER', 'AGENT']);
BEGIN
  RETURN coalesce(c.refusal, wallet.idempotent(req, c.u, 'add_money'));
END
$$;
COMMENT ON FUNCTION wallet.h_add_money(jsonb) IS 'POST /api/transactions/add-money (consumers and agents).';

-- Bill payment.
CREATE FUNCTION wallet.do_pay_bill(b jsonb, u wallet.users) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := wallet.amount_errors(b -> 'amount', 1000, 10000000) || wallet.description_errors(b);
  bl wallet.billers;
  ids record;
  p record;
  t wallet.transactions;
  bp wallet.bill_payments;
BEGIN
  e := wallet.text_field_error(b, 'billerId', 'Biller id',
         CASE WHEN coalesce(b ->> 'billerId', '') = '' THEN 'Biller id is required' END)
    || e
    || wallet.text_field_error(b, 'accountNumber', 'Account number',
         CASE WHEN coalesce(b ->> 'accountNumber', '') !~ '^[A-Za-z0-9-]{5,50}$'
              THEN 'Account number must be 5-50 letters, digits or hyphens' END);
  IF b ->> 'billingMonth' IS NOT NULL AND b ->> 'billingMonth' NOT IN ('January', 'February', 'March',
     'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December') THEN
    e := e || wallet.err('billingMonth', 'Billing month must be a month name (January-December)');
  END IF;
  IF b ->> 'billingYear' IS NOT NULL AND (b ->> 'billingYear' !~ '^[0-9]{4}$'
     OR (b ->> 'billingYear')::int NOT BETWEEN 2020 AND 2100) THEN
    e := e || wallet.err('billingYear', 'Billing year must be 2020-2100');
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  SELECT * INTO bl FROM wallet.billers x WHERE x.public_id = b ->> 'billerId';
  IF NOT FOUND OR bl.status <> 'ACTIVE' THEN
    RETURN wallet.fail(404, 'Biller not found or not accepting payments');
  END IF;
  ids := wallet.next_transaction_ids();
  p := wallet.post_priced('bill_payment', (wallet.read_amount(b -> 'amount')).minor,
         jsonb_build_object('sender', u.account_id, 'receiver', wallet.account('BILLERS')),
         '{}', ids.transaction_id, 'Bill payment to ' || bl.biller_code, true);
  IF p.refusal IS NOT NULL THEN
    RETURN p.refusal;
  END IF;
  t := wallet.record(ids.public_id, ids.transaction_id, 'BILL_PAYMENT', p.posted -> 'quote', (p.posted ->> 'journal_id')::bigint,
                     u.id, NULL, NULL, coalesce(b ->> 'description', 'Bill payment to ' || bl.name),
                     jsonb_build_object('billerId', bl.public_id, 'accountNumber', b ->> 'accountNumber'));
  INSERT INTO wallet.bill_payments (public_id, transaction_id, user_id, biller_id, account_number,
                                    billing_month, billing_year, receipt_number)
  VALUES (t.public_id, t.id, u.id, bl.id, b ->> 'accountNumber', b ->> 'billingMonth',
          (b ->> 'billingYear')::int,
          'RCP-' || to_char(now() AT TIME ZONE 'Asia/Dhaka', 'YYYYMM') || '-' || t.id)
  RETURNING * INTO bp;
  RETURN wallet.ok(201, 'Bill payment completed successfully', jsonb_build_object(
    'transactionId', t.transaction_id, 'billerId', bl.public_id, 'billerName', bl.name,
    'billerCode', bl.biller_code, 'billType', bl.bill_type, 'accountNumber', bp.account_number,
    'amount', wallet.taka(t.amount), 'fee', wallet.taka(t.fee), 'totalAmount', wallet.taka(t.amount + t.fee),
    'status', t.status, 'receiptNumber', bp.receipt_number, 'completedAt', wallet.ts(t.completed_at),
    'newBalance', (wallet.balance_after(p.posted, u) -> 'newBalance')));
END
$$;
COMMENT ON FUNCTION wallet.do_pay_bill(jsonb, wallet.users) IS
  'Bill payment to an ACTIVE biller, free, counted against the consumer''s limits, with a receipt number.';

CREATE FUNCTION wallet.h_pay_bill(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record := wallet.money_caller(req, ARRAY['CONSUMER']);
BEGIN
  RETURN coalesce(c.refusal, wallet.idempotent(req, c.u, 'pay_bill'));
END
$$;
COMMENT ON FUNCTION wallet.h_pay_bill(jsonb) IS 'POST /api/transactions/pay-bill (consumers).';

-- Bank transfer.
CREATE FUNCTION wallet.mask_account(n text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT '****' || right(n, 4) $$;
COMMENT ON FUNCTION wallet.mask_account(text) IS 'A bank account number with only its last 4 digits shown.';

CREATE FUNCTION wallet.do_bank_transfer(b jsonb, u wallet.users) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := wallet.amount_errors(b -> 'amount', 1000, 10000000) || wallet.description_errors(b);
  ids record;
  p record;
  t wallet.transactions;
  bt wallet.bank_transfers;
BEGIN
  e := e
    || wallet.text_field_error(b, 'bankName', 'Bank name',
         CASE WHEN NOT wallet.len_between(b ->> 'bankName', 2, 100)
              THEN 'Bank name must be 2-100 characters' END)
    || wallet.text_field_error(b, 'accountNumber', 'Account number',
         CASE WHEN coalesce(b ->> 'accountNumber', '') !~ '^[0-9]{5,50}$'
              THEN 'Account number must be 5-50 digits' END)
    || wallet.text_field_error(b, 'accountHolderName', 'Account holder name',
         CASE WHEN NOT wallet.len_between(b ->> 'accountHolderName', 2, 255)
              THEN 'Account holder name must be 2-255 characters' END)
    || wallet.text_field_error(b, 'routingNumber', 'Routing number',
         CASE WHEN b ->> 'routingNumber' !~ '^[0-9]{9,20}$' THEN 'Routing number must be 9-20 digits' END);
  IF b ->> 'transferType' IS NOT NULL AND b ->> 'transferType' NOT IN ('INSTANT', 'STANDARD') THEN
    e := e || wallet.err('transferType', 'Transfer type must be INSTANT or STANDARD');
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  ids := wallet.next_transaction_ids();
  p := wallet.post_priced('bank_transfer', (wallet.read_amount(b -> 'amount')).minor,
         jsonb_build_object('sender', u.account_id, 'receiver', wallet.account('SETTLEMENT')),
         jsonb_build_object('sender_type', lower(u.role)), ids.transaction_id,
         'Bank transfer to ' || (b ->> 'bankName'), true);
  IF p.refusal IS NOT NULL THEN
    RETURN p.refusal;
  END IF;
  t := wallet.record(ids.public_id, ids.transaction_id, 'BANK_TRANSFER', p.posted -> 'quote', (p.posted ->> 'journal_id')::bigint,
                     u.id, NULL, NULL, coalesce(b ->> 'description', 'Bank transfer to ' || (b ->> 'bankName')),
                     jsonb_build_object('bankName', b ->> 'bankName'));
  INSERT INTO wallet.bank_transfers (public_id, transaction_id, user_id, bank_name, account_number,
    account_holder_name, routing_number, transfer_type, reference_number)
  VALUES (t.public_id, t.id, u.id, btrim(b ->> 'bankName'), b ->> 'accountNumber',
          btrim(b ->> 'accountHolderName'), b ->> 'routingNumber', coalesce(b ->> 'transferType', 'STANDARD'),
          'BNK' || to_char(now() AT TIME ZONE 'Asia/Dhaka', 'YYYYMMDD') || lpad(t.id::text, 6, '0'))
  RETURNING * INTO bt;
  RETURN wallet.ok(201, 'Bank transfer completed successfully', jsonb_build_object(
    'id', bt.public_id, 'transactionId', t.transaction_id, 'amount', wallet.taka(t.amount),
    'processingFee', wallet.taka(t.fee), 'totalAmount', wallet.taka(t.amount + t.fee),
    'bankName', bt.bank_name, 'accountNumber', wallet.mask_account(bt.account_number),
    'transferType', bt.transfer_type, 'status', t.status, 'referenceNumber', bt.reference_number,
    'completedAt', wallet.ts(t.completed_at)));
END
$$;
COMMENT ON FUNCTION wallet.do_bank_transfer(jsonb, wallet.users) IS
  'Bank transfer out of the wallet: consumers pay bank_transfer_fee_rate percent (minimum ৳10), agents nothing.';

CREATE FUNCTION wallet.h_bank_transfer(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record := wallet.money_caller(req, ARRAY['CONSUMER', 'AGENT']);
BEGIN
  RETURN coalesce(c.refusal, wallet.idempotent(req, c.u, 'bank_transfer'));
END
$$;
COMMENT ON FUNCTION wallet.h_bank_transfer(jsonb) IS 'POST /api/bank/transfer (consumers and agents).';
