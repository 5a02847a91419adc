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
