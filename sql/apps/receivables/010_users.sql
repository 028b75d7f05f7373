-- Users, login and the one visibility rule every read and mutation applies.

CREATE FUNCTION receivables.error(status int, message text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('status', status, 'body', jsonb_build_object('error', message))
$$;

COMMENT ON FUNCTION receivables.error(int, text) IS
  'A handler result in the app''s error shape: {status, body: {"error": message}}.';

CREATE FUNCTION receivables.success()
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT '{"status": 200, "body": {"success": true}}'::jsonb
$$;

COMMENT ON FUNCTION receivables.success() IS
  'The result of a mutation that worked: 200 {"success": true}.';

CREATE FUNCTION receivables.create_user(name text, email text, password text, role text,
                                        region text DEFAULT NULL, department text DEFAULT NULL,
                                        contact text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  new_id bigint;
BEGIN
  IF name IS NULL OR btrim(name) = '' OR email IS NULL OR btrim(email) !~ '^[^@\s]+@[^@\s]+$' THEN
    RAISE EXCEPTION 'a user needs a name and an email address' USING ERRCODE = '22K55';
  END IF;
  IF password IS NULL OR length(password) < 8 THEN
    RAISE EXCEPTION 'a password needs at least 8 characters' USING ERRCODE = '22K55';
  END IF;
  IF role IS NULL OR role NOT IN ('Manager', 'Engineer', 'Country Manager', 'Admin') THEN
    RAISE EXCEPTION 'unknown role "%"', role USING ERRCODE = '22K55',
      HINT = 'one of Manager, Engineer, Country Manager, Admin';
  END IF;
  IF region IS NOT NULL AND lower(btrim(region)) NOT IN ('ahmedabad', 'banglore', 'chennai',
       'delhi', 'export', 'goa', 'hyderabad', 'indore', 'jaipur', 'kolkata', 'mumbai', 'nagpur',
       'odisha', 'pune', 'punjab', 'raipur', 'vizag', 'wie') THEN
    RAISE EXCEPTION 'unknown region "%"', region USING ERRCODE = '22K55';
  END IF;
  IF role = 'Manager' AND region IS NULL THEN
    RAISE EXCEPTION 'a Manager needs a region' USING ERRCODE = '22K55';
  END IF;
  IF EXISTS (SELECT 1 FROM receivables.users u WHERE lower(u.email) = lower(btrim(create_user.email))) THEN
    RAISE EXCEPTION 'a user with email % exists', btrim(email) USING ERRCODE = '23K55';
  END IF;
  INSERT INTO receivables.users AS u (name, email, password_hash, role, region, department, contact)
  VALUES (btrim(name), btrim(email), public.crypt(password, public.gen_salt('bf', 10)), role,
          lower(btrim(region)), nullif(btrim(department), ''), contact)
  RETURNING u.id INTO new_id;
  RETURN new_id;
END
$$;

COMMENT ON FUNCTION receivables.create_user(text, text, text, text, text, text, text) IS
  'Adds a user (the DBA''s bootstrap): name, email (unique, any case), password (8+ characters, '
  'stored as a bcrypt hash), role (Manager, Engineer, Country Manager, Admin), region (one of '
  'the tracker''s regions; required for a Manager), department, contact. Returns the id. '
  '22K55 invalid, 23K55 email taken.';

CREATE FUNCTION receivables.user_json(u receivables.users)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('id', u.id::text, '_id', u.id::text, 'name', u.name,
                            'email', u.email, 'role', u.role, 'region', u.region,
                            'department', u.department, 'contact', u.contact,
                            'createdAt', u.created_at, 'updatedAt', u.updated_at)
$$;

COMMENT ON FUNCTION receivables.user_json(receivables.users) IS
  'A user as the API shows it: never the password hash.';

-- The caller named by the token's sub; NULL when the user no longer exists.
CREATE FUNCTION receivables.caller(req jsonb)
RETURNS receivables.users
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.* FROM receivables.users u
  WHERE req -> 'claims' ->> 'sub' ~ '^[0-9]{1,18}$'
    AND u.id = (req -> 'claims' ->> 'sub')::bigint
$$;

COMMENT ON FUNCTION receivables.caller(jsonb) IS
  'The user whose access token made the request (claims.sub), read afresh so a changed role '
  'counts at once; NULL when there is none.';

CREATE FUNCTION receivables.can_see(u receivables.users, c receivables.customers)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE u.role
           WHEN 'Engineer' THEN c.assigned_engineer IS NOT DISTINCT FROM u.id
           WHEN 'Manager' THEN c.region = u.region
           WHEN 'Country Manager' THEN true
           WHEN 'Admin' THEN true
           ELSE false
         END
$$;

COMMENT ON FUNCTION receivables.can_see(receivables.users, receivables.customers) IS
  'Who sees what, in every read and mutation: an Engineer the customers assigned to them, a '
  'Manager the customers of their region, a Country Manager and an Admin every customer.';

CREATE FUNCTION receivables.h_auth_login(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  login_email text := btrim(req -> 'body' ->> 'email');
  password text := req -> 'body' ->> 'password';
  u receivables.users;
BEGIN
  IF jsonb_typeof(req -> 'body') <> 'object' OR login_email IS NULL OR login_email = ''
     OR password IS NULL OR password = '' THEN
    RETURN receivables.error(400, 'Email and password are required.');
  END IF;
  SELECT * INTO u FROM receivables.users x WHERE lower(x.email) = lower(login_email);
  -- An unknown email costs the same bcrypt round as a wrong password.
  IF u.id IS NULL THEN
    PERFORM public.crypt(password, '$2a$10$abcdefghijklmnopqrstuu');
    RETURN receivables.error(401, 'Invalid email or password.');
  END IF;
  IF public.crypt(password, u.password_hash) <> u.password_hash THEN
    RETURN receivables.error(401, 'Invalid email or password.');
  END IF;
  RETURN jsonb_build_object(
    'status', 200,
    'body', jsonb_build_object('token', NULL, 'user', jsonb_build_object(
      'id', u.id::text, 'name', u.name, 'role', u.role, 'department', u.department,
      'email', u.email, 'region', u.region)),
    'set_token', jsonb_build_object(
      'type', 'access', 'lifetime', 43200, 'path', '["token"]'::jsonb,
      'claims', jsonb_build_object('sub', u.id::text, 'role', u.role)));
END
$$;

COMMENT ON FUNCTION receivables.h_auth_login(jsonb) IS
  'POST /api/auth/login {email, password}: {token, user {id, name, role, department}}; the '
  'token (12 hours) carries only the user id and role. Bad credentials: 401 '
  '{"error": "Invalid email or password."}.';

CREATE FUNCTION receivables.h_users(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  RETURN jsonb_build_object('status', 200, 'body', coalesce(
    (SELECT jsonb_agg(receivables.user_json(u) ORDER BY u.role, u.name, u.id)
     FROM receivables.users u), '[]'));
END
$$;

COMMENT ON FUNCTION receivables.h_users(jsonb) IS
  'GET /api/users: every user of the team (for the hierarchy view), without password hashes.';
