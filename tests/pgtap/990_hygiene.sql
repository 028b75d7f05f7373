-- Database hygiene of every installed khata extension (the core and each app): pinned
-- search paths, nothing executable by PUBLIC, and khatad's role unable to touch the books.
BEGIN;
SELECT plan(8);

CREATE TEMP VIEW khata_functions AS
SELECT p.oid, p.oid::regprocedure AS signature, p.prosecdef, p.proconfig, p.proacl
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
  AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'khata' OR e.extname LIKE 'khata\_%';

SELECT isnt_empty($$ SELECT * FROM khata_functions $$, 'the khata extensions own functions');

SELECT is_empty($$
  SELECT signature FROM khata_functions
  WHERE prosecdef
    AND NOT EXISTS (SELECT FROM unnest(proconfig) c WHERE c LIKE 'search\_path=%')
$$, 'every SECURITY DEFINER function pins its search_path');

-- Except expression helpers, which leave it alone so that the planner inlines them into
-- their (pinned) callers: SQL, not VOLATILE, not SECURITY DEFINER, reading no table.
SELECT is_empty($$
  SELECT signature FROM khata_functions f JOIN pg_catalog.pg_proc p ON p.oid = f.oid
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  WHERE NOT EXISTS (SELECT FROM unnest(f.proconfig) c WHERE c LIKE 'search\_path=%')
    AND l.lanname IN ('sql', 'plpgsql')
    AND NOT (l.lanname = 'sql' AND p.provolatile <> 'v' AND NOT p.prosecdef
             AND p.prosrc !~* '\mfrom\M')
$$, 'every SQL and PL/pgSQL function but an expression helper pins its search_path');

SELECT is_empty($$
  SELECT signature FROM khata_functions
  WHERE proacl IS NULL
     OR EXISTS (SELECT FROM aclexplode(proacl) a
                WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
$$, 'no function of the khata extensions is executable by PUBLIC');

SELECT is_empty($$
  SELECT c.oid::regclass FROM pg_catalog.pg_class c
  WHERE c.relowner IN (SELECT oid FROM pg_catalog.pg_roles WHERE rolname IN ('khatad', 'khata_api'))
$$, 'khatad''s login role and khata_api own no relation');

SELECT is_empty($$
  SELECT r.rolname, t.privilege
  FROM pg_catalog.pg_roles r,
       unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) t(privilege)
  WHERE r.rolname IN ('khatad', 'khata_api')
    AND has_table_privilege(r.oid, 'khata.journals', t.privilege)
$$, 'khatad cannot write, update or delete journals directly');

SELECT is_empty($$
  SELECT r.rolname, c.oid::regclass, t.privilege
  FROM pg_catalog.pg_roles r,
       pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'khata',
       unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) t(privilege)
  WHERE r.rolname IN ('khatad', 'khata_api') AND c.relkind IN ('r', 'p')
    AND has_table_privilege(r.oid, c.oid, t.privilege)
$$, 'khatad may change no table of khata directly');

SELECT is_empty($$
  SELECT r.rolname FROM pg_catalog.pg_roles r
  WHERE r.rolname IN ('khatad', 'khata_api') AND (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls)
$$, 'khatad''s roles hold no superuser, role, database or RLS-bypass power');

SELECT * FROM finish();
ROLLBACK;
