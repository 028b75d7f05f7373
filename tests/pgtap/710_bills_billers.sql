-- bills.create_biller and bills.rotate_api_key: the DBA's bootstrap of a biller.
BEGIN;
SELECT plan(10);

SELECT bills.create_biller('Owner@Example.com', 'secret-1', 'Donation Box', 'donation') AS made \gset

SELECT matches(:'made'::jsonb ->> 'billerId', '^[A-Z]{4}[0-9]{5}[A-Z]{5}$',
  'a billerId is four letters, five digits and five letters');
SELECT is((SELECT email FROM bills.billers WHERE biller_id = :'made'::jsonb ->> 'billerId'),
  'owner@example.com', 'the email is stored lower-cased');
SELECT is((SELECT api_key_hash FROM bills.billers WHERE biller_id = :'made'::jsonb ->> 'billerId'),
  sha256(convert_to(:'made'::jsonb ->> 'apiKey', 'UTF8')), 'only the sha256 of the API key is stored');
SELECT ok((SELECT bills.password_matches('secret-1', password_hash) AND password_hash LIKE '$2a$10$%'
           FROM bills.billers WHERE biller_id = :'made'::jsonb ->> 'billerId'),
  'the password is stored as a bcrypt hash of cost 10');
SELECT is((SELECT b.code FROM khata.books b JOIN bills.billers x ON x.book_id = b.id
           WHERE x.biller_id = :'made'::jsonb ->> 'billerId'),
  'bills:' || (:'made'::jsonb ->> 'billerId'), 'each biller has a khata book of its own');

SELECT throws_ok($$ SELECT bills.create_biller('owner@example.com', 'secret-2', 'Again') $$,
  '23505', NULL, 'an email is one biller''s');
SELECT throws_ok($$ SELECT bills.create_biller('x@example.com', 'secret-2', 'X', 'retail') $$,
  '22023', NULL, 'a category other than offline or donation is refused');

SELECT isnt(bills.rotate_api_key(:'made'::jsonb ->> 'billerId'), :'made'::jsonb ->> 'apiKey',
  'rotating gives a new key');
SELECT isnt((SELECT api_key_hash FROM bills.billers WHERE biller_id = :'made'::jsonb ->> 'billerId'),
  sha256(convert_to(:'made'::jsonb ->> 'apiKey', 'UTF8')), 'and the old key no longer matches');

SELECT set_eq(
  $$ SELECT method || ' ' || path || ' ' || auth FROM khata.routes WHERE app = 'bills' $$,
  ARRAY['POST /biller/login/ none', 'GET /customer/ token',
        'POST /customer/upload/:billerId token', 'GET /bills/:customerId token',
        'POST /transaction/ none', 'GET /transaction/:id none', 'PATCH /transaction/:id none'],
  'the spec''s five routes as it writes them, and reading and updating a transaction; the '
  'transaction routes check the X-API-Key themselves');

SELECT * FROM finish();
ROLLBACK;
