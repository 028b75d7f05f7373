-- Routes of the Outstanding Tracker API, mounted at /receivables, and who may call what.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA receivables FROM PUBLIC;
GRANT USAGE ON SCHEMA receivables TO khata_api;
GRANT EXECUTE ON FUNCTION
  receivables.h_auth_login(jsonb),
  receivables.h_users(jsonb)
TO khata_api;

SELECT khata.register_route('receivables', 'POST', '/api/auth/login',
                            'receivables.h_auth_login(jsonb)', 'none');
SELECT khata.register_route('receivables', 'GET', '/api/users', 'receivables.h_users(jsonb)');
