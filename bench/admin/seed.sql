-- Seeds a migrated Spotlight database on PostgreSQL for the admin console benchmark:
-- 100,000 users registered over 400 days, 40,000 sessions (some used in the last day), 300,000 audit entries.
-- Ids are UUID v7 made from each row's own time, as the application makes them, so keyset pages behave as in production.
\set ON_ERROR_STOP on
CREATE FUNCTION pg_temp.v7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
          || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text), 1, 15))::uuid
$$;

INSERT INTO users ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "SecurityStamp",
                   "ConcurrencyStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount",
                   "DisplayName", "Roles", "Tier", "CreatedAt", "FollowerCount", "FollowingCount", "BannedAt", "BanReason")
SELECT pg_temp.v7(created), 'bench_' || n, upper('bench_' || n), 'bench_' || n || '@example.com', upper('bench_' || n || '@example.com'),
       true, md5(n::text), md5(n::text || 'c'), false, false, true, 0, 'Bench user ' || n,
       CASE WHEN n % 50 = 0 THEN 'user,creator' ELSE 'user' END, CASE WHEN n % 10 = 0 THEN 'premium' ELSE 'free' END,
       created, 0, 0, CASE WHEN n % 997 = 0 THEN created + interval '1 day' END, CASE WHEN n % 997 = 0 THEN 'spam' END
FROM (SELECT n, now() - (100000 - n) * interval '345 seconds' AS created FROM generate_series(1, 100000) AS n) AS s;

INSERT INTO sessions ("Id", "UserId", "UserAgent", "Ip", "CreatedAt", "LastUsedAt", "ExpiresAt")
SELECT pg_temp.v7(used), u."Id", 'SpotlightApp/1.0 (bench)', '10.0.' || (n % 250) || '.' || (n % 200), used, used, used + interval '30 days'
FROM (SELECT n, now() - (n % 4320) * interval '1 minute' AS used, 1 + (n::bigint * 7919) % 100000 AS k FROM generate_series(1, 40000) AS n) AS s
JOIN users u ON u."UserName" = 'bench_' || s.k;

INSERT INTO audit_entries ("Id", "At", "ActorId", "Action", "TargetType", "TargetId", "Ip", "RequestId", "Details")
SELECT pg_temp.v7(at), at, u."Id",
       CASE WHEN n % 100 = 0 THEN 'user.banned' WHEN n % 7 = 0 THEN 'auth.login_failed' WHEN n % 3 = 0 THEN 'user.registered' ELSE 'auth.login_succeeded' END,
       'user', u."Id"::text, '10.0.0.' || (n % 250), md5(n::text), '{"bench":true}'
FROM (SELECT n, now() - (300000 - n) * interval '115 seconds' AS at, 1 + (n::bigint * 104729) % 100000 AS k FROM generate_series(1, 300000) AS n) AS s
JOIN users u ON u."UserName" = 'bench_' || s.k;

ANALYZE;
SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM audit_entries) AS audit_entries;
