-- khata settings: definitions, validation, typed reads, defaults.
BEGIN;
SELECT plan(19);

SELECT khata.create_book('settings-test', 'Settings test') AS book \gset
SELECT khata.define_setting('agent_commission_rate', 'number',
  'Commission percentage for agent cash out operations', 0, 100, false, '1.5');
SELECT khata.define_setting('maintenance_mode', 'boolean', 'Refuse new transactions', NULL, NULL, true, 'false');
SELECT khata.define_setting('max_retries', 'integer', 'Retries', 0, 10);
SELECT khata.define_setting('tier_fee', 'number', 'A fee in taka', 0, NULL, false, '0', 2);

SELECT is(khata.setting(:book, 'agent_commission_rate'), '1.5',
  'an unset key reads as its definition''s default');
SELECT is((khata.set_setting(:book, 'agent_commission_rate', ' 2.5 ', 'Updated commission rate for Q1 2026')).value,
  '2.5', 'set_setting stores the normalised value');
SELECT is(khata.setting_numeric(:book, 'agent_commission_rate'), 2.5, 'setting_numeric reads it exactly');
SELECT is((SELECT description FROM khata.settings WHERE book_id = :book AND key = 'agent_commission_rate'),
  'Updated commission rate for Q1 2026', 'the description given is kept');
SELECT throws_ok(format($$ SELECT khata.set_setting(%s, 'agent_commission_rate', 'abc') $$, :book),
  '22K30', 'setting agent_commission_rate must be a number, not "abc"', 'a rate must be a number');
SELECT throws_ok(format($$ SELECT khata.set_setting(%s, 'agent_commission_rate', '150') $$, :book),
  '22K30', 'setting agent_commission_rate must be between 0 and 100, not 150', 'a rate must be in range');
SELECT is(khata.setting(:book, 'agent_commission_rate'), '2.5', 'a refused value changes nothing');
SELECT throws_ok(format($$ SELECT khata.set_setting(%s, 'tier_fee', '0.005') $$, :book),
  '22K30', 'setting tier_fee must have at most 2 decimal places, not 0.005',
  'a number with a max_scale refuses more decimal places');
SELECT is((khata.set_setting(:book, 'tier_fee', '2.50')).value, '2.50', 'and takes as many as it allows');
SELECT throws_ok($$ SELECT khata.define_setting('bad_scale', 'number', 'x', NULL, NULL, false, NULL, -1) $$,
  '23514', NULL, 'max_scale cannot be negative');
SELECT throws_ok(format($$ SELECT khata.set_setting(%s, 'max_retries', '2.5') $$, :book),
  '22K30', NULL, 'an integer key refuses a fraction');
SELECT throws_ok(format($$ SELECT khata.set_setting(%s, 'maintenance_mode', 'yes') $$, :book),
  '22K30', NULL, 'a boolean key takes true or false only');
SELECT is(khata.setting_boolean(:book, 'maintenance_mode'), false, 'setting_boolean reads the default');
SELECT throws_ok(format($$ SELECT khata.set_setting(%s, 'timezone', 'Mars/Olympus') $$, :book),
  '22K30', NULL, 'the timezone key must be a real time zone');
SELECT is(khata.book_timezone(:book), 'Asia/Dhaka', 'a book''s time zone defaults to Asia/Dhaka');
SELECT khata.set_setting(:book, 'timezone', 'Europe/London');
SELECT is(khata.book_timezone(:book), 'Europe/London', 'and follows its timezone setting');
SELECT is((khata.set_setting(:book, 'welcome_text', 'Hello')).value, 'Hello',
  'a key without a definition takes any text');
SELECT is(khata.settings_object(:book) ->> 'maintenance_mode', 'false',
  'settings_object fills in defaults');
SELECT is(khata.settings_object(:book) ->> 'agent_commission_rate', '2.5',
  'settings_object prefers the book''s value');

SELECT * FROM finish();
ROLLBACK;
