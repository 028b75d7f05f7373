-- khata core install script, assembled from sql/khata/*.sql in name order.
\echo Use "CREATE EXTENSION khata" to load this file. \quit

-- khatad logs in as a role that is granted khata_api: it may call handlers, nothing else.
DO $$
BEGIN
  CREATE ROLE khata_api NOLOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;

REVOKE ALL ON SCHEMA khata FROM PUBLIC;
GRANT USAGE ON SCHEMA khata TO khata_api;
