#!/usr/bin/env python3
"""Seeds a running Spotlight for the content benchmark, through the public API where a client would, and with SQL only
for the bulk that no client makes in one sitting (1,000,000 posts, 32,000 follows).

usage: seed.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD OUT_DIR PSQL_URL|sqlite:PATH
Environment: CREATORS (2000), READERS (64), FOLLOWS (500 per reader), POSTS (1000000), LIKERS (2000), BUYERS (200),
PREMIUM_POSTS (200).
Writes to OUT_DIR: readers.txt (reader tokens), buyers.txt (buyer tokens), premium.txt (premium post ids),
likers.txt (liker tokens), hot_post.txt (the post the likers like), creators.txt (creator ids), creator_tokens.txt."""
import json, os, subprocess, sys, uuid, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor

base, admin_email, admin_password, out, database = sys.argv[1:6]
creators = int(os.environ.get("CREATORS", 2000))
readers = int(os.environ.get("READERS", 64))
follows = int(os.environ.get("FOLLOWS", 500))
posts = int(os.environ.get("POSTS", 1000000))
likers = int(os.environ.get("LIKERS", 2000))
buyers = int(os.environ.get("BUYERS", 200))
premium_posts = int(os.environ.get("PREMIUM_POSTS", 200))


def call(method, path, body=None, token=None, headers=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            text = response.read().decode()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{method} {path}: {error.code} {error.read().decode()[:300]}")


admin = call("POST", "/api/v1/auth/login", {"email": admin_email, "password": admin_password})["accessToken"]
run = uuid.uuid4().hex[:6]


def register(i, kind):
    handle = f"b{kind}{run}_{i}"
    password = "Bench-" + uuid.uuid4().hex
    tokens = call("POST", "/api/v1/auth/register", {"email": f"{handle}@bench.example", "password": password, "handle": handle})
    return tokens["user"]["id"], tokens["accessToken"], f"{handle}@bench.example", password


def make_creator(user):
    # A role change ends the account's sessions (the tokens carry the old roles): sign in again as a creator.
    call("PUT", f"/api/v1/admin/users/{user[0]}/roles", {"roles": ["user", "creator"]}, admin)
    return user[0], call("POST", "/api/v1/auth/login", {"email": user[2], "password": user[3]})["accessToken"]


def fund(user, coins):
    call("POST", f"/api/v1/admin/wallets/{user[0]}/adjustments", {"amount": coins, "reason": "benchmark funding"}, admin, {"Idempotency-Key": uuid.uuid4().hex})


with ThreadPoolExecutor(16) as pool:
    made_creators = list(pool.map(make_creator, pool.map(lambda i: register(i, "c"), range(creators))))
    made_readers = list(pool.map(lambda i: register(i, "r"), range(readers)))
    made_likers = list(pool.map(lambda i: register(i, "l"), range(likers)))
    made_buyers = list(pool.map(lambda i: register(i, "b"), range(buyers)))
    list(pool.map(lambda b: fund(b, 100000000), made_buyers))
    # Premium posts through the API (their creators' tokens), and one public hot post for the likes.
    premium = list(pool.map(lambda i: call("POST", "/api/v1/posts", {"text": f"premium {i} #bench", "visibility": "premium", "price": 10},
                                           made_creators[i % creators][1])["id"], range(premium_posts)))
hot = call("POST", "/api/v1/posts", {"text": "the hot post #bench", "visibility": "public"}, made_creators[0][1])["id"]

# The bulk: every reader follows FOLLOWS creators; POSTS public posts spread over all creators and the last 90 days,
# with UUID v7-shaped ids (time first) as the server makes them.
creator_ids = [c[0] for c in made_creators]
sql = f"""
CREATE TEMP TABLE bench_creators(n int, id uuid);
INSERT INTO bench_creators SELECT ord - 1, id::uuid FROM unnest(ARRAY[{','.join("'" + c + "'" for c in creator_ids)}]) WITH ORDINALITY AS t(id, ord);
INSERT INTO follows ("Id", "FollowerId", "FolloweeId", "CreatedAt")
SELECT gen_random_uuid(), r.id::uuid, c.id, now() FROM unnest(ARRAY[{','.join("'" + r[0] + "'" for r in made_readers)}]) AS r(id)
JOIN bench_creators c ON c.n < {follows} ON CONFLICT DO NOTHING;
INSERT INTO "Posts" ("Id", "AuthorId", "Text", "Visibility", "Pinned", "CommentsClosed", "LikeCount", "CommentCount", "UnlockCount", "CreatedAt")
SELECT (lpad(to_hex((extract(epoch FROM t.at) * 1000)::bigint), 12, '0') || '7' || substr(md5(g::text), 1, 3) || '8' || substr(md5(g::text), 4, 15))::uuid,
       c.id, 'bench post ' || g || ' #bench', 'public', false, false, (g % 50), (g % 7), 0, t.at
FROM generate_series(1, {posts}) AS g
CROSS JOIN LATERAL (SELECT now() - ((g::double precision / {posts}) * interval '90 days') AS at) AS t
JOIN bench_creators c ON c.n = g % {creators};
-- The for-you rank the ranking's event handlers would have stored for each of them (docs/content.md's formula, default weights).
INSERT INTO post_ranks ("PostId", "AuthorId", "Freshness", "GiftCoins", "Score", "Rank", "UpdatedAt")
SELECT p."Id", p."AuthorId", f.freshness, 0, f.score, log(1 + f.score) + f.freshness, now()
FROM "Posts" p
CROSS JOIN LATERAL (SELECT extract(epoch FROM p."CreatedAt" - timestamptz '2025-01-01 00:00:00+00') / 45000 AS freshness,
                           (p."LikeCount" + 3 * p."CommentCount")::double precision AS score) AS f
WHERE NOT EXISTS (SELECT 1 FROM post_ranks r WHERE r."PostId" = p."Id");
-- What autovacuum does on a live server after a bulk load: the visibility map lets the feed's index-only scans skip the heap.
VACUUM ANALYZE;
"""
if database.startswith("sqlite:"):
    raise SystemExit("the bulk seed is written for PostgreSQL; run the content benchmark with postgres")
subprocess.run(["psql", database, "-q", "-v", "ON_ERROR_STOP=1"], input=sql.encode(), check=True)


def write(name, lines):
    with open(f"{out}/{name}", "w") as f:
        f.write("\n".join(lines) + "\n")


write("readers.txt", [r[1] for r in made_readers])
write("likers.txt", [l[1] for l in made_likers])
write("buyers.txt", [b[1] for b in made_buyers])
write("premium.txt", premium)
write("hot_post.txt", [hot])
write("creators.txt", creator_ids)
write("creator_tokens.txt", [c[1] for c in made_creators])
print(f"seeded {creators} creators, {readers} readers following {follows} each, {posts} posts, {likers} likers, {buyers} buyers, {premium_posts} premium posts")
