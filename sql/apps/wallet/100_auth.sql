-- Authentication: consumer and agent registration, login and profile; admin login, sessions
-- and logout. Tokens carry the spec's {id, public_key, userType}, both ids the public id
-- (and sid for admins); khatad signs them.

CREATE FUNCTION wallet.token(claims jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('claims', claims, 'type', 'access', 'lifetime', 604800,
                            'path', '["data", "token"]'::jsonb)
$$;
COMMENT ON FUNCTION wallet.token(jsonb) IS 'A set_token request: an access token for 7 days at data.token.';

-- Field checks shared by consumer and agent registration; returns the errors found. A field
-- of another JSON type than a string gets that one error, not also the checks of its text.
CREATE FUNCTION wallet.registration_errors(b jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := '[]';
BEGIN
  e := e || wallet.text_field_error(b, 'email', 'Email',
    CASE WHEN NOT wallet.is_email(b ->> 'email') THEN 'Invalid email format' END);
  e := e || wallet.text_field_error(b, 'phone', 'Phone',
    CASE WHEN NOT wallet.is_phone(b ->> 'phone')
      THEN 'Phone must be a Bangladeshi mobile number (01[3-9]XXXXXXXX)' END);
  e := e || wallet.text_field_error(b, 'password', 'Password',
    wallet.password_problem(b ->> 'password'));
  e := e || wallet.text_field_error(b, 'firstName', 'First name',
    CASE WHEN NOT wallet.len_between(b ->> 'firstName', 2, 100)
      THEN 'First name must be 2-100 characters' END);
  e := e || wallet.text_field_error(b, 'lastName', 'Last name',
    CASE WHEN NOT wallet.len_between(b ->> 'lastName', 2, 100)
      THEN 'Last name must be 2-100 characters' END);
  e := e || wallet.text_field_error(b, 'dateOfBirth', 'Date of birth',
    CASE WHEN b ->> 'dateOfBirth' IS NOT NULL AND NOT wallet.is_date(b ->> 'dateOfBirth')
      THEN 'Date of birth must be a date (YYYY-MM-DD)' END);
  e := e || wallet.text_field_error(b, 'nidNumber', 'NID number',
    CASE WHEN b ->> 'nidNumber' IS NOT NULL AND NOT wallet.len_between(b ->> 'nidNumber', 10, 20)
      THEN 'NID number must be 10-20 characters' END);
  RETURN e;
END
$$;
COMMENT ON FUNCTION wallet.registration_errors(jsonb) IS
  'Validation errors of a consumer or agent registration body (email, phone, password, names, '
  'date of birth, NID): each must be a string, then pass its own check.';

-- Creates a user and its wallet account (no_overdraft, the role's spending limits).
CREATE FUNCTION wallet.create_user(b jsonb, role text, status text) RETURNS wallet.users
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users;
  account bigint;
  pid text := wallet.public_id(nextval('wallet.user_seq'), 2654435761, 104729);
BEGIN
  account := khata.create_account(wallet.book(), 'U' || pid,
    'Wallet of ' || (b ->> 'firstName') || ' ' || (b ->> 'lastName'), 'liability', 'BDT', true);
  IF role = 'AGENT' THEN
    PERFORM khata.set_spending_limits(account, 10000000, 50000000);
  ELSE
    PERFORM khata.set_spending_limits(account, 2500000, 10000000);
  END IF;
  INSERT INTO wallet.users (public_id, role, email, phone, password_hash, first_name, last_name,
                            date_of_birth, nid_number, status, account_id)
  VALUES (pid, role, lower(btrim(b ->> 'email')), b ->> 'phone', wallet.hash_password(b ->> 'password'),
          btrim(b ->> 'firstName'), btrim(b ->> 'lastName'), (b ->> 'dateOfBirth')::date,
          b ->> 'nidNumber', status, account)
  RETURNING * INTO u;
  RETURN u;
END
$$;
COMMENT ON FUNCTION wallet.create_user(jsonb, text, text) IS
  'Inserts a consumer or agent with a bcrypt hash and opens its wallet account in the khata book.';

CREATE FUNCTION wallet.taken_message(b jsonb) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM wallet.users u WHERE u.email = lower(btrim(b ->> 'email')))
      THEN 'Email already registered'
    WHEN EXISTS (SELECT 1 FROM wallet.users u WHERE u.phone = b ->> 'phone')
      THEN 'Phone number already registered'
  END
$$;
COMMENT ON FUNCTION wallet.taken_message(jsonb) IS 'The conflict message when the email or phone is taken.';

-- Pays the welcome bonus from the platform wallet, when the platform can afford it.
CREATE FUNCTION wallet.pay_welcome_bonus(u wallet.users) RETURNS boolean
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  bonus bigint := 5000;
  posted jsonb;
  ids record;
BEGIN
  IF (SELECT r.available FROM khata.account_row(wallet.account('PLATFORM')) r) < bonus THEN
    RETURN false;
  END IF;
  ids := wallet.next_transaction_ids();
  posted := khata.post_journal(wallet.book(), ids.transaction_id,
    jsonb_build_array(jsonb_build_object('account', wallet.account('PLATFORM'), 'debit', bonus),
                      jsonb_build_object('account', u.account_id, 'credit', bonus)),
    'welcome bonus', jsonb_build_object('type', 'ONBOARDING_BONUS', 'platform', 'BONUS_GIVEN'));
  INSERT INTO wallet.transactions (public_id, transaction_id, type, amount, receiver_id,
                                   description, journal_id, metadata)
  VALUES (ids.public_id, ids.transaction_id, 'ONBOARDING_BONUS', bonus, u.id,
          'Welcome bonus', (posted ->> 'journal_id')::bigint, '{"platformType": "BONUS_GIVEN"}');
  RETURN true;
END
$$;
COMMENT ON FUNCTION wallet.pay_welcome_bonus(wallet.users) IS
  'Pays a new consumer the ৳50 welcome bonus from the platform wallet as one journal '
  '(ONBOARDING_BONUS for the user, BONUS_GIVEN for the platform); false if the platform cannot.';

CREATE FUNCTION wallet.h_consumer_register(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  e jsonb := wallet.registration_errors(b);
  u wallet.users;
  bonus boolean;
BEGIN
  -- The spec requires role (CONSUMER or AGENT); only a JSON string has the text CONSUMER.
  IF b ->> 'role' IS NULL THEN
    e := e || wallet.err('role', 'Role is required');
  ELSIF b ->> 'role' <> 'CONSUMER' THEN
    e := e || wallet.err('role', CASE WHEN b ->> 'role' = 'AGENT'
      THEN 'Agents register through /api/auth/agent/register' ELSE 'Role must be CONSUMER or AGENT' END);
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  IF wallet.taken_message(b) IS NOT NULL THEN
    RETURN wallet.fail(409, wallet.taken_message(b));
  END IF;
  u := wallet.create_user(b, 'CONSUMER', 'ACTIVE');
  bonus := wallet.pay_welcome_bonus(u);
  RETURN wallet.ok(201, CASE WHEN bonus
      THEN 'Registration successful! You''ve received ৳50 welcome bonus. You can now log in.'
      ELSE 'Registration successful! You can now log in.' END,
    jsonb_build_object('user', jsonb_build_object('id', u.public_id, 'email', u.email,
      'phone', u.phone, 'firstName', u.first_name, 'lastName', u.last_name, 'role', u.role,
      'status', u.status), 'bonusGiven', bonus));
END
$$;
COMMENT ON FUNCTION wallet.h_consumer_register(jsonb) IS
  'POST /api/auth/consumer/register: an ACTIVE consumer with a wallet and the ৳50 welcome bonus.';

CREATE FUNCTION wallet.h_agent_register(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  e jsonb := wallet.registration_errors(b);
  u wallet.users;
  a wallet.agents;
  code text;
BEGIN
  e := e || wallet.text_field_error(b, 'businessName', 'Business name',
    CASE WHEN NOT wallet.len_between(b ->> 'businessName', 3, 255)
      THEN 'Business name must be 3-255 characters' END);
  e := e || wallet.text_field_error(b, 'businessAddress', 'Business address',
    CASE WHEN NOT wallet.len_between(b ->> 'businessAddress', 10, 1000)
      THEN 'Business address must be at least 10 characters' END);
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  IF wallet.taken_message(b) IS NOT NULL THEN
    RETURN wallet.fail(409, wallet.taken_message(b));
  END IF;
  u := wallet.create_user(b, 'AGENT', 'PENDING');
  -- AG + 7 digits: the sequence spread over the 7-digit space by an odd multiplier mod 10^7.
  code := 'AG' || lpad(((nextval('wallet.agent_code_seq') * 3344547 + 1000003) % 10000000)::text, 7, '0');
  INSERT INTO wallet.agents (user_id, agent_code, business_name, business_address)
  VALUES (u.id, code, btrim(b ->> 'businessName'), btrim(b ->> 'businessAddress'))
  RETURNING * INTO a;
  RETURN wallet.ok(201,
    'Agent registration successful. Your account is pending admin approval. You will be notified once approved.',
    jsonb_build_object(
      'user', jsonb_build_object('id', u.public_id, 'email', u.email, 'phone', u.phone,
        'firstName', u.first_name, 'lastName', u.last_name, 'role', u.role, 'status', u.status),
      'agent', jsonb_build_object('id', a.id, 'agentCode', a.agent_code,
        'businessName', a.business_name, 'businessAddress', a.business_address, 'status', u.status)));
END
$$;
COMMENT ON FUNCTION wallet.h_agent_register(jsonb) IS
  'POST /api/auth/agent/register: a PENDING agent with an AG+7-digit code, until an admin approves.';

-- Login of a consumer or agent: identical work for unknown and known identifiers.
CREATE FUNCTION wallet.login_user(req jsonb, want_role text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  ident text := btrim(b ->> 'identifier');
  u wallet.users;
  a wallet.agents;
  e jsonb := '[]';
  profile jsonb;
BEGIN
  e := e || wallet.text_field_error(b, 'identifier', 'Identifier',
    CASE WHEN coalesce(ident, '') = '' THEN 'Email or phone number is required' END);
  e := e || wallet.text_field_error(b, 'password', 'Password',
    CASE WHEN coalesce(b ->> 'password', '') = '' THEN 'Password is required' END);
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  SELECT * INTO u FROM wallet.users x
  WHERE (x.email = lower(ident) OR x.phone = ident) AND x.role = want_role;
  IF NOT wallet.password_matches(b ->> 'password', u.password_hash) THEN
    RETURN wallet.fail(401, 'Invalid credentials');
  END IF;
  IF u.status <> 'ACTIVE' THEN
    RETURN wallet.fail(403, CASE
      WHEN u.status = 'PENDING' THEN 'Your agent account is pending approval. Please wait for admin approval.'
      WHEN u.status = 'SUSPENDED' THEN 'Account is suspended. Please contact support.'
      WHEN want_role = 'AGENT' THEN 'Your agent registration was rejected. Please contact support for more information.'
      ELSE 'Account registration was rejected.' END);
  END IF;
  -- Past every refusal: a failed login writes nothing, so it still costs the same for
  -- unknown and known identifiers.
  UPDATE wallet.users x SET last_login_at = now() WHERE x.id = u.id;
  profile := wallet.user_json(u) || jsonb_build_object('wallet', wallet.wallet_json(u));
  IF want_role = 'AGENT' THEN
    SELECT * INTO a FROM wallet.agents x WHERE x.user_id = u.id;
    profile := profile || jsonb_build_object('agent', wallet.agent_json(a, u));
  END IF;
  RETURN wallet.ok(200, 'Login successful', jsonb_build_object('token', NULL, 'profile', profile,
           'userType', CASE want_role WHEN 'AGENT' THEN 'Agent' ELSE 'Consumer' END))
      || jsonb_build_object('set_token', wallet.token(jsonb_build_object('id', u.public_id,
           'public_key', u.public_id,
           'userType', CASE want_role WHEN 'AGENT' THEN 'Agent' ELSE 'Consumer' END)));
END
$$;
COMMENT ON FUNCTION wallet.login_user(jsonb, text) IS
  'Logs a consumer or agent in by email or phone and records the time; refuses accounts that '
  'are not ACTIVE with the spec''s messages.';

CREATE FUNCTION wallet.h_consumer_login(req jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.login_user(req, 'CONSUMER') $$;
COMMENT ON FUNCTION wallet.h_consumer_login(jsonb) IS 'POST /api/auth/consumer/login.';

CREATE FUNCTION wallet.h_agent_login(req jsonb) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT wallet.login_user(req, 'AGENT') $$;
COMMENT ON FUNCTION wallet.h_agent_login(jsonb) IS 'POST /api/auth/agent/login (ACTIVE agents only).';

CREATE FUNCTION wallet.h_profile(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  a wallet.agents;
  data jsonb;
BEGIN
  IF u.id IS NULL THEN
    RETURN wallet.no_user(req);
  END IF;
  data := jsonb_build_object('user', wallet.user_json(u) || jsonb_build_object('wallet', wallet.wallet_json(u)));
  IF u.role = 'AGENT' THEN
    SELECT * INTO a FROM wallet.agents x WHERE x.user_id = u.id;
    data := data || jsonb_build_object('agent', wallet.agent_json(a, u));
  END IF;
  RETURN wallet.ok(200, 'Profile retrieved successfully', data);
END
$$;
COMMENT ON FUNCTION wallet.h_profile(jsonb) IS 'GET /api/auth/profile: the caller''s profile and wallet.';

CREATE FUNCTION wallet.h_agent_profile(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  a wallet.agents;
BEGIN
  IF u.id IS NULL AND req -> 'claims' ->> 'userType' IS DISTINCT FROM 'Consumer' THEN
    RETURN wallet.no_user(req, 'Access denied. Agent credentials required.');
  END IF;
  IF u.role IS DISTINCT FROM 'AGENT' THEN
    RETURN wallet.fail(403, 'Access denied. Agent credentials required.');
  END IF;
  SELECT * INTO a FROM wallet.agents x WHERE x.user_id = u.id;
  RETURN wallet.ok(200, 'Profile retrieved successfully', jsonb_build_object(
    'user', wallet.user_json(u), 'agent', wallet.agent_json(a, u), 'wallet', wallet.wallet_json(u)));
END
$$;
COMMENT ON FUNCTION wallet.h_agent_profile(jsonb) IS 'GET /api/agents/auth/profile: user, agent and wallet.';

-- Profile updates: only the fields sent change.
CREATE FUNCTION wallet.profile_errors(b jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e jsonb := '[]';
BEGIN
  e := e || wallet.text_field_error(b, 'firstName', 'First name',
    CASE WHEN b ? 'firstName' AND NOT wallet.len_between(b ->> 'firstName', 2, 100)
      THEN 'First name must be 2-100 characters' END);
  e := e || wallet.text_field_error(b, 'lastName', 'Last name',
    CASE WHEN b ? 'lastName' AND NOT wallet.len_between(b ->> 'lastName', 2, 100)
      THEN 'Last name must be 2-100 characters' END);
  e := e || wallet.text_field_error(b, 'dateOfBirth', 'Date of birth',
    CASE WHEN b ? 'dateOfBirth' AND NOT wallet.is_date(b ->> 'dateOfBirth')
      THEN 'Date of birth must be a date (YYYY-MM-DD)' END);
  e := e || wallet.text_field_error(b, 'businessName', 'Business name',
    CASE WHEN b ? 'businessName' AND NOT wallet.len_between(b ->> 'businessName', 3, 255)
      THEN 'Business name must be 3-255 characters' END);
  e := e || wallet.text_field_error(b, 'businessAddress', 'Business address',
    CASE WHEN b ? 'businessAddress' AND NOT wallet.len_between(b ->> 'businessAddress', 10, 1000)
      THEN 'Business address must be at least 10 characters' END);
  RETURN e;
END
$$;
COMMENT ON FUNCTION wallet.profile_errors(jsonb) IS
  'Validation errors of a profile update body: each field sent must be a string and pass its check.';

CREATE FUNCTION wallet.update_user_profile(u wallet.users, b jsonb) RETURNS wallet.users
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE wallet.users x SET
    first_name = coalesce(btrim(b ->> 'firstName'), x.first_name),
    last_name = coalesce(btrim(b ->> 'lastName'), x.last_name),
    date_of_birth = coalesce((b ->> 'dateOfBirth')::date, x.date_of_birth),
    updated_at = now()
  WHERE x.id = u.id
  RETURNING x.*
$$;
COMMENT ON FUNCTION wallet.update_user_profile(wallet.users, jsonb) IS
  'Applies firstName, lastName and dateOfBirth from a validated body.';

CREATE FUNCTION wallet.h_consumer_profile_update(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  b jsonb := wallet.body_object(req) - 'businessName' - 'businessAddress';
  e jsonb := wallet.body_errors(req) || wallet.profile_errors(b);
BEGIN
  IF u.id IS NULL THEN
    RETURN wallet.no_user(req, 'Access denied. Consumer credentials required.');
  END IF;
  -- Agents update their profile through PUT /api/agents/auth/profile.
  IF u.role <> 'CONSUMER' THEN
    RETURN wallet.fail(403, 'Access denied. Consumer credentials required.');
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  u := wallet.update_user_profile(u, b);
  RETURN wallet.ok(200, 'Profile updated successfully', jsonb_build_object('user', jsonb_build_object(
    'id', u.public_id, 'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name,
    'dateOfBirth', to_char(u.date_of_birth, 'YYYY-MM-DD'))));
END
$$;
COMMENT ON FUNCTION wallet.h_consumer_profile_update(jsonb) IS
  'PUT /api/auth/consumer/profile: a consumer''s names and date of birth (agents: 403).';

CREATE FUNCTION wallet.h_agent_profile_update(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  b jsonb := wallet.body_object(req);
  e jsonb := wallet.body_errors(req) || wallet.profile_errors(b);
  a wallet.agents;
BEGIN
  IF u.id IS NULL AND req -> 'claims' ->> 'userType' IS DISTINCT FROM 'Consumer' THEN
    RETURN wallet.no_user(req, 'Access denied. Agent credentials required.');
  END IF;
  IF u.role IS DISTINCT FROM 'AGENT' THEN
    RETURN wallet.fail(403, 'Access denied. Agent credentials required.');
  END IF;
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  u := wallet.update_user_profile(u, b);
  UPDATE wallet.agents x SET
    business_name = coalesce(btrim(b ->> 'businessName'), x.business_name),
    business_address = coalesce(btrim(b ->> 'businessAddress'), x.business_address)
  WHERE x.user_id = u.id RETURNING * INTO a;
  RETURN wallet.ok(200, 'Profile updated successfully', jsonb_build_object(
    'user', jsonb_build_object('id', u.public_id, 'firstName', u.first_name, 'lastName', u.last_name,
                               'dateOfBirth', to_char(u.date_of_birth, 'YYYY-MM-DD')),
    'agent', jsonb_build_object('id', a.id, 'businessName', a.business_name,
                                'businessAddress', a.business_address)));
END
$$;
COMMENT ON FUNCTION wallet.h_agent_profile_update(jsonb) IS 'PUT /api/agents/auth/profile.';

CREATE FUNCTION wallet.change_password(req jsonb, current_hash text, OUT result jsonb, OUT new_hash text)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  e jsonb := '[]';
BEGIN
  IF coalesce(b ->> 'currentPassword', '') = '' THEN
    e := e || wallet.err('currentPassword', 'Current password is required');
  END IF;
  -- A list's text would pass the policy and become the password.
  e := e || wallet.text_field_error(b, 'newPassword', 'New password',
    wallet.password_problem(b ->> 'newPassword'));
  IF jsonb_array_length(e) > 0 THEN
    result := wallet.invalid(e);
  ELSIF NOT wallet.password_matches(b ->> 'currentPassword', current_hash) THEN
    result := wallet.fail(401, 'Current password is incorrect');
  ELSE
    new_hash := wallet.hash_password(b ->> 'newPassword');
    result := wallet.ok(200, 'Password changed successfully');
  END IF;
END
$$;
COMMENT ON FUNCTION wallet.change_password(jsonb, text) IS
  'Checks a change-password body against the current hash: the result, and the new hash when it passes.';

CREATE FUNCTION wallet.h_user_change_password(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users := wallet.caller_user(req);
  want text := CASE WHEN req ->> 'path' LIKE '%/agents/%' THEN 'AGENT' ELSE 'CONSUMER' END;
  denied text := CASE want WHEN 'AGENT' THEN 'Access denied. Agent credentials required.'
                           ELSE 'Access denied. Consumer credentials required.' END;
  c record;
BEGIN
  IF u.id IS NULL THEN
    RETURN wallet.no_user(req, denied);
  END IF;
  IF u.role <> want THEN
    RETURN wallet.fail(403, denied);
  END IF;
  c := wallet.change_password(req, u.password_hash);
  IF c.new_hash IS NOT NULL THEN
    UPDATE wallet.users SET password_hash = c.new_hash, updated_at = now() WHERE id = u.id;
  END IF;
  RETURN c.result;
END
$$;
COMMENT ON FUNCTION wallet.h_user_change_password(jsonb) IS
  'PUT /api/auth/consumer/change-password and PUT /api/agents/auth/change-password.';

-- Admins.
CREATE FUNCTION wallet.h_admin_login(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b jsonb := coalesce(req -> 'body', '{}');
  a wallet.admins;
  sid uuid;
  e jsonb := '[]';
BEGIN
  e := e || wallet.text_field_error(b, 'email', 'Email',
    CASE WHEN NOT wallet.is_email(b ->> 'email') THEN 'Invalid email format' END);
  e := e || wallet.text_field_error(b, 'password', 'Password',
    CASE WHEN coalesce(b ->> 'password', '') = '' THEN 'Password is required' END);
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  SELECT * INTO a FROM wallet.admins x WHERE x.email = lower(btrim(b ->> 'email'));
  IF NOT wallet.password_matches(b ->> 'password', a.password_hash) THEN
    RETURN wallet.fail(401, 'Invalid credentials');
  END IF;
  IF a.status <> 'ACTIVE' THEN
    RETURN wallet.fail(403, 'Account is suspended. Please contact support.');
  END IF;
  UPDATE wallet.admins SET last_login_at = now() WHERE id = a.id RETURNING * INTO a;
  INSERT INTO wallet.admin_sessions (admin_id) VALUES (a.id) RETURNING id INTO sid;
  RETURN wallet.ok(200, 'Login successful', jsonb_build_object('token', NULL,
           'profile', wallet.admin_json(a), 'userType', 'Admin'))
      || jsonb_build_object('set_token', wallet.token(jsonb_build_object(
           'id', a.public_id, 'public_key', a.public_id, 'userType', 'Admin', 'sid', sid)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_login(jsonb) IS
  'POST /api/auth/admin/login: opens a session whose id the token carries as sid.';

CREATE FUNCTION wallet.h_admin_register(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me wallet.admins := wallet.caller_admin(req);
  b jsonb := coalesce(req -> 'body', '{}');
  a wallet.admins;
  e jsonb := '[]';
BEGIN
  IF me.id IS NULL THEN
    RETURN wallet.fail(401, 'Admin authentication required');
  END IF;
  e := e || wallet.text_field_error(b, 'email', 'Email',
    CASE WHEN NOT wallet.is_email(b ->> 'email') THEN 'Invalid email format' END);
  e := e || wallet.text_field_error(b, 'password', 'Password',
    wallet.password_problem(b ->> 'password'));
  e := e || wallet.text_field_error(b, 'name', 'Name',
    CASE WHEN NOT wallet.len_between(b ->> 'name', 2, 255)
      THEN 'Name must be 2-255 characters' END);
  IF jsonb_array_length(e) > 0 THEN
    RETURN wallet.invalid(e);
  END IF;
  IF EXISTS (SELECT 1 FROM wallet.admins x WHERE x.email = lower(btrim(b ->> 'email'))) THEN
    RETURN wallet.fail(409, 'Email already registered');
  END IF;
  INSERT INTO wallet.admins (email, password_hash, name, created_by)
  VALUES (lower(btrim(b ->> 'email')), wallet.hash_password(b ->> 'password'), btrim(b ->> 'name'), me.id)
  RETURNING * INTO a;
  RETURN wallet.ok(201, 'Admin account created successfully', jsonb_build_object('admin',
    jsonb_build_object('id', a.public_id, 'email', a.email, 'name', a.name, 'status', a.status)));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_register(jsonb) IS 'POST /api/admin/register: an admin creates another admin.';

CREATE FUNCTION wallet.h_admin_profile(req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a wallet.admins := wallet.caller_admin(req);
BEGIN
  IF a.id IS NULL THEN
    RETURN wallet.fail(401, 'Admin authentication required');
  END IF;
  RETURN wallet.ok(200, 'Admin profile retrieved successfully', jsonb_build_object('admin',
    jsonb_build_object('id', a.public_id, 'email', a.email, 'name', a.name, 'role', 'ADMIN',
      'status', a.status, 'last_login_at', wallet.ts(a.last_login_at), 'created_at', wallet.ts(a.created_at))));
END
$$;
COMMENT ON FUNCTION wallet.h_admin_profile(jsonb) IS 'GET /api/auth/admin/profile.';

CREATE FUNCTION wallet.h_admin_logout(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a wallet.admins := wallet.caller_admin(req);
BEGIN
  IF a.id IS NULL THEN
    RETURN wallet.fail(401, 'Admin authentication required');
  END IF;
  UPDATE wallet.admin_sessions SET revoked_at = now() WHERE admin_id = a.id AND revoked_at IS NULL;
  RETURN wallet.ok(200, 'Logout successful. All sessions have been terminated.');
END
$$;
COMMENT ON FUNCTION wallet.h_admin_logout(jsonb) IS
  'POST /api/auth/admin/logout: revokes every open session of the admin, so all its tokens stop working.';

CREATE FUNCTION wallet.h_admin_change_password(req jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a wallet.admins := wallet.caller_admin(req);
  c record;
BEGIN
  IF a.id IS NULL THEN
    RETURN wallet.fail(401, 'Admin authentication required');
  END IF;
  c := wallet.change_password(req, a.password_hash);
  IF c.new_hash IS NOT NULL THEN
    UPDATE wallet.admins SET password_hash = c.new_hash WHERE id = a.id;
  END IF;
  RETURN c.result;
END
$$;
COMMENT ON FUNCTION wallet.h_admin_change_password(jsonb) IS 'PUT /api/auth/admin/change-password.';

-- A DBA's first admin: SELECT wallet.create_admin('admin@example.com', 'Secret123!', 'Name').
CREATE FUNCTION wallet.create_admin(email text, password text, name text) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  pid text;
BEGIN
  IF wallet.password_problem(password) IS NOT NULL THEN
    RAISE EXCEPTION '%', wallet.password_problem(password) USING ERRCODE = '22023';
  END IF;
  INSERT INTO wallet.admins (email, password_hash, name)
  VALUES (lower(btrim(create_admin.email)), wallet.hash_password(create_admin.password), create_admin.name)
  ON CONFLICT ON CONSTRAINT admins_email_key DO NOTHING
  RETURNING public_id INTO pid;
  RETURN coalesce(pid, (SELECT a.public_id FROM wallet.admins a WHERE a.email = lower(btrim(create_admin.email))));
END
$$;
COMMENT ON FUNCTION wallet.create_admin(text, text, text) IS
  'Bootstraps an admin from psql (the API only lets an admin create admins); returns its id, '
  'or the existing admin''s id when the email is taken.';
