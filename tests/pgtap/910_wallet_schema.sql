-- The wallet's tables: operations name users and agents by id without foreign keys, so
-- neither is ever deleted.
BEGIN;
SELECT plan(4);

SELECT throws_ok($$ DELETE FROM wallet.users $$, '55000', 'wallet.users rows are never deleted',
  'a user cannot be deleted');
SELECT throws_ok($$ TRUNCATE wallet.users CASCADE $$, '55000', 'wallet.users rows are never deleted',
  'nor truncated');
SELECT throws_ok($$ DELETE FROM wallet.agents $$, '55000', 'wallet.agents rows are never deleted',
  'an agent cannot be deleted');
SELECT throws_ok($$ TRUNCATE wallet.agents $$, '55000', 'wallet.agents rows are never deleted',
  'nor truncated');

SELECT * FROM finish();
ROLLBACK;
