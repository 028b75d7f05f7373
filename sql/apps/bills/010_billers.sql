-- Billers: made by a DBA with bills.create_biller, they log in with email and password and
-- their payment proxy authenticates with an API key.

-- pgcrypto lives in whichever schema it was installed into: the two functions that need it
-- are written with that schema at install time, so search_path never decides what runs.
DO $$
DECLARE
  crypto name := (SELECT n.nspname FROM pg_catalog.pg_extension e
                  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'pgcrypto');
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION bills.hash_password(password text)
    RETURNS text
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT %1$I.crypt(password, %1$I.gen_salt(''bf'', 10))'$f$, crypto);
  EXECUTE format($f$
    CREATE FUNCTION bills.password_matches(password text, hash text)
    RETURNS boolean
    LANGUAGE sql STABLE STRICT
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT %1$I.crypt(password, hash) = hash'$f$, crypto);
  EXECUTE format($f$
    CREATE FUNCTION bills.random_letters(n int)
    RETURNS text
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT string_agg(chr(65 + get_byte(b, i) %% 26), '''' ORDER BY i)
        FROM (SELECT %1$I.gen_random_bytes(n) AS b) r, generate_series(0, n - 1) i'$f$, crypto);
  EXECUTE format($f$
    CREATE FUNCTION bills.new_api_key()
    RETURNS text
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT ''bk_'' || encode(%1$I.gen_random_bytes(24), ''hex'')'$f$, crypto);
END
$$;

COMMENT ON FUNCTION bills.hash_password(text) IS
  'A bcrypt hash (cost 10) of a password, with a fresh salt.';
COMMENT ON FUNCTION bills.password_matches(text, text) IS
  'Whether a password matches a bcrypt hash made by bills.hash_password.';
COMMENT ON FUNCTION bills.random_letters(int) IS
  'n random upper-case letters (A-Z) from a cryptographic source.';
COMMENT ON FUNCTION bills.new_api_key() IS
  'A new proxy API key: bk_ and 48 hex digits (192 random bits).';

CREATE FUNCTION bills.create_biller(email text, password text, biller_name text,
                                    category text DEFAULT 'offline')
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  new_id text;
  key text := bills.new_api_key();
  book bigint;
BEGIN
  IF email IS NULL OR lower(btrim(email)) !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
    RAISE EXCEPTION 'email "%" is not an email address', email USING ERRCODE = '22023';
  END IF;
  IF password IS NULL OR length(password) < 6 THEN
    RAISE EXCEPTION 'the password must have at least 6 characters' USING ERRCODE = '22023';
  END IF;
  IF biller_name IS NULL OR btrim(biller_name) = '' THEN
    RAISE EXCEPTION 'a biller needs a name' USING ERRCODE = '22023';
  END IF;
  IF category IS NULL OR category NOT IN ('offline', 'donation') THEN
    RAISE EXCEPTION 'category "%" is neither offline nor donation', category
      USING ERRCODE = '22023';
  END IF;
  -- Shaped like NFPL00000NATZB: four letters, a five-digit serial, five letters.
  new_id := bills.random_letters(4) || lpad(nextval('bills.biller_number')::text, 5, '0')
            || bills.random_letters(5);
  book := khata.create_book('bills:' || new_id, btrim(biller_name));
  INSERT INTO bills.billers (book_id, biller_id, email, password_hash, biller_name, category,
                             api_key_hash)
  VALUES (book, new_id, lower(btrim(email)), bills.hash_password(password), btrim(biller_name),
          category, sha256(convert_to(key, 'UTF8')));
  RETURN jsonb_build_object('billerId', new_id, 'apiKey', key);
END
$$;

COMMENT ON FUNCTION bills.create_biller(text, text, text, text) IS
  'Creates a biller with its own khata book: create_biller(email, password, biller_name, '
  'category offline | donation). Returns {"billerId": "NFPL00000NATZB", "apiKey": "bk_..."}; '
  'the API key is shown only here (stored as its sha256). 22023 for invalid input, 23505 '
  'when the email is taken.';

CREATE FUNCTION bills.rotate_api_key(biller_id text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  key text := bills.new_api_key();
BEGIN
  UPDATE bills.billers b SET api_key_hash = sha256(convert_to(key, 'UTF8'))
  WHERE b.biller_id = rotate_api_key.biller_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no biller %', biller_id USING ERRCODE = 'P0002';
  END IF;
  RETURN key;
END
$$;

COMMENT ON FUNCTION bills.rotate_api_key(text) IS
  'Replaces a biller''s proxy API key and returns the new one (shown once); the old key stops '
  'working at commit.';

-- --- helpers of the handlers -----------------------------------------------------------------

CREATE FUNCTION bills.error(status int, message text, errors jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('status', status,
    'body', jsonb_build_object('success', false, 'message', message, 'error', message)
            || CASE WHEN errors IS NULL THEN '{}'::jsonb
                    ELSE jsonb_build_object('errors', errors) END)
$$;

COMMENT ON FUNCTION bills.error(int, text, jsonb) IS
  'A handler result for an expected failure: {success: false, message, error[, errors]}.';

CREATE FUNCTION bills.token_biller(req jsonb)
RETURNS bills.billers
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT b.* FROM bills.billers b WHERE b.biller_id = req -> 'claims' ->> 'billerId'
$$;

COMMENT ON FUNCTION bills.token_biller(jsonb) IS
  'The biller whose access token the request carries (NULL without one).';

CREATE FUNCTION bills.key_biller(req jsonb)
RETURNS bills.billers
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT b.* FROM bills.billers b
  WHERE b.api_key_hash = sha256(convert_to(req -> 'headers' ->> 'x-api-key', 'UTF8'))
$$;

COMMENT ON FUNCTION bills.key_biller(jsonb) IS
  'The biller whose proxy API key the request sends in X-API-Key (NULL when none matches).';

-- A value sent in the query string or, as the spec does even for GET, in the JSON body.
CREATE FUNCTION bills.request_value(req jsonb, name text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(req -> 'query' ->> name,
                  CASE WHEN jsonb_typeof(req -> 'body') = 'object' THEN req -> 'body' ->> name END)
$$;

COMMENT ON FUNCTION bills.request_value(jsonb, text) IS
  'A request parameter from the query string, else from a JSON object body (GET with a body).';
