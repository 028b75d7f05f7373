-- The C++ <-> Postgres error boundary (extension/include/khata/pg/guard.h).
BEGIN;
SELECT plan(6);

CREATE FUNCTION pg_temp.raise_from_cpp(sqlstate text, message text) RETURNS void
  AS '$libdir/khata', 'khata_selftest_raise' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.pg_error_under_cpp() RETURNS void
  AS '$libdir/khata', 'khata_selftest_unwind' LANGUAGE C;
CREATE FUNCTION pg_temp.destructors_run() RETURNS int
  AS '$libdir/khata', 'khata_selftest_destructors_run' LANGUAGE C;

SELECT throws_ok($$ SELECT pg_temp.raise_from_cpp('22023', 'bad parameter') $$,
  '22023', 'bad parameter', 'a C++ error carrying 22023 reaches SQL as 22023');
SELECT throws_ok($$ SELECT pg_temp.raise_from_cpp('P0002', 'nothing here') $$,
  'P0002', 'nothing here', 'any SQLSTATE survives the boundary, not only class 22');
SELECT throws_ok($$ SELECT pg_temp.raise_from_cpp('bogus', 'no code') $$,
  'XX000', 'no code', 'a malformed SQLSTATE becomes an internal error, message kept');

SELECT is(pg_temp.destructors_run(), 0, 'no owned object destroyed yet');
SELECT throws_ok($$ SELECT pg_temp.pg_error_under_cpp() $$,
  '22P02', NULL, 'an error raised by Postgres inside a C++ call keeps its SQLSTATE');
SELECT is(pg_temp.destructors_run(), 1,
  'the error unwound the C++ frame: the object it owned was destroyed');

SELECT * FROM finish();
ROLLBACK;
