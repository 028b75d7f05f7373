-- The wallet's expression helpers: the response shapes they build, and that the planner
-- inlines them into a caller (a pinned search_path, or a body the planner cannot inline,
-- would turn each back into a function call per use).
BEGIN;
SELECT plan(9);

SELECT is(wallet.ok(200, 'Done', NULL),
  '{"status": 200, "body": {"success": true, "message": "Done"}}'::jsonb,
  'a success without data has no data key');
SELECT is(wallet.ok(201, 'Made', '{"id": "X", "note": null}'),
  '{"status": 201, "body": {"success": true, "message": "Made", "data": {"id": "X", "note": null}}}'::jsonb,
  'a success carries its data, nulls inside it kept');
SELECT is(wallet.ok(200, 'Done', 'null'::jsonb),
  '{"status": 200, "body": {"success": true, "message": "Done", "data": null}}'::jsonb,
  'a JSON null as data is kept as data: null');
SELECT is(wallet.invalid(wallet.err('amount', 'Amount is required')),
  '{"status": 400, "body": {"success": false, "message": "Validation error",
    "errors": [{"field": "amount", "message": "Amount is required"}]}}'::jsonb,
  'a validation error lists its fields');
SELECT is(wallet.ts('2026-01-27 18:34:56.789+06'), '2026-01-27T12:34:56.789Z',
  'a timestamp is written in UTC with milliseconds');
SELECT is(wallet.taka(1850), 18.50, 'poisha become taka');
SELECT is(wallet.text_field_error('{"name": 5}', 'name', 'Name', NULL),
  '[{"field": "name", "message": "Name must be a string"}]'::jsonb,
  'a string field sent as a number is refused by type');
SELECT is(wallet.no_user('{"claims": {"userType": "Admin"}}', 'Access denied. Agent credentials required.'),
  wallet.fail(403, 'Access denied. Agent credentials required.'),
  'an admin on a user route is a 403');

-- Each helper used with arguments that are not constants (so nothing is folded), with function
-- calls counted: none of them may have been called.
CREATE TEMP TABLE probe AS
SELECT g, now() AS t, jsonb_build_object('name', g::text) AS b, ARRAY['CONSUMER'] AS roles
FROM generate_series(1, 2) g;
SET LOCAL track_functions = 'all';
SELECT count(used) FROM (
  SELECT jsonb_build_array(
           wallet.ok(200, 'x', wallet.fail(g, 'y') || wallet.invalid(wallet.err('f', g::text))),
           wallet.ts(t), wallet.taka(g), wallet.claimed_role(b), wallet.is_non_string(b),
           wallet.text_field_error(b, 'name', 'Name', CASE WHEN g > 1 THEN 'p' END),
           wallet.no_user(b, g::text), wallet.description_errors(b),
           wallet.caller_refusal(b, u, roles), wallet.user_name(u)) AS used
  FROM probe LEFT JOIN wallet.users u ON true) each_row;
SELECT is_empty($$ SELECT funcname FROM pg_catalog.pg_stat_xact_user_functions
                   WHERE schemaname = 'wallet' $$,
  'the expression helpers are inlined into the query that uses them, never called');

SELECT * FROM finish();
ROLLBACK;
