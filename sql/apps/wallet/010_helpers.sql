-- Shared pieces of the handlers: the response shapes, field checks, money and time at the JSON
-- edge, who is calling, and the Idempotency-Key store.
--
-- Expression helpers (the response shapes, ts, taka, user_name, the field checks) are SQL
-- functions that leave search_path alone, so that the planner inlines them into the handler
-- that calls them. A function that pins its search_path is never inlined: each call costs a
-- function call plus a save and restore of the setting, about 1 us, and send-money made
-- twenty such calls. Inlined, their bodies are planned under the calling handler's pinned
-- path. They read no table, are not SECURITY DEFINER, and name functions schema-qualified,
-- so called on their own they run as their caller with nothing to hijack.
-- (tests/pgtap/990_hygiene.sql holds every other function to the pinned path.)

-- data is named once: the planner does not inline a call whose costly argument it would have
-- to copy. With no data there is no data key, as jsonb_set is strict.
CREATE FUNCTION wallet.ok(status int, message text, data jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.jsonb_build_object('status', status, 'body',
    coalesce(pg_catalog.jsonb_set(pg_catalog.jsonb_build_object('success', true, 'message', message),
                                  '{data}', data),
             pg_catalog.jsonb_build_object('success', true, 'message', message)))
$$;
COMMENT ON FUNCTION wallet.ok(int, text, jsonb) IS
  'A success result: {success: true, message, data}.';

CREATE FUNCTION wallet.fail(status int, message text)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.jsonb_build_object('status', status, 'body',
    pg_catalog.jsonb_build_object('success', false, 'message', message))
$$;
COMMENT ON FUNCTION wallet.fail(int, text) IS 'A failure result: {success: false, message}.';

CREATE FUNCTION wallet.invalid(errors jsonb)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.jsonb_build_object('status', 400, 'body',
    pg_catalog.jsonb_build_object('success', false, 'message', 'Validation error', 'errors', errors))
$$;
COMMENT ON FUNCTION wallet.invalid(jsonb) IS
  'A 400 validation result: {success: false, message: "Validation error", errors: [{field, message}]}.';

CREATE FUNCTION wallet.err(field text, message text)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('field', field, 'message', message))
$$;
COMMENT ON FUNCTION wallet.err(text, text) IS 'One validation error, as a one-element array to append.';

CREATE FUNCTION wallet.body_errors(req jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN coalesce(jsonb_typeof(req -> 'body'), 'null') IN ('object', 'null') THEN '[]'::jsonb
              ELSE wallet.err('body', 'The body must be a JSON object') END
$$;
COMMENT ON FUNCTION wallet.body_errors(jsonb) IS
  'The validation error of a body that is JSON but not an object (an array, a string...); none for an object or no body.';

CREATE FUNCTION wallet.body_object(req jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$ SELECT CASE WHEN jsonb_typeof(req -> 'body') = 'object' THEN req -> 'body' ELSE '{}'::jsonb END $$;
COMMENT ON FUNCTION wallet.body_object(jsonb) IS
  'The request body when it is an object, else an empty object (see body_errors for refusing the rest).';

CREATE FUNCTION wallet.ts(t timestamptz)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_catalog.to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
COMMENT ON FUNCTION wallet.ts(timestamptz) IS 'A timestamp as the API writes it: 2026-01-27T12:34:56.000Z.';

CREATE FUNCTION wallet.taka(minor bigint)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT khata.format_amount(minor, 2) $$;
COMMENT ON FUNCTION wallet.taka(bigint) IS 'Poisha to taka for JSON: 1850 is 18.50.';

-- Reads a JSON amount in taka: a number (or numeric string) with at most 2 decimals, never
-- rounded. Returns NULL with the reason in `problem` when it is not one.
CREATE FUNCTION wallet.read_amount(value jsonb, OUT minor bigint, OUT problem text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n numeric;
BEGIN
  IF value IS NULL OR jsonb_typeof(value) = 'null' THEN
    problem := 'Amount is required';
    RETURN;
  END IF;
  IF jsonb_typeof(value) = 'number' THEN
    n := value::numeric;  -- a JSON number is always a valid numeric
  ELSIF jsonb_typeof(value) = 'string' AND (value #>> '{}') ~ '^\s*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$' THEN
    n := (value #>> '{}')::numeric;
  ELSE
    problem := 'Amount must be a number';
    RETURN;
  END IF;
  IF n <= 0 THEN
    problem := 'Amount must be positive';
  ELSIF n * 100 <> trunc(n * 100) THEN
    problem := 'Amount can have at most 2 decimal places';
  ELSIF n > 1000000000 THEN
    problem := 'Amount is too large';
  ELSE
    minor := khata.parse_amount(trim_scale(n)::text, 2);
  END IF;
END
$$;
COMMENT ON FUNCTION wallet.read_amount(jsonb) IS
  'A request amount in taka to poisha, exactly: 18.5 is 1850; 10.005 is refused, not rounded.';

CREATE FUNCTION wallet.password_problem(pw text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE
    WHEN pw IS NULL OR pw = '' THEN 'Password is required'
    WHEN length(pw) < 8 THEN 'Password must contain at least 8 characters'
    WHEN length(pw) > 128 THEN 'Password must be at most 128 characters'
    WHEN pw !~ '[A-Z]' THEN 'Password must contain an uppercase letter'
    WHEN pw !~ '[a-z]' THEN 'Password must contain a lowercase letter'
    WHEN pw !~ '[0-9]' THEN 'Password must contain a number'
    WHEN pw !~ '[^A-Za-z0-9]' THEN 'Password must contain a special character'
  END
$$;
COMMENT ON FUNCTION wallet.password_problem(text) IS
  'Why a password breaks the policy (8+ characters, upper, lower, digit, special), or NULL.';

CREATE FUNCTION wallet.is_email(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$ SELECT s IS NOT NULL AND length(s) <= 255 AND s ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' $$;
COMMENT ON FUNCTION wallet.is_email(text) IS 'Whether s looks like an email address.';

CREATE FUNCTION wallet.is_phone(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$ SELECT s IS NOT NULL AND s ~ '^01[3-9][0-9]{8}$' $$;
COMMENT ON FUNCTION wallet.is_phone(text) IS 'Whether s is a Bangladeshi mobile number: 01[3-9] and 8 digits.';

CREATE FUNCTION wallet.len_between(s text, lo int, hi int) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$ SELECT s IS NOT NULL AND length(btrim(s)) BETWEEN lo AND hi $$;
COMMENT ON FUNCTION wallet.len_between(text, int, int) IS 'Whether trimmed s has lo to hi characters.';

-- ->> turns any JSON value into text (["x", "y"] becomes '["x", "y"]'), so a string field is
-- checked for its type before its text is: a number or a list is not a name that fits.
CREATE FUNCTION wallet.is_non_string(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(pg_catalog.jsonb_typeof(v) NOT IN ('string', 'null'), false) $$;
COMMENT ON FUNCTION wallet.is_non_string(jsonb) IS
  'Whether a body field is sent as a number, boolean, array or object (absent, null and strings are not).';

-- The error of one string field of a body: "<label> must be a string" when it was sent as
-- another JSON type, else problem (the check of its text, NULL when it passes).
CREATE FUNCTION wallet.text_field_error(b jsonb, field text, label text, problem text)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN wallet.is_non_string(b -> field) THEN wallet.err(field, label || ' must be a string')
              WHEN problem IS NOT NULL THEN wallet.err(field, problem)
              ELSE '[]'::jsonb END
$$;
COMMENT ON FUNCTION wallet.text_field_error(jsonb, text, text, text) IS
  'A string field''s validation error: wrong JSON type first, else the problem given, else none.';

CREATE FUNCTION wallet.is_date(s text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF s IS NULL OR s !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
    RETURN false;
  END IF;
  RETURN to_char(to_date(s, 'YYYY-MM-DD'), 'YYYY-MM-DD') = s;
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;
COMMENT ON FUNCTION wallet.is_date(text) IS 'Whether s is a real calendar date written YYYY-MM-DD.';

-- A bcrypt hash of a password nobody has, so that a login for an unknown identifier costs the
-- same as one for a known identifier.
CREATE FUNCTION wallet.dummy_hash() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$ SELECT '$2a$10$a6i7LhQ8GWYHKlFH9aJQa.HXrfGxPfkw8Z/JZiMKBayjzxSyyuKD6'::text $$;
COMMENT ON FUNCTION wallet.dummy_hash() IS
  'A cost-10 bcrypt hash checked when the identifier is unknown, so timing does not tell.';

CREATE FUNCTION wallet.password_matches(pw text, hash text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  computed text := public.crypt(coalesce(pw, ''), coalesce(hash, wallet.dummy_hash()));
BEGIN
  RETURN hash IS NOT NULL AND computed = hash;
END
$$;
COMMENT ON FUNCTION wallet.password_matches(text, text) IS
  'Checks a password against a bcrypt hash; with a NULL hash it still spends the bcrypt time and fails.';

CREATE FUNCTION wallet.hash_password(pw text) RETURNS text
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$ SELECT public.crypt(pw, public.gen_salt('bf', 10)) $$;
COMMENT ON FUNCTION wallet.hash_password(text) IS 'A bcrypt hash of a password at cost 10.';

-- The role of wallet.users a token's claims name: CONSUMER or AGENT, NULL for any other.
CREATE FUNCTION wallet.claimed_role(req jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE req -> 'claims' ->> 'userType' WHEN 'Consumer' THEN 'CONSUMER'
                                               WHEN 'Agent' THEN 'AGENT' END
$$;
COMMENT ON FUNCTION wallet.claimed_role(jsonb) IS
  'The users role a token''s userType claim names (Consumer, Agent), NULL for any other.';

-- Who is calling: the user (consumer or agent) or admin that the token's claims name.
CREATE FUNCTION wallet.caller_user(req jsonb) RETURNS wallet.users
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users;
BEGIN
  SELECT x.* INTO u FROM wallet.users x
  WHERE x.public_id = req -> 'claims' ->> 'id' AND x.role = wallet.claimed_role(req);
  RETURN u;
END
$$;
COMMENT ON FUNCTION wallet.caller_user(jsonb) IS
  'The consumer or agent named by the request''s token claims (NULL row when none).';

-- The answer to a request on a consumer or agent route that names no user: 403 for an admin's
-- token (authenticated, but an admin has no wallet), 401 for anything else.
CREATE FUNCTION wallet.no_user(req jsonb, message text DEFAULT 'Access denied. User credentials required.')
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN req -> 'claims' ->> 'userType' = 'Admin' THEN wallet.fail(403, message)
              ELSE wallet.fail(401, 'User authentication required') END
$$;
COMMENT ON FUNCTION wallet.no_user(jsonb, text) IS
  'The 403 (an admin''s token) or 401 (no user) result of a consumer or agent route whose '
  'token names no user.';

CREATE FUNCTION wallet.caller_admin(req jsonb) RETURNS wallet.admins
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT a.* FROM wallet.admins a
  JOIN wallet.admin_sessions s ON s.admin_id = a.id
  WHERE req -> 'claims' ->> 'userType' = 'Admin'
    AND a.public_id = req -> 'claims' ->> 'id'
    AND s.id::text = req -> 'claims' ->> 'sid'
    AND s.revoked_at IS NULL
    AND a.status = 'ACTIVE'
$$;
COMMENT ON FUNCTION wallet.caller_admin(jsonb) IS
  'The admin named by the token, if its session (sid claim) is still open and the admin active.';

CREATE FUNCTION wallet.user_name(u wallet.users) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT u.first_name || ' ' || u.last_name $$;
COMMENT ON FUNCTION wallet.user_name(wallet.users) IS 'First and last name.';

CREATE FUNCTION wallet.wallet_json(u wallet.users) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s record := khata.spending_status(u.account_id);
BEGIN
  RETURN (SELECT jsonb_build_object(
    'balance', wallet.taka(r.posted), 'availableBalance', wallet.taka(r.available),
    'pendingBalance', wallet.taka(r.pending), 'currency', r.currency,
    'dailyLimit', wallet.taka(s.daily_limit), 'monthlyLimit', wallet.taka(s.monthly_limit),
    'dailySpent', wallet.taka(s.daily_spent), 'monthlySpent', wallet.taka(s.monthly_spent))
  FROM khata.account_row(u.account_id) r);
END
$$;
COMMENT ON FUNCTION wallet.wallet_json(wallet.users) IS
  'A user''s wallet for the API: balances from the ledger, limits, spent today and this month.';

CREATE FUNCTION wallet.user_json(u wallet.users) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN jsonb_build_object(
    'id', u.public_id, 'email', u.email, 'phone', u.phone, 'firstName', u.first_name,
    'lastName', u.last_name, 'role', u.role, 'status', u.status,
    'emailVerified', u.email_verified, 'phoneVerified', u.phone_verified,
    'dateOfBirth', to_char(u.date_of_birth, 'YYYY-MM-DD'), 'nidNumber', u.nid_number,
    'createdAt', wallet.ts(u.created_at));
END
$$;
COMMENT ON FUNCTION wallet.user_json(wallet.users) IS 'A user''s profile fields (never the hash).';

CREATE FUNCTION wallet.agent_json(a wallet.agents, u wallet.users) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
    'id', a.id, 'agentCode', a.agent_code, 'businessName', a.business_name,
    'businessAddress', a.business_address, 'status', u.status,
    'totalCashouts', (SELECT count(*) FROM wallet.transactions t
                      WHERE t.agent_id = a.id AND t.type = 'CASH_OUT'),
    'totalCommissionEarned', wallet.taka((SELECT coalesce(sum(t.commission), 0)::bigint
                      FROM wallet.transactions t WHERE t.agent_id = a.id)),
    'approvedBy', a.approved_by, 'approvedAt', wallet.ts(a.approved_at),
    'createdAt', wallet.ts(a.created_at))
$$;
COMMENT ON FUNCTION wallet.agent_json(wallet.agents, wallet.users) IS
  'An agent''s business details and totals (cash-outs served, commission earned).';

CREATE FUNCTION wallet.admin_json(a wallet.admins) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('id', a.public_id, 'email', a.email, 'name', a.name,
    'status', a.status, 'lastLoginAt', wallet.ts(a.last_login_at), 'createdAt', wallet.ts(a.created_at))
$$;
COMMENT ON FUNCTION wallet.admin_json(wallet.admins) IS 'An admin''s profile (never the hash).';

-- What a request with an Idempotency-Key already used gets: the first response when it sent
-- the same body (a retry), else 409. Reusing a key for another request would otherwise answer
-- it with a response about a different operation, and move nothing.
CREATE FUNCTION wallet.idempotent_replay(response jsonb, first_request jsonb, request jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF first_request IS DISTINCT FROM request THEN
    RETURN wallet.fail(409, 'Idempotency-Key was already used with a different request');
  END IF;
  RETURN response;
END
$$;
COMMENT ON FUNCTION wallet.idempotent_replay(jsonb, jsonb, jsonb) IS
  'The stored response for a retry with the same body, else a 409 naming the reused key.';

-- What the row stored under an Idempotency-Key gives a request that found the key taken.
CREATE FUNCTION wallet.idempotent_stored(principal text, key text, request jsonb) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT wallet.idempotent_replay(r.response, r.request, idempotent_stored.request)
  FROM wallet.idempotent_responses r
  WHERE r.principal = idempotent_stored.principal AND r.key = idempotent_stored.key
$$;
COMMENT ON FUNCTION wallet.idempotent_stored(text, text, jsonb) IS
  'wallet.idempotent_replay of the response and body stored under a principal''s key.';

-- Idempotency-Key: claim(principal, key, request) returns what an earlier request with the key
-- left (wallet.idempotent_replay), NULL when this request is the first; it then holds the key
-- until it commits.
CREATE FUNCTION wallet.idempotency_claim(principal text, key text, request jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF key IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO wallet.idempotent_responses (principal, key, request)
  VALUES (principal, key, idempotency_claim.request)
  ON CONFLICT ON CONSTRAINT idempotent_responses_pkey DO NOTHING;
  IF FOUND THEN
    RETURN NULL;
  END IF;
  RETURN wallet.idempotent_stored(principal, key, request);
END
$$;
COMMENT ON FUNCTION wallet.idempotency_claim(text, text, jsonb) IS
  'Claims an Idempotency-Key for a principal: NULL when this is its first use, else what the '
  'earlier use left for this request (a concurrent first use is waited for).';

CREATE FUNCTION wallet.idempotency_store(principal text, key text, response jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF key IS NOT NULL THEN
    UPDATE wallet.idempotent_responses r SET response = idempotency_store.response
    WHERE r.principal = idempotency_store.principal AND r.key = idempotency_store.key;
  END IF;
  RETURN response;
END
$$;
COMMENT ON FUNCTION wallet.idempotency_store(text, text, jsonb) IS
  'Stores the response of the first request with this key and returns it.';

-- For a handler that stores its response only once it has it (wallet.h_send_money): a
-- request that stored one first, with the same key, wins.
CREATE FUNCTION wallet.idempotency_keep(principal text, operation text, key text, request jsonb,
                                        response jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF key IS NULL THEN
    RETURN response;
  END IF;
  INSERT INTO wallet.idempotent_responses AS r (principal, key, response, request)
  VALUES (principal, operation || ':' || key, response, idempotency_keep.request)
  ON CONFLICT ON CONSTRAINT idempotent_responses_pkey DO NOTHING;
  IF FOUND THEN
    RETURN response;
  END IF;
  RETURN wallet.idempotent_stored(principal, operation || ':' || key, request);
END
$$;
COMMENT ON FUNCTION wallet.idempotency_keep(text, text, text, jsonb, jsonb) IS
  'Stores response as the one for this principal, operation, Idempotency-Key and request body '
  'and returns it; when another request stored one first (a concurrent one is waited for), '
  'returns what wallet.idempotent_replay makes of it.';

CREATE FUNCTION wallet.next_transaction_ids(OUT public_id text, OUT transaction_id text)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n bigint := nextval('wallet.transaction_seq');
BEGIN
  public_id := wallet.public_id(n, 1461241573, 60466176);
  transaction_id := 'TXN' || to_char(now() AT TIME ZONE 'Asia/Dhaka', 'YYYYMMDD') || lpad(n::text, 10, '0');
END
$$;
COMMENT ON FUNCTION wallet.next_transaction_ids() IS
  'A fresh transaction''s public id (8 characters) and transaction id (TXN, date, sequence).';

-- The instant a startDate or endDate filter stands for, both bounds inclusive. A bare date
-- (2026-11-24) is a UTC day, as timestamps in responses are UTC: from its first instant, or,
-- as an end, to its last, so that endDate=2026-11-24 includes that whole day.
CREATE FUNCTION wallet.date_bound(v text, is_end boolean) RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE WHEN v !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN v::timestamptz
              WHEN is_end THEN (v::date + 1)::timestamp AT TIME ZONE 'UTC' - interval '1 microsecond'
              ELSE v::date::timestamp AT TIME ZONE 'UTC' END;
END
$$;
COMMENT ON FUNCTION wallet.date_bound(text, boolean) IS
  'The inclusive bound a startDate or endDate stands for; a bare date is the whole UTC day.';

-- The errors of a query's startDate and endDate, each named by its own field, then the
-- range's: an end before the start.
CREATE FUNCTION wallet.date_errors(q jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := '[]';
BEGIN
  IF q ->> 'startDate' IS NOT NULL AND NOT wallet.is_timestamp(q ->> 'startDate') THEN
    e := e || wallet.err('startDate', 'Start date must be an ISO 8601 date-time');
  END IF;
  IF q ->> 'endDate' IS NOT NULL AND NOT wallet.is_timestamp(q ->> 'endDate') THEN
    e := e || wallet.err('endDate', 'End date must be an ISO 8601 date-time');
  END IF;
  IF jsonb_array_length(e) = 0
     AND wallet.date_bound(q ->> 'endDate', true) < wallet.date_bound(q ->> 'startDate', false) THEN
    e := wallet.err('endDate', 'End date must not be before start date');
  END IF;
  RETURN e;
END
$$;
COMMENT ON FUNCTION wallet.date_errors(jsonb) IS
  'Validation errors of startDate and endDate (ISO 8601, the end not before the start), empty '
  'when both are fine or absent.';
