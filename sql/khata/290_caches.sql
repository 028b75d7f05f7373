-- What the posting path caches per backend (extension/src/pg/backend_cache.cpp): the accounts
-- it posts to, each operation's fee rules with the settings they read, and what each account's
-- spending is counted against (its book, time zone and caps). Every change to a table these
-- are read from empties the caches of that table in every backend, so a closed account is
-- refused, a new rate charged and a new cap applied from the next posting on.

CREATE FUNCTION khata.cached_table_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'khata_cached_table_changed'
LANGUAGE C
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION khata.cached_table_changed() IS
  'Trigger: after a change to a table the posting path caches (accounts, books, fee schedules '
  'and rules, settings and their definitions, spending limits), empties every backend''s cache '
  'of it.';

-- One statement trigger per table, named <table>_changed; ENABLE ALWAYS: it fires under
-- replication roles too. A new account or book changes nothing cached; a new rule, setting or
-- cap does.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('accounts', 'UPDATE OR DELETE OR TRUNCATE'),
      ('books', 'UPDATE OR DELETE OR TRUNCATE'),
      ('fee_schedules', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'),
      ('fee_rules', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'),
      ('settings', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'),
      ('setting_definitions', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'),
      ('spending_limits', 'INSERT OR UPDATE OR DELETE OR TRUNCATE')) AS v(name, events)
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER %s ON khata.%I FOR EACH STATEMENT '
                   'EXECUTE FUNCTION khata.cached_table_changed()',
                   t.name || '_changed', t.events, t.name);
    EXECUTE format('ALTER TABLE khata.%I ENABLE ALWAYS TRIGGER %I', t.name, t.name || '_changed');
  END LOOP;
END
$$;
