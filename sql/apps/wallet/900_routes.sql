-- The routes of spec/uiu-cash.md, each served by one handler; then the privileges.

SELECT khata.register_route('wallet', r.method, r.path, r.handler::regprocedure, r.auth)
FROM (VALUES
  ('POST', '/api/auth/consumer/register', 'wallet.h_consumer_register(jsonb)', 'none'),
  ('POST', '/api/auth/consumer/login', 'wallet.h_consumer_login(jsonb)', 'none'),
  ('PUT', '/api/auth/consumer/profile', 'wallet.h_consumer_profile_update(jsonb)', 'token'),
  ('PUT', '/api/auth/consumer/change-password', 'wallet.h_user_change_password(jsonb)', 'token'),
  ('GET', '/api/auth/profile', 'wallet.h_profile(jsonb)', 'token'),
  ('POST', '/api/auth/agent/register', 'wallet.h_agent_register(jsonb)', 'none'),
  ('POST', '/api/auth/agent/login', 'wallet.h_agent_login(jsonb)', 'none'),
  ('GET', '/api/agents/auth/profile', 'wallet.h_agent_profile(jsonb)', 'token'),
  ('PUT', '/api/agents/auth/profile', 'wallet.h_agent_profile_update(jsonb)', 'token'),
  ('PUT', '/api/agents/auth/change-password', 'wallet.h_user_change_password(jsonb)', 'token'),
  ('POST', '/api/auth/admin/login', 'wallet.h_admin_login(jsonb)', 'none'),
  ('POST', '/api/admin/register', 'wallet.h_admin_register(jsonb)', 'token'),
  ('GET', '/api/auth/admin/profile', 'wallet.h_admin_profile(jsonb)', 'token'),
  ('POST', '/api/auth/admin/logout', 'wallet.h_admin_logout(jsonb)', 'token'),
  ('PUT', '/api/auth/admin/change-password', 'wallet.h_admin_change_password(jsonb)', 'token'),
  ('GET', '/api/wallet', 'wallet.h_wallet(jsonb)', 'token'),
  ('POST', '/api/transactions/add-money', 'wallet.h_add_money(jsonb)', 'token'),
  ('POST', '/api/transactions/send-money', 'wallet.h_send_money(jsonb)', 'token'),
  ('POST', '/api/transactions/cash-out', 'wallet.h_cash_out(jsonb)', 'token'),
  ('POST', '/api/transactions/cash-in', 'wallet.h_cash_in(jsonb)', 'token'),
  ('POST', '/api/transactions/pay-bill', 'wallet.h_pay_bill(jsonb)', 'token'),
  ('POST', '/api/bank/transfer', 'wallet.h_bank_transfer(jsonb)', 'token'),
  ('GET', '/api/transactions/history', 'wallet.h_history(jsonb)', 'token'),
  ('GET', '/api/transactions/:id', 'wallet.h_transaction(jsonb)', 'token'),
  ('GET', '/api/transactions/billers', 'wallet.h_billers(jsonb)', 'token'),
  ('GET', '/api/transactions/bill-payments', 'wallet.h_bill_payments(jsonb)', 'token'),
  ('GET', '/api/bank/transfers', 'wallet.h_bank_transfers(jsonb)', 'token'),
  ('GET', '/api/bank/transfers/:id', 'wallet.h_bank_transfer_detail(jsonb)', 'token'),
  ('GET', '/api/config/public', 'wallet.h_config_public(jsonb)', 'none'),
  ('POST', '/api/admin/consumers/list', 'wallet.h_admin_consumers_list(jsonb)', 'token'),
  ('GET', '/api/admin/consumers/:id', 'wallet.h_admin_consumer(jsonb)', 'token'),
  ('PATCH', '/api/admin/consumers/:id/status', 'wallet.h_admin_consumer_status(jsonb)', 'token'),
  ('GET', '/api/admin/consumers/:id/transactions', 'wallet.h_admin_consumer_transactions(jsonb)', 'token'),
  ('POST', '/api/admin/agents/list', 'wallet.h_admin_agents_list(jsonb)', 'token'),
  ('GET', '/api/admin/agents/:id', 'wallet.h_admin_agent(jsonb)', 'token'),
  ('POST', '/api/admin/agents/:id/approve', 'wallet.h_admin_agent_approve(jsonb)', 'token'),
  ('POST', '/api/admin/agents/:id/reject', 'wallet.h_admin_agent_reject(jsonb)', 'token'),
  ('GET', '/api/admin/agents/:id/transactions', 'wallet.h_admin_agent_transactions(jsonb)', 'token'),
  ('POST', '/api/admin/billers', 'wallet.h_admin_biller_create(jsonb)', 'token'),
  ('GET', '/api/admin/billers', 'wallet.h_admin_billers(jsonb)', 'token'),
  ('GET', '/api/admin/billers/:id', 'wallet.h_admin_biller(jsonb)', 'token'),
  ('PUT', '/api/admin/billers/:id', 'wallet.h_admin_biller_update(jsonb)', 'token'),
  ('PATCH', '/api/admin/billers/:id/status', 'wallet.h_admin_biller_status(jsonb)', 'token'),
  ('DELETE', '/api/admin/billers/:id', 'wallet.h_admin_biller_delete(jsonb)', 'token'),
  ('GET', '/api/admin/config', 'wallet.h_admin_configs(jsonb)', 'token'),
  ('POST', '/api/admin/config', 'wallet.h_admin_config_upsert(jsonb)', 'token'),
  ('GET', '/api/admin/config/:key', 'wallet.h_admin_config(jsonb)', 'token'),
  ('PUT', '/api/admin/config/:key', 'wallet.h_admin_config_update(jsonb)', 'token'),
  ('GET', '/api/admin/platform-wallet/stats', 'wallet.h_platform_stats(jsonb)', 'token'),
  ('GET', '/api/admin/platform-wallet/reconcile', 'wallet.h_platform_reconcile(jsonb)', 'token'),
  ('GET', '/api/admin/platform-wallet/transactions', 'wallet.h_platform_transactions(jsonb)', 'token'),
  ('GET', '/api/admin/platform-wallet/revenue-summary', 'wallet.h_platform_revenue_summary(jsonb)', 'token'),
  ('GET', '/api/admin/analytics/dashboard', 'wallet.h_analytics_dashboard(jsonb)', 'token'),
  ('GET', '/api/admin/analytics/transactions', 'wallet.h_analytics_transactions(jsonb)', 'token'),
  ('GET', '/api/admin/analytics/consumers', 'wallet.h_analytics_consumers(jsonb)', 'token'),
  ('GET', '/api/admin/analytics/agents', 'wallet.h_analytics_agents(jsonb)', 'token'),
  ('GET', '/api/admin/analytics/revenue', 'wallet.h_analytics_revenue(jsonb)', 'token')
) AS r(method, path, handler, auth);

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA wallet FROM PUBLIC;
GRANT USAGE ON SCHEMA wallet TO khata_api;
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT DISTINCT r.handler FROM khata.routes r WHERE r.app = 'wallet' LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO khata_api', f);
  END LOOP;
END
$$;
