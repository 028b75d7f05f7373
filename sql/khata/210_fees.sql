-- Fee schedules: per operation, an ordered list of pricing rules (tiers, flat, percent,
-- minimum, maximum, rounding, payer, commissions), priced by the C++ engine.

CREATE FUNCTION khata.validate_fee_rules(rules jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_validate_fee_rules'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.validate_fee_rules(jsonb) IS
  'The rules unchanged when well formed, else 22023 naming the rule and key at fault.';

CREATE FUNCTION khata.evaluate_fee(rules jsonb, amount bigint, context jsonb DEFAULT '{}',
                                   settings jsonb DEFAULT '{}')
RETURNS jsonb
AS 'MODULE_PATHNAME', 'khata_evaluate_fee'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION khata.evaluate_fee(jsonb, bigint, jsonb, jsonb) IS
  'Prices amount (minor units) under a list of fee rules, given a context object and the '
  'settings the rules may read. The engine behind khata.quote.';

CREATE FUNCTION khata.fee_rule_settings(rules jsonb)
RETURNS text[]
AS 'MODULE_PATHNAME', 'khata_fee_rule_settings'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.fee_rule_settings(jsonb) IS
  'The setting keys a list of fee rules reads.';

CREATE TABLE khata.fee_schedules (
  book_id bigint NOT NULL REFERENCES khata.books (id),
  id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (book_id, id),
  UNIQUE (book_id, code)
);

COMMENT ON TABLE khata.fee_schedules IS 'Named sets of pricing rules, one per product or plan.';

CREATE TABLE khata.fee_rules (
  book_id bigint NOT NULL,
  schedule_id bigint NOT NULL,
  operation text NOT NULL CHECK (operation ~ '^[a-z][a-z0-9_]{0,63}$'),
  rules jsonb NOT NULL CHECK (khata.validate_fee_rules(rules) IS NOT NULL),
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (book_id, schedule_id, operation),
  FOREIGN KEY (book_id, schedule_id) REFERENCES khata.fee_schedules (book_id, id)
);

COMMENT ON TABLE khata.fee_rules IS
  'An operation''s pricing: a JSON array of rules tried in order (README: "Fees").';

CREATE FUNCTION khata.create_fee_schedule(book bigint, code text, name text DEFAULT NULL)
RETURNS bigint
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  INSERT INTO khata.fee_schedules (book_id, code, name)
  VALUES (book, code, coalesce(name, code))
  RETURNING id
$$;

COMMENT ON FUNCTION khata.create_fee_schedule(bigint, text, text) IS
  'Creates an empty fee schedule in a book and returns its id.';

CREATE FUNCTION khata.fee_schedule_id(book bigint, code text)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  result bigint;
BEGIN
  SELECT s.id INTO result FROM khata.fee_schedules s
  WHERE s.book_id = book AND s.code = fee_schedule_id.code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no fee schedule "%" in book %', code, book USING ERRCODE = 'P0002';
  END IF;
  RETURN result;
END
$$;

COMMENT ON FUNCTION khata.fee_schedule_id(bigint, text) IS
  'The id of a book''s fee schedule by code; P0002 when there is none.';

CREATE FUNCTION khata.set_fee_rules(schedule bigint, operation text, rules jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  book bigint;
BEGIN
  SELECT s.book_id INTO book FROM khata.fee_schedules s WHERE s.id = schedule;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no fee schedule %', schedule USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO khata.fee_rules AS r (book_id, schedule_id, operation, rules)
  VALUES (book, schedule, operation, rules)
  ON CONFLICT ON CONSTRAINT fee_rules_pkey DO UPDATE
    SET rules = excluded.rules, updated_at = pg_catalog.now();
END
$$;

COMMENT ON FUNCTION khata.set_fee_rules(bigint, text, jsonb) IS
  'Sets (replaces) the pricing rules of one operation of a fee schedule; malformed rules are '
  'refused with 22023.';

CREATE FUNCTION khata.quote(schedule bigint, operation text, amount bigint,
                            context jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r khata.fee_rules;
BEGIN
  SELECT * INTO r FROM khata.fee_rules f
  WHERE f.schedule_id = schedule AND f.operation = quote.operation;
  IF NOT FOUND THEN
    IF NOT EXISTS (SELECT FROM khata.fee_schedules s WHERE s.id = schedule) THEN
      RAISE EXCEPTION 'no fee schedule %', schedule USING ERRCODE = 'P0002';
    END IF;
    RAISE EXCEPTION 'fee schedule % has no rules for operation "%"', schedule, operation
      USING ERRCODE = '22K22';
  END IF;
  RETURN jsonb_build_object('schedule', schedule, 'operation', operation)
      || khata.evaluate_fee(r.rules, amount, coalesce(context, '{}'),
                            khata.settings_object(r.book_id));
END
$$;

COMMENT ON FUNCTION khata.quote(bigint, text, bigint, jsonb) IS
  'Prices amount (minor units) for an operation: fee, commissions, total debited, net '
  'credited, the legs by role, and which rule and tier matched. Reads the book''s settings '
  'now, so a changed rate applies at once.';
