-- Routes of the Outstanding Tracker API, mounted at /receivables, and who may call what.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA receivables FROM PUBLIC;
GRANT USAGE ON SCHEMA receivables TO khata_api;
GRANT EXECUTE ON FUNCTION
  receivables.h_auth_login(jsonb),
  receivables.h_users(jsonb),
  receivables.h_upload(jsonb),
  receivables.h_customers(jsonb),
  receivables.h_invoice_tracker(jsonb),
  receivables.h_customer_remark(jsonb),
  receivables.h_customer_notes(jsonb),
  receivables.h_customer_assign_engineer(jsonb),
  receivables.h_invoice_dispute(jsonb),
  receivables.h_dashboard(jsonb)
TO khata_api;

SELECT khata.register_route('receivables', 'POST', '/api/auth/login',
                            'receivables.h_auth_login(jsonb)', 'none');
SELECT khata.register_route('receivables', 'GET', '/api/users', 'receivables.h_users(jsonb)');
SELECT khata.register_route('receivables', 'POST', '/api/upload', 'receivables.h_upload(jsonb)');
SELECT khata.register_route('receivables', 'GET', '/api/dashboard',
                            'receivables.h_dashboard(jsonb)');
SELECT khata.register_route('receivables', 'GET', '/api/customers',
                            'receivables.h_customers(jsonb)');
SELECT khata.register_route('receivables', 'GET', '/api/invoice-tracker',
                            'receivables.h_invoice_tracker(jsonb)');
SELECT khata.register_route('receivables', 'PUT', '/api/customers/:id/remark',
                            'receivables.h_customer_remark(jsonb)');
SELECT khata.register_route('receivables', 'PUT', '/api/customers/:id/notes',
                            'receivables.h_customer_notes(jsonb)');
SELECT khata.register_route('receivables', 'PUT', '/api/customers/:id/assign-engineer',
                            'receivables.h_customer_assign_engineer(jsonb)');
SELECT khata.register_route('receivables', 'PUT',
                            '/api/customers/:customerId/invoices/:invoiceNumber/dispute',
                            'receivables.h_invoice_dispute(jsonb)');
