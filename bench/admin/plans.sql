-- The queries behind the console's list pages and dashboard, as EF Core sends them to PostgreSQL (copied from the
-- server's Microsoft.EntityFrameworkCore.Database.Command log with BENCH_SQL_LOG=Information), with the parameters
-- inlined. :user_id and :actor are replaced by run.sh.
\pset pager off
\echo '== Users, first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT u."Id", u."UserName", u."Email", u."Roles", u."Tier", u."CreatedAt", u."BannedAt" FROM users AS u ORDER BY u."Id" DESC LIMIT 26;
\echo '== Users, a page in the middle (keyset cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT u."Id", u."UserName" FROM users AS u WHERE u."Id" < ':user_id' ORDER BY u."Id" DESC LIMIT 26;
\echo '== Users, search matching one account'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT u."Id", u."UserName" FROM users AS u WHERE u."NormalizedEmail" LIKE '%BENCH_54321@%' OR u."NormalizedUserName" LIKE '%BENCH_54321@%' ORDER BY u."Id" DESC LIMIT 26;
\echo '== Users, search matching none'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT u."Id", u."UserName" FROM users AS u WHERE u."NormalizedEmail" LIKE '%NOBODY-AT-ALL%' OR u."NormalizedUserName" LIKE '%NOBODY-AT-ALL%' ORDER BY u."Id" DESC LIMIT 26;
\echo '== Users, search matching many'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT u."Id", u."UserName" FROM users AS u WHERE u."NormalizedEmail" LIKE '%BENCH_9%' OR u."NormalizedUserName" LIKE '%BENCH_9%' ORDER BY u."Id" DESC LIMIT 26;
\echo '== Audit log, first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT a."Id", a."Action", a."ActorId", a."At" FROM audit_entries AS a ORDER BY a."Id" DESC LIMIT 51;
\echo '== Audit log, by actor'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT a."Id", a."Action", a."ActorId", a."At" FROM audit_entries AS a
  WHERE a."ActorId" = (SELECT "Id" FROM users WHERE "NormalizedUserName" = upper(':actor')) ORDER BY a."Id" DESC LIMIT 51;
\echo '== Audit log, by action'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT a."Id", a."Action", a."ActorId", a."At" FROM audit_entries AS a WHERE a."Action" = 'user.banned' ORDER BY a."Id" DESC LIMIT 51;
\echo '== Audit log, by target'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT a."Id", a."Action", a."ActorId", a."At" FROM audit_entries AS a WHERE a."TargetId" = ':user_id' ORDER BY a."Id" DESC LIMIT 51;
\echo '== Audit log, one day'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT a."Id", a."Action", a."ActorId", a."At" FROM audit_entries AS a
  WHERE a."At" >= '2026-06-01' AND a."At" < '2026-06-02' ORDER BY a."Id" DESC LIMIT 51;
\echo '== User page: entries about or by the account'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT a."Id", a."Action" FROM audit_entries AS a WHERE a."TargetId" = ':user_id' OR a."ActorId" = ':user_id' ORDER BY a."Id" DESC LIMIT 21;
\echo '== Dashboard: registrations per day, 30 days'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT to_char("CreatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "Day", count(*) AS "Count" FROM users WHERE "CreatedAt" >= now() - interval '30 days' GROUP BY 1;
\echo '== Dashboard: users'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*)::int FROM users AS u;
\echo '== Dashboard: active in the last 24 h'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*)::int FROM (SELECT DISTINCT s."UserId" FROM sessions AS s WHERE s."LastUsedAt" >= now() - interval '24 hours') AS s0;
-- The money pages (1,010,400 ledger entries). :creator, :fan_id, :tx_middle, :reversed and :day are replaced by run.sh.
\echo '== Money, first page (51 transactions)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l."Id", l."Type", l."Amount", l."CreatedAt" FROM ledger_transactions AS l ORDER BY l."Id" DESC LIMIT 51;
\echo '== Money, a page in the middle (keyset cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l."Id", l."Type", l."Amount", l."CreatedAt" FROM ledger_transactions AS l WHERE l."Id" < ':tx_middle' ORDER BY l."Id" DESC LIMIT 51;
\echo '== Money, one type (common: gift)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l."Id", l."Type", l."Amount", l."CreatedAt" FROM ledger_transactions AS l WHERE l."Type" = 'gift' ORDER BY l."Id" DESC LIMIT 51;
\echo '== Money, one type (rare: reversal)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l."Id", l."Type", l."Amount", l."CreatedAt" FROM ledger_transactions AS l WHERE l."Type" = 'reversal' ORDER BY l."Id" DESC LIMIT 51;
\echo '== Money, one day'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l."Id", l."Type", l."Amount", l."CreatedAt" FROM ledger_transactions AS l
  WHERE l."CreatedAt" >= ':day'::timestamptz AND l."CreatedAt" < ':day'::timestamptz + interval '1 day' ORDER BY l."Id" DESC LIMIT 51;
\echo '== Money, one type on one day'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l."Id", l."Type", l."Amount", l."CreatedAt" FROM ledger_transactions AS l
  WHERE l."Type" = 'adjustment' AND l."CreatedAt" >= ':day'::timestamptz AND l."CreatedAt" < ':day'::timestamptz + interval '1 day' ORDER BY l."Id" DESC LIMIT 51;
\echo '== Money, one user: the entries of their wallet (and the same for their earnings account)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT e."TransactionId" FROM ledger_entries AS e
  WHERE e."AccountId" = (SELECT "Id" FROM ledger_accounts WHERE "OwnerId" = ':fan_id' AND "Kind" = 'wallet') ORDER BY e."TransactionId" DESC LIMIT 51;
\echo '== Money, one user and a rare type (a creator'"'"'s rejected payouts, on their earnings account)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT e."TransactionId" FROM ledger_entries AS e
  WHERE e."AccountId" = (SELECT "Id" FROM ledger_accounts WHERE "OwnerId" = ':creator' AND "Kind" = 'earnings') AND e."Type" = 'payout_rejected'
  ORDER BY e."TransactionId" DESC LIMIT 51;
\echo '== Money, a page'"'"'s entries with their accounts (51 transactions)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT e."TransactionId", a."Key", a."Kind", a."OwnerId", e."Amount", e."BalanceAfter", e."CounterpartyId"
  FROM ledger_entries AS e JOIN ledger_accounts AS a ON e."AccountId" = a."Id"
  WHERE e."TransactionId" IN (SELECT "Id" FROM ledger_transactions WHERE "Id" < ':tx_middle' ORDER BY "Id" DESC LIMIT 51);
\echo '== Money, a page'"'"'s reversals'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l."ReversesId", l."Id" FROM ledger_transactions AS l
  WHERE l."ReversesId" IN (SELECT "Id" FROM ledger_transactions WHERE "Id" < ':tx_middle' ORDER BY "Id" DESC LIMIT 51);
\echo '== Transaction page (a reversed gift)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT l.* FROM ledger_transactions AS l WHERE l."Id" = ':reversed' LIMIT 2;
\echo '== Payouts, pending queue (51)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.* FROM wallet_payouts AS w WHERE w."Status" IN ('requested', 'approved') ORDER BY w."Id" DESC LIMIT 51;
\echo '== Payouts, paid (51)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.* FROM wallet_payouts AS w WHERE w."Status" = 'paid' ORDER BY w."Id" DESC LIMIT 51;
\echo '== Dashboard money: coins topped up, gifted, subscribed, paid out per UTC day, 30 days (a node'"'"'s first read, then every 10 minutes)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT date_trunc('day', l."CreatedAt", 'UTC') AS "Date", l."Type", COALESCE(sum(l."Amount"), 0)::bigint AS "Amount"
  FROM ledger_transactions AS l
  WHERE l."CreatedAt" >= date_trunc('day', now(), 'UTC') - interval '29 days' AND l."CreatedAt" < date_trunc('day', now(), 'UTC') + interval '1 day'
    AND l."Type" IN ('topup', 'gift', 'subscription', 'payout_paid')
  GROUP BY date_trunc('day', l."CreatedAt", 'UTC'), l."Type";
\echo '== Dashboard money: coins topped up, gifted, subscribed, paid out today (what a dashboard load reads: the days before are kept in memory by ClosedDayTotals)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT date_trunc('day', l."CreatedAt", 'UTC') AS "Date", l."Type", COALESCE(sum(l."Amount"), 0)::bigint AS "Amount"
  FROM ledger_transactions AS l
  WHERE l."CreatedAt" >= date_trunc('day', now(), 'UTC') AND l."CreatedAt" < date_trunc('day', now(), 'UTC') + interval '1 day'
    AND l."Type" IN ('topup', 'gift', 'subscription', 'payout_paid')
  GROUP BY date_trunc('day', l."CreatedAt", 'UTC'), l."Type";
SELECT "Id" AS revenue_id FROM ledger_accounts WHERE "Key" = 'revenue' \gset
\echo '== Dashboard money: platform revenue today'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT date_trunc('day', e."CreatedAt", 'UTC') AS "Date", COALESCE(sum(e."Amount"), 0)::bigint AS "Amount"
  FROM ledger_entries AS e
  WHERE e."AccountId" = :'revenue_id' AND e."CreatedAt" >= date_trunc('day', now(), 'UTC') AND e."CreatedAt" < date_trunc('day', now(), 'UTC') + interval '1 day'
  GROUP BY date_trunc('day', e."CreatedAt", 'UTC');
\echo '== Dashboard money: platform revenue per UTC day, 30 days (a node'"'"'s first read, then every 10 minutes)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT date_trunc('day', e."CreatedAt", 'UTC') AS "Date", COALESCE(sum(e."Amount"), 0)::bigint AS "Amount"
  FROM ledger_entries AS e
  WHERE e."AccountId" = :'revenue_id' AND e."CreatedAt" >= date_trunc('day', now(), 'UTC') - interval '29 days' AND e."CreatedAt" < date_trunc('day', now(), 'UTC') + interval '1 day'
  GROUP BY date_trunc('day', e."CreatedAt", 'UTC');
\echo '== Dashboard money: pending payouts (count and coins)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*)::int, COALESCE(sum(w."Amount"), 0)::bigint FROM wallet_payouts AS w WHERE w."Status" IN ('requested', 'approved');
\echo '== Dashboard money: last reconciliation'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT r."CheckedAt", r."Balanced" FROM ledger_reconciliations AS r ORDER BY r."CheckedAt" DESC LIMIT 1;
\echo '== User page of a creator: payouts by status'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w."Status", count(*)::int, COALESCE(sum(w."Amount"), 0)::bigint FROM wallet_payouts AS w WHERE w."CreatorId" = ':creator' GROUP BY w."Status";
