-- The routes of spec/plutos-erp.md under /bills, and the extra transaction routes.

SELECT khata.register_route('bills', 'POST', '/biller/login/', 'bills.h_biller_login(jsonb)', 'none');
