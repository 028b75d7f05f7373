-- Settings: a book's configuration as key/value text, validated against the definitions of
-- the keys khata and its apps know, and read by fee rules at the moment they price.

CREATE TABLE khata.setting_definitions (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]*$'),
  kind text NOT NULL CHECK (kind IN ('number', 'integer', 'boolean', 'text', 'timezone')),
  min_value numeric,
  max_value numeric,
  description text NOT NULL,
  public boolean NOT NULL DEFAULT false,
  default_value text,
  -- A number's most decimal places: 2 for an amount in taka that becomes whole poisha.
  max_scale int CHECK (max_scale >= 0),
  CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value)
);

COMMENT ON TABLE khata.setting_definitions IS
  'The setting keys khata knows: their kind, range, default and whether clients may read them.';

CREATE TABLE khata.settings (
  book_id bigint NOT NULL REFERENCES khata.books (id),
  key text NOT NULL CHECK (key <> '' AND length(key) <= 100),
  value text NOT NULL CHECK (length(value) <= 1000),
  description text CHECK (length(description) <= 500),
  public boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (book_id, key)
);

COMMENT ON TABLE khata.settings IS
  'A book''s settings (key, text value). Known keys are validated by khata.validate_setting.';

INSERT INTO khata.setting_definitions (key, kind, description, public) VALUES
  ('timezone', 'timezone', 'Time zone of the book''s days and months (spending limits, reports); '
   'when unset, the time zone the book was created with', true);

CREATE FUNCTION khata.define_setting(
  key text, kind text, description text, min_value numeric DEFAULT NULL,
  max_value numeric DEFAULT NULL, public boolean DEFAULT false, default_value text DEFAULT NULL,
  max_scale int DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO khata.setting_definitions AS d
    (key, kind, description, min_value, max_value, public, default_value, max_scale)
  VALUES (define_setting.key, define_setting.kind, define_setting.description,
          define_setting.min_value, define_setting.max_value, define_setting.public,
          define_setting.default_value, define_setting.max_scale)
  ON CONFLICT ON CONSTRAINT setting_definitions_pkey DO UPDATE
    SET kind = excluded.kind, description = excluded.description,
        min_value = excluded.min_value, max_value = excluded.max_value,
        public = excluded.public, default_value = excluded.default_value,
        max_scale = excluded.max_scale;
  IF default_value IS NOT NULL THEN
    PERFORM khata.validate_setting(key, default_value);
  END IF;
END
$$;

COMMENT ON FUNCTION khata.define_setting(text, text, text, numeric, numeric, boolean, text, int) IS
  'Declares a setting key (apps call it from their install scripts): its kind (number, '
  'integer, boolean, text, timezone), range, description, public flag, default and, for a '
  'number, its most decimal places.';

CREATE FUNCTION khata.validate_setting(key text, value text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d khata.setting_definitions;
  n numeric;
BEGIN
  IF value IS NULL OR length(value) NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION 'setting % must have a value of 1 to 1000 characters', key
      USING ERRCODE = '22K30';
  END IF;
  SELECT * INTO d FROM khata.setting_definitions s WHERE s.key = validate_setting.key;
  IF NOT FOUND OR d.kind = 'text' THEN
    RETURN value;
  END IF;
  IF d.kind = 'boolean' THEN
    IF lower(btrim(value)) NOT IN ('true', 'false') THEN
      RAISE EXCEPTION 'setting % must be true or false, not "%"', key, value USING ERRCODE = '22K30';
    END IF;
    RETURN lower(btrim(value));
  END IF;
  IF d.kind = 'timezone' THEN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names z WHERE z.name = btrim(value)) THEN
      RAISE EXCEPTION 'setting % must be a time zone name such as Asia/Dhaka, not "%"', key, value
        USING ERRCODE = '22K30';
    END IF;
    RETURN btrim(value);
  END IF;
  IF btrim(value) !~ '^-?[0-9]+(\.[0-9]+)?$'
     OR (d.kind = 'integer' AND btrim(value) !~ '^-?[0-9]+$') THEN
    RAISE EXCEPTION 'setting % must be %, not "%"', key,
      CASE d.kind WHEN 'integer' THEN 'a whole number' ELSE 'a number' END, value
      USING ERRCODE = '22K30';
  END IF;
  n := btrim(value)::numeric;
  IF scale(n) > d.max_scale THEN
    RAISE EXCEPTION 'setting % must have at most % decimal places, not %', key, d.max_scale, value
      USING ERRCODE = '22K30';
  END IF;
  IF n < d.min_value OR n > d.max_value THEN
    RAISE EXCEPTION 'setting % must be between % and %, not %', key,
      coalesce(d.min_value::text, '-infinity'), coalesce(d.max_value::text, 'infinity'), value
      USING ERRCODE = '22K30';
  END IF;
  RETURN btrim(value);
END
$$;

COMMENT ON FUNCTION khata.validate_setting(text, text) IS
  'The value normalised for its key''s kind and range, or SQLSTATE 22K30 with what is wrong. '
  'Keys without a definition take any text.';

CREATE FUNCTION khata.set_setting(
  book bigint, key text, value text, description text DEFAULT NULL, public boolean DEFAULT NULL)
RETURNS khata.settings
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  result khata.settings;
  d khata.setting_definitions;
BEGIN
  SELECT * INTO d FROM khata.setting_definitions s WHERE s.key = set_setting.key;
  INSERT INTO khata.settings AS s (book_id, key, value, description, public)
  VALUES (book, key, khata.validate_setting(key, value),
          coalesce(set_setting.description, d.description),
          coalesce(set_setting.public, d.public, false))
  ON CONFLICT ON CONSTRAINT settings_pkey DO UPDATE
    SET value = excluded.value,
        description = coalesce(set_setting.description, s.description),
        public = coalesce(set_setting.public, s.public),
        updated_at = pg_catalog.now()
  RETURNING * INTO result;
  RETURN result;
END
$$;

COMMENT ON FUNCTION khata.set_setting(bigint, text, text, text, boolean) IS
  'Sets a book''s setting after khata.validate_setting; a fee rule reading it prices with the '
  'new value from the next quote on.';

CREATE FUNCTION khata.setting(book bigint, key text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN coalesce(
    (SELECT s.value FROM khata.settings s WHERE s.book_id = setting.book AND s.key = setting.key),
    (SELECT d.default_value FROM khata.setting_definitions d WHERE d.key = setting.key));
END
$$;

COMMENT ON FUNCTION khata.setting(bigint, text) IS
  'A setting''s value as text: the book''s own, else its definition''s default, else NULL.';

CREATE FUNCTION khata.setting_numeric(book bigint, key text)
RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v text := khata.setting(book, key);
BEGIN
  IF v IS NULL OR btrim(v) ~ '^-?[0-9]+(\.[0-9]+)?$' THEN
    RETURN btrim(v)::numeric;
  END IF;
  RAISE EXCEPTION 'setting % is not a number: "%"', key, v USING ERRCODE = '22K23';
END
$$;

COMMENT ON FUNCTION khata.setting_numeric(bigint, text) IS
  'A setting read as an exact numeric (NULL when unset); 22K23 when its text is not a number.';

CREATE FUNCTION khata.setting_boolean(book bigint, key text)
RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v text := lower(btrim(khata.setting(book, key)));
BEGIN
  IF v IS NULL OR v IN ('true', 'false') THEN
    RETURN v::boolean;
  END IF;
  RAISE EXCEPTION 'setting % is not true or false: "%"', key, v USING ERRCODE = '22K23';
END
$$;

COMMENT ON FUNCTION khata.setting_boolean(bigint, text) IS
  'A setting read as a boolean (NULL when unset); 22K23 when its text is not true or false.';

CREATE FUNCTION khata.settings_object(book bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN (
    SELECT coalesce(jsonb_object_agg(k.key, k.value), '{}'::jsonb)
    FROM (
      SELECT d.key, d.default_value AS value
      FROM khata.setting_definitions d
      WHERE d.default_value IS NOT NULL
        AND NOT EXISTS (SELECT FROM khata.settings s
                        WHERE s.book_id = settings_object.book AND s.key = d.key)
      UNION ALL
      SELECT s.key, s.value FROM khata.settings s WHERE s.book_id = settings_object.book
    ) k);
END
$$;

COMMENT ON FUNCTION khata.settings_object(bigint) IS
  'Every setting of a book with defaults filled in, as one object from key to text value.';

CREATE FUNCTION khata.book_timezone(book bigint)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN coalesce(khata.setting(book_timezone.book, 'timezone'),
                  (SELECT b.timezone FROM khata.books b WHERE b.id = book_timezone.book),
                  'Asia/Dhaka');
END
$$;

COMMENT ON FUNCTION khata.book_timezone(bigint) IS
  'The time zone of a book''s days and months: its timezone setting, else the one it was '
  'created with (default Asia/Dhaka).';
