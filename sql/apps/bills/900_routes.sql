-- The routes of spec/plutos-erp.md under /bills, and the extra transaction routes.

SELECT khata.register_route('bills', 'POST', '/biller/login/', 'bills.h_biller_login(jsonb)', 'none');
SELECT khata.register_route('bills', 'GET', '/customer/', 'bills.h_customers(jsonb)', 'token');
SELECT khata.register_route('bills', 'POST', '/customer/upload/:billerId',
                            'bills.h_customer_upload(jsonb)', 'token');
SELECT khata.register_route('bills', 'GET', '/bills/:customerId', 'bills.h_bills(jsonb)', 'token');
-- The proxy sends X-API-Key, not a token: the handlers authenticate it themselves.
SELECT khata.register_route('bills', 'POST', '/transaction/', 'bills.h_transaction_create(jsonb)',
                            'none');
SELECT khata.register_route('bills', 'GET', '/transaction/:id', 'bills.h_transaction_get(jsonb)',
                            'none');
SELECT khata.register_route('bills', 'PATCH', '/transaction/:id',
                            'bills.h_transaction_update(jsonb)', 'none');
