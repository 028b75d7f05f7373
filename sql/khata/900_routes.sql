-- HTTP routes are data: khatad serves exactly the rows of khata.routes, each one handler call.

CREATE TABLE khata.routes (
  app       text NOT NULL CHECK (app ~ '^[a-z][a-z0-9_]*$'),
  method    text NOT NULL CHECK (method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
  path      text NOT NULL CHECK (path ~ '^/' AND path !~ '//'),
  handler   regprocedure NOT NULL,
  auth      text NOT NULL DEFAULT 'token' CHECK (auth IN ('none', 'token', 'refresh')),
  read_only boolean NOT NULL DEFAULT false,
  PRIMARY KEY (app, method, path)
);

COMMENT ON TABLE khata.routes IS
  'The routes khatad serves: app (mounted at /APP by default), method, path as the spec writes '
  'it (/api/loans/:id/, static segments win over :params, trailing slash exact), the handler '
  'APP.h_NAME(jsonb) RETURNS jsonb, auth (none | token | refresh) and read_only (BEGIN READ '
  'ONLY). Changes reach a running khatad through NOTIFY khata_routes.';

CREATE FUNCTION khata.register_route(app text, method text, path text, handler regprocedure,
                                     auth text DEFAULT 'token', read_only boolean DEFAULT NULL)
RETURNS void
LANGUAGE sql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
  INSERT INTO khata.routes (app, method, path, handler, auth, read_only)
  VALUES (app, upper(method), path, handler, auth, coalesce(read_only, upper(method) = 'GET'))
  ON CONFLICT ON CONSTRAINT routes_pkey DO UPDATE
    SET handler = EXCLUDED.handler, auth = EXCLUDED.auth, read_only = EXCLUDED.read_only;
$$;

COMMENT ON FUNCTION khata.register_route(text, text, text, regprocedure, text, boolean) IS
  'Adds or replaces one route: register_route(''wallet'', ''GET'', ''/api/wallet/balance'', '
  '''wallet.h_wallet_balance(jsonb)'', ''token''). read_only defaults to true for GET only.';

CREATE FUNCTION khata.notify_routes_changed()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pg_notify('khata_routes', '');
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION khata.notify_routes_changed() IS
  'Trigger: tells every listening khatad (NOTIFY khata_routes) to reload the routes.';

CREATE TRIGGER routes_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON khata.routes
FOR EACH STATEMENT EXECUTE FUNCTION khata.notify_routes_changed();

-- khatad reads the table; only the extension's owner and the apps' install scripts write it.
GRANT SELECT ON khata.routes TO khata_api;
