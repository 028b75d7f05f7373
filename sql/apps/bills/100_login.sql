-- POST /biller/login/: email and password for an access token.

CREATE FUNCTION bills.h_biller_login(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  body jsonb := CASE WHEN jsonb_typeof(req -> 'body') = 'object' THEN req -> 'body'
                     ELSE '{}' END;
  b bills.billers;
  matches boolean;
BEGIN
  IF jsonb_typeof(body -> 'email') IS DISTINCT FROM 'string'
     OR jsonb_typeof(body -> 'password') IS DISTINCT FROM 'string' THEN
    RETURN bills.error(400, 'email and password are required');
  END IF;
  SELECT * INTO b FROM bills.billers x WHERE x.email = lower(btrim(body ->> 'email'));
  -- An unknown email costs the same bcrypt round as a wrong password: no account probing.
  matches := bills.password_matches(body ->> 'password',
               coalesce(b.password_hash,
                        '$2a$10$CwTycUXWue0Thq9StjUM0uJ8.iK6tLk6t1D2dwDWTfuXqgqY3bsVS'));
  IF b.biller_id IS NULL OR NOT matches THEN
    RETURN bills.error(401, 'Invalid email or password');
  END IF;
  RETURN jsonb_build_object(
    'status', 200,
    'body', jsonb_build_object('_id', b.book_id::text, 'billerId', b.biller_id,
                               'email', b.email, 'billerName', b.biller_name,
                               'billerCategory', b.category, '__v', 0),
    'set_token', jsonb_build_object('type', 'access', 'lifetime', 8 * 3600,
                                    'claims', jsonb_build_object('sub', b.biller_id,
                                                                 'billerId', b.biller_id),
                                    'path', '["token"]'::jsonb));
END
$$;

COMMENT ON FUNCTION bills.h_biller_login(jsonb) IS
  'POST /biller/login/ {email, password}: the biller''s documented fields (never the password '
  'hash) and an access token (8 hours) in "token"; 401 for a wrong email or password.';
