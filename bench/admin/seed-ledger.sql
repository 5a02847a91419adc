-- Seeds the ledger of the admin console benchmark on PostgreSQL, after seed.sql (it needs the 100,000 users):
-- 20,000 fans who topped up, 240,000 gifts to 2,000 creators over 89 days, 1,000 adjustments, 2,000 payouts (1,600
-- paid, 200 rejected, 200 waiting) and 200 reversed gifts: 1,010,400 ledger entries. Everything is posted as the wallet
-- posts it (double entry, the gift split 85/10/5, stored balances equal to the sum of entries, a running balance on
-- every user entry, the top-ups and payouts the clearing accounts stand for), so the reconciliation must find it
-- balanced. Account ids are the wallet's name-based UUIDs (LedgerAccountRef.IdFor); transaction ids are UUID v7 from
-- each transaction's own time, as the application makes them.
\set ON_ERROR_STOP on
CREATE FUNCTION pg_temp.v7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
          || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text), 1, 15))::uuid
$$;
-- SHA-256 of "spotlight-ledger:" + key, first 16 bytes, version 8 and RFC 4122 variant bits: LedgerAccountRef.IdFor.
CREATE FUNCTION pg_temp.account_id(key text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(set_byte(set_byte(h, 6, (get_byte(h, 6) & 15) | 128), 8, (get_byte(h, 8) & 63) | 128), 'hex')::uuid
  FROM (SELECT substring(sha256(convert_to('spotlight-ledger:' || key, 'UTF8')) FROM 1 FOR 16) AS h) AS s
$$;
CREATE FUNCTION pg_temp.user_key(kind text, id uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT kind || ':' || replace(id::text, '-', '') $$;

-- The platform's accounts (the application creates the same rows on its first posting; ON CONFLICT keeps either).
INSERT INTO ledger_accounts ("Id", "Kind", "OwnerId", "Key", "Balance", "CreatedAt")
SELECT pg_temp.account_id(k), split_part(k, ':', 1), NULL, k, 0, now() - interval '91 days'
FROM unnest(ARRAY['revenue', 'processor_fees', 'payout_clearing', 'payouts_paid', 'adjustments', 'topup_clearing:sandbox']) AS k
ON CONFLICT ("Id") DO NOTHING;

CREATE TEMP TABLE fans AS
SELECT row_number() OVER (ORDER BY u."Id") AS f, u."Id" AS id, pg_temp.account_id(pg_temp.user_key('wallet', u."Id")) AS wallet
FROM users u WHERE substring(u."UserName" FROM 7)::int % 5 = 1;
CREATE TEMP TABLE creators AS
SELECT row_number() OVER (ORDER BY u."Id") AS c, u."Id" AS id, pg_temp.account_id(pg_temp.user_key('earnings', u."Id")) AS earnings
FROM users u WHERE u."Roles" = 'user,creator';
CREATE UNIQUE INDEX ON fans (f);
CREATE UNIQUE INDEX ON creators (c);
ANALYZE fans;
ANALYZE creators;

INSERT INTO ledger_accounts ("Id", "Kind", "OwnerId", "Key", "Balance", "CreatedAt")
SELECT wallet, 'wallet', id, pg_temp.user_key('wallet', id), 0, now() - interval '91 days' FROM fans
UNION ALL
SELECT earnings, 'earnings', id, pg_temp.user_key('earnings', id), 0, now() - interval '91 days' FROM creators;

-- Every movement, before it becomes a transaction and its entries: kind, time, amount, who.
CREATE TEMP TABLE moves (
  id uuid PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, amount bigint NOT NULL,
  fan uuid, fan_wallet uuid, creator uuid, creator_earnings uuid, ref text, n int, reverses uuid);

-- One top-up of 6,500 coins per fan, all in the first hours of the period.
INSERT INTO moves SELECT pg_temp.v7(at), 'topup', at, 6500, f.id, f.wallet, NULL, NULL, NULL, f.f::int, NULL
FROM (SELECT f.*, now() - interval '90 days' + f.f * interval '1 second' AS at FROM fans f) AS f;

-- 240,000 gifts of 20, 50 or 100 coins (four entries each at 85/10/5), evenly over the 89 days since.
INSERT INTO moves SELECT pg_temp.v7(g.at), 'gift', g.at, g.amount, f.id, f.wallet, c.id, c.earnings, NULL, g.g, NULL
FROM (SELECT g, now() - interval '89 days' + g * interval '32 seconds' AS at, (ARRAY[20, 50, 100])[1 + g % 3] AS amount,
             1 + (g::bigint * 7919) % 20000 AS f, 1 + (g::bigint * 104729) % 2000 AS c
      FROM generate_series(1, 240000) AS g) AS g
JOIN fans f ON f.f = g.f JOIN creators c ON c.c = g.c;

-- 1,000 goodwill credits by an administrator.
INSERT INTO moves SELECT pg_temp.v7(a.at), 'adjustment', a.at, 100, f.id, f.wallet, NULL, NULL, NULL, a.a, NULL
FROM (SELECT a, now() - interval '60 days' + a * interval '1 hour' AS at, 1 + (a * 17) % 20000 AS f FROM generate_series(1, 1000) AS a) AS a
JOIN fans f ON f.f = a.f;

-- A payout of 500 per creator ten days ago; 8 in 10 paid a day later, 1 in 10 rejected, 1 in 10 still waiting.
CREATE TEMP TABLE payouts AS
SELECT gen_random_uuid() AS id, c.id AS creator, c.earnings, c.c, now() - interval '10 days' + c.c * interval '1 minute' AS at,
       CASE WHEN c.c % 10 < 8 THEN 'paid' WHEN c.c % 10 = 8 THEN 'rejected' ELSE 'requested' END AS status
FROM creators c;
INSERT INTO moves SELECT pg_temp.v7(p.at), 'payout_request', p.at, 500, NULL, NULL, p.creator, p.earnings, 'payout:' || p.id || ':request', p.c::int, NULL FROM payouts p;
INSERT INTO moves SELECT pg_temp.v7(p.at + interval '1 day'), 'payout_paid', p.at + interval '1 day', 500, NULL, NULL, p.creator, p.earnings, 'payout:' || p.id || ':paid', p.c::int, NULL
FROM payouts p WHERE p.status = 'paid';
INSERT INTO moves SELECT pg_temp.v7(p.at + interval '1 day'), 'payout_rejected', p.at + interval '1 day', 500, NULL, NULL, p.creator, p.earnings, 'payout:' || p.id || ':rejected', p.c::int, NULL
FROM payouts p WHERE p.status = 'rejected';

-- 200 gifts reversed an hour after they were sent.
INSERT INTO moves SELECT pg_temp.v7(m.at + interval '1 hour'), 'reversal', m.at + interval '1 hour', m.amount, m.fan, m.fan_wallet, m.creator, m.creator_earnings, NULL, m.n, m.id
FROM moves m WHERE m.kind = 'gift' AND m.n % 1200 = 0;
ANALYZE moves;

INSERT INTO ledger_transactions ("Id", "Type", "Amount", "InitiatorId", "Reference", "ReversesId", "Memo", "Metadata", "CreatedAt")
SELECT m.id, m.kind, m.amount,
       CASE WHEN m.kind IN ('gift') THEN m.fan WHEN m.kind = 'payout_request' THEN m.creator WHEN m.kind IN ('adjustment', 'payout_paid', 'payout_rejected', 'reversal')
            THEN (SELECT "Id" FROM users WHERE "UserName" = 'bench_1') END,
       COALESCE(m.ref, CASE WHEN m.kind = 'topup' THEN 'topup:' || m.id END),
       m.reverses,
       CASE m.kind WHEN 'adjustment' THEN 'Goodwill for the outage' WHEN 'payout_rejected' THEN 'Bank details do not match' WHEN 'reversal' THEN 'Chargeback' END,
       CASE m.kind WHEN 'gift' THEN '{"giftId":"' || CASE m.amount WHEN 20 THEN 'star' WHEN 50 THEN 'heart' ELSE 'rocket' END || '","quantity":'
                                     || CASE m.amount WHEN 20 THEN 2 WHEN 50 THEN 10 ELSE 1 END || '}'
                   WHEN 'reversal' THEN '{"reversedType":"gift","allowNegative":false}' END,
       m.at
FROM moves m;

-- The entries: a gift's split is 85 % to the creator and 5 % to the processor (rounded down), the rest to the platform.
CREATE TEMP TABLE lines AS
SELECT m.id AS tx, m.kind, m.at, x.account, x.amount, x.counterparty, x.is_user
FROM moves m
CROSS JOIN LATERAL (
  SELECT * FROM (VALUES
    -- top-up: the provider's clearing account pays the fan's wallet
    (m.kind = 'topup', pg_temp.account_id('topup_clearing:sandbox'), -m.amount, NULL::uuid, false),
    (m.kind = 'topup', m.fan_wallet, m.amount, NULL::uuid, true),
    -- gift and its reversal (the same entries, negated)
    (m.kind IN ('gift', 'reversal'), m.fan_wallet, -m.amount * (CASE WHEN m.kind = 'gift' THEN 1 ELSE -1 END), m.creator, true),
    (m.kind IN ('gift', 'reversal'), m.creator_earnings, (m.amount * 85 / 100) * (CASE WHEN m.kind = 'gift' THEN 1 ELSE -1 END), m.fan, true),
    (m.kind IN ('gift', 'reversal'), pg_temp.account_id('revenue'), (m.amount - m.amount * 85 / 100 - m.amount * 5 / 100) * (CASE WHEN m.kind = 'gift' THEN 1 ELSE -1 END), NULL, false),
    (m.kind IN ('gift', 'reversal'), pg_temp.account_id('processor_fees'), (m.amount * 5 / 100) * (CASE WHEN m.kind = 'gift' THEN 1 ELSE -1 END), NULL, false),
    -- adjustment: the platform's adjustments account credits the fan
    (m.kind = 'adjustment', m.fan_wallet, m.amount, NULL, true),
    (m.kind = 'adjustment', pg_temp.account_id('adjustments'), -m.amount, m.fan, false),
    -- payouts: earnings → payout_clearing → payouts_paid, or back to earnings
    (m.kind = 'payout_request', m.creator_earnings, -m.amount, NULL, true),
    (m.kind = 'payout_request', pg_temp.account_id('payout_clearing'), m.amount, NULL, false),
    (m.kind = 'payout_paid', pg_temp.account_id('payout_clearing'), -m.amount, NULL, false),
    (m.kind = 'payout_paid', pg_temp.account_id('payouts_paid'), m.amount, m.creator, false),
    (m.kind = 'payout_rejected', pg_temp.account_id('payout_clearing'), -m.amount, NULL, false),
    (m.kind = 'payout_rejected', m.creator_earnings, m.amount, NULL, true)
  ) AS v(applies, account, amount, counterparty, is_user)
  WHERE v.applies
) AS x(applies, account, amount, counterparty, is_user);

INSERT INTO ledger_entries ("TransactionId", "AccountId", "Amount", "BalanceAfter", "CounterpartyId", "Type", "CreatedAt")
SELECT l.tx, l.account, l.amount,
       CASE WHEN l.is_user THEN sum(l.amount) OVER (PARTITION BY l.account ORDER BY l.at, l.tx) END,
       l.counterparty, l.kind, l.at
FROM lines l;

-- Stored balances are the sum of the entries (platform accounts keep 0: theirs is derived).
UPDATE ledger_accounts a SET "Balance" = s.total
FROM (SELECT "AccountId", sum("Amount") AS total FROM ledger_entries GROUP BY "AccountId") AS s
WHERE a."Id" = s."AccountId" AND a."OwnerId" IS NOT NULL;

-- What the clearing accounts stand for: the credited top-ups and the payouts.
INSERT INTO wallet_topups ("Id", "UserId", "PackageId", "Coins", "Price", "Currency", "Provider", "Status", "CreatedAt", "CreditedAt", "TransactionId")
SELECT gen_random_uuid(), m.fan, 'coins_6500', 6500, 4999, 'usd', 'sandbox', 'succeeded', m.at - interval '1 minute', m.at, m.id FROM moves m WHERE m.kind = 'topup';
INSERT INTO wallet_payouts ("Id", "CreatorId", "Amount", "Status", "RequestedAt", "DecidedAt", "DecidedBy", "PaidAt", "Provider", "ProviderReference", "RejectionReason")
SELECT p.id, p.creator, 500, p.status, p.at,
       CASE WHEN p.status <> 'requested' THEN p.at + interval '1 day' END,
       CASE WHEN p.status <> 'requested' THEN (SELECT "Id" FROM users WHERE "UserName" = 'bench_1') END,
       CASE WHEN p.status = 'paid' THEN p.at + interval '1 day' END,
       CASE WHEN p.status <> 'requested' THEN 'sandbox' END,
       CASE WHEN p.status = 'paid' THEN 'sandbox_po_' || replace(p.id::text, '-', '') END,
       CASE WHEN p.status = 'rejected' THEN 'Bank details do not match' END
FROM payouts p;

ANALYZE;
SELECT (SELECT count(*) FROM ledger_transactions) AS ledger_transactions, (SELECT count(*) FROM ledger_entries) AS ledger_entries,
       (SELECT count(*) FROM ledger_accounts WHERE "Balance" < 0) AS negative_balances;
