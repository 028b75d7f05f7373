-- Demo data for `make run`: the spec's test accounts, its three billers and its example card.

CREATE FUNCTION wallet.load_demo() RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  u wallet.users;
  admin_id text;
BEGIN
  admin_id := wallet.create_admin('admin@uiucash.com', 'Admin123!', 'System Administrator');

  IF NOT EXISTS (SELECT 1 FROM wallet.users x WHERE x.email = 'user@test.com') THEN
    u := wallet.create_user('{"email": "user@test.com", "phone": "01712345678", "password": "TestUser123!",
      "firstName": "Test", "lastName": "User", "dateOfBirth": "1995-05-15", "nidNumber": "1234567890"}',
      'CONSUMER', 'ACTIVE');
    PERFORM wallet.pay_welcome_bonus(u);
  END IF;

  IF NOT EXISTS (SELECT 1 FROM wallet.users x WHERE x.email = 'agent@test.com') THEN
    u := wallet.create_user('{"email": "agent@test.com", "phone": "01812345678", "password": "TestAgent123!",
      "firstName": "Test", "lastName": "Agent"}', 'AGENT', 'ACTIVE');
    INSERT INTO wallet.agents (user_id, agent_code, business_name, business_address, approved_by, approved_at)
    VALUES (u.id, 'AG1234567', 'Khan Mobile Banking', '123 Main Street, Dhaka-1205', admin_id, now());
  END IF;

  INSERT INTO wallet.billers (public_id, name, biller_code, bill_type, contact_email, contact_phone, description)
  VALUES
    ('BILLER01', 'Dhaka Electric Supply Company Limited (DESCO)', 'DESCO-ELEC', 'ELECTRICITY',
     'info@desco.org.bd', '01713074499', 'Electricity supply for Dhaka city area'),
    ('BILLER02', 'Grameenphone Limited', 'GP-MOBILE', 'MOBILE',
     'info@grameenphone.com', '01713074422', 'Mobile operator - Grameenphone'),
    ('BILLER03', 'United International University (UIU)', 'UIU-ORG', 'ORGANIZATION',
     'accounts@uiu.ac.bd', '01713074333', 'University tuition and fees')
  ON CONFLICT (biller_code) DO NOTHING;

  INSERT INTO wallet.bank_cards (card_number, holder_name, expiry_month, expiry_year, cvv, balance)
  VALUES ('4532123456789012', 'John Doe', '12', '28', '123', 1000000000)
  ON CONFLICT (card_number) DO NOTHING;
END
$$;
COMMENT ON FUNCTION wallet.load_demo() IS
  'Loads the spec''s test accounts (admin@uiucash.com, user@test.com, agent@test.com approved as '
  'AG1234567), the three billers and the example card 4532123456789012 with ৳10,000,000; '
  'running it again changes nothing.';
