-- Nothing in bills is executable by PUBLIC; khatad (khata_api) may call the handlers only.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA bills FROM PUBLIC;

DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
           WHERE p.pronamespace = 'bills'::regnamespace AND p.proname LIKE 'h\_%'
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO khata_api', f);
  END LOOP;
END
$$;
