// The SDK against a real Spotlight server started here (SQLite; PostgreSQL with SPOTLIGHT_TEST_PROVIDER=postgres).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  MemoryTokenStorage, RealtimeClient, RealtimeError, SessionEndedError, SpotlightClient, SpotlightProblem, type GiftEvent, type LiveEndedEvent, type Message,
} from "../src/index.js";
import { eventually, generation, newUser, password, recordingFetch, startServer, topUp, uniqueHandle, type TestServer } from "./helpers.js";

let server: TestServer;
// An administrator, made by the server's own command (a dotnet process start: it runs while the first tests do).
const adminHandle = uniqueHandle("admin");
let adminCreated: Promise<{ code: number | null; output: string }>;
before(async () => {
  server = await startServer();
  adminCreated = server.command(["admin", "create", "--email", `${adminHandle}@example.com`, "--password-stdin"], `${password}\n`);
});
after(async () => {
  await server?.stop();
});

describe("generated types", () => {
  it("src/generated/openapi.ts is what openapi-typescript makes of this server's document (else: npm run generate)", async () => {
    const generated = await generation.generateTypes(await generation.fetchDocument(server.baseUrl));
    assert.ok(generation.checkedIn() === generated, "src/generated/openapi.ts differs from the server's /openapi/v1.json: run `npm run generate` in clients/typescript and commit it");
  });
});

describe("tokens", () => {
  it("refreshes once for 20 concurrent calls that get 401, and every call then succeeds", async () => {
    const recorder = recordingFetch();
    const { client, user } = await newUser(server.baseUrl, "flight", { fetch: recorder.fetch });
    const token = (await client.accessToken())!;
    // A token the server refuses (its signature changed): every call gets 401 at once.
    const last = token.at(-2) === "A" ? "B" : "A";
    client.setAccessToken(`${token.slice(0, -2)}${last}${token.at(-1)}`);
    recorder.calls.length = 0;

    const results = await Promise.all(Array.from({ length: 20 }, () => client.me()));

    assert.equal(results.length, 20);
    for (const me of results) assert.equal(me.id, user.id);
    assert.equal(recorder.calls.filter((c) => c.path === "/api/v1/auth/refresh").length, 1);
    // The one refresh spent the token properly: the session goes on (a second refresh with it would have revoked it).
    assert.equal((await client.me()).id, user.id);
    const stored = new MemoryTokenStorage();
    await stored.set((await (client as unknown as { storage: MemoryTokenStorage }).storage.get())!);
    const elsewhere = new SpotlightClient({ baseUrl: server.baseUrl, storage: stored });
    assert.equal((await elsewhere.auth.restore())?.id, user.id);
  });

  it("ends the session when the refresh token is refused, and says so once", async () => {
    const storage = new MemoryTokenStorage();
    const { client } = await newUser(server.baseUrl, "ended", { storage });
    const spent = (await storage.get())!;
    await client.refresh(); // spends `spent`
    const ended: SessionEndedError[] = [];
    const thief = new SpotlightClient({ baseUrl: server.baseUrl, onSessionEnded: (e) => ended.push(e) });
    await thief.setSession({ accessToken: "x", refreshToken: spent, expiresIn: 0, user: client.user! });
    await assert.rejects(thief.me(), (e: unknown) => e instanceof SessionEndedError && e.reason === "refresh_token_reused");
    assert.equal(ended.length, 1);
    assert.equal(thief.isSignedIn, false);
    // Reuse revokes the whole family, the honest client's newest token included.
    await assert.rejects(client.refresh(), SessionEndedError);
  });
});

describe("money", () => {
  it("reuses the Idempotency-Key when it retries a transfer whose answer was lost: one charge", async () => {
    let dropped = 0;
    const recorder = recordingFetch(async (url, init, real) => {
      const response = await real();
      if (init.method === "POST" && url.endsWith("/api/v1/wallet/transfers") && dropped++ === 0) {
        throw new TypeError("fetch failed (the connection dropped after the server answered)");
      }
      return response;
    });
    const sender = await newUser(server.baseUrl, "payer", { fetch: recorder.fetch, retry: { baseDelayMs: 10 } });
    const recipient = await newUser(server.baseUrl, "payee");
    await topUp(server.baseUrl, sender.client);
    const before = (await sender.client.wallet.balance()).balance;

    const result = await sender.client.wallet.transfer({ toUserId: recipient.user.id, amount: 30 });

    const transfers = recorder.calls.filter((c) => c.path === "/api/v1/wallet/transfers");
    assert.equal(transfers.length, 2);
    assert.ok(transfers[0]!.headers["Idempotency-Key"]);
    assert.equal(transfers[1]!.headers["Idempotency-Key"], transfers[0]!.headers["Idempotency-Key"]);
    assert.equal(result.idempotencyKey, transfers[0]!.headers["Idempotency-Key"]);
    assert.equal(result.response.headers.get("Idempotent-Replayed"), "true");
    assert.equal((await sender.client.wallet.balance()).balance, before - 30);
    assert.equal((await recipient.client.wallet.balance()).balance, 30);
  });

  it("waits out a 503 with Retry-After and retries a gift with the same key", async () => {
    let refused = 0;
    const recorder = recordingFetch(async (url, init, real) => {
      if (init.method === "POST" && url.endsWith("/api/v1/gifts") && refused++ === 0) {
        return new Response(JSON.stringify({ status: 503, code: "service_unavailable", title: "Service Unavailable" }), {
          status: 503,
          headers: { "Content-Type": "application/problem+json", "Retry-After": "0" },
        });
      }
      return real();
    });
    const sender = await newUser(server.baseUrl, "gifter", { fetch: recorder.fetch });
    const creator = await newUser(server.baseUrl, "creator");
    await topUp(server.baseUrl, sender.client);
    const gift = (await sender.client.gifts.catalog())[0]!;
    const before = (await sender.client.wallet.balance()).balance;
    try {
      await sender.client.gifts.send({ recipientId: creator.user.id, giftId: gift.id, quantity: 1 });
    } catch (error) {
      // A recipient who is not a creator may be refused by the server; the retry and its key are what is checked here.
      assert.ok(error instanceof SpotlightProblem, String(error));
    }
    const gifts = recorder.calls.filter((c) => c.path === "/api/v1/gifts");
    assert.equal(gifts.length, 2);
    assert.equal(gifts[1]!.headers["Idempotency-Key"], gifts[0]!.headers["Idempotency-Key"]);
    const after = (await sender.client.wallet.balance()).balance;
    assert.ok(after === before || after === before - gift.price, `charged ${before - after} for one gift of ${gift.price}`);
  });
});

describe("problems", () => {
  it("throws SpotlightProblem with the stable code, status, requestId and field errors", async () => {
    const { client, email, handle } = await newUser(server.baseUrl, "dupe");

    const fresh = new SpotlightClient({ baseUrl: server.baseUrl });
    await assert.rejects(fresh.auth.register({ email, password, handle: `${handle}2`.slice(0, 30) }), (e: unknown) => {
      assert.ok(e instanceof SpotlightProblem);
      assert.equal(e.status, 409);
      assert.equal(e.code, "email_taken");
      assert.match(e.requestId ?? "", /.+/);
      return true;
    });

    await assert.rejects(client.wallet.transfer({ toUserId: client.user!.id, amount: 1_000_000 }), (e: unknown) =>
      e instanceof SpotlightProblem && (e.code === "insufficient_funds" || e.status === 400));
    const other = await newUser(server.baseUrl, "poor");
    await assert.rejects(client.wallet.transfer({ toUserId: other.user.id, amount: 1_000_000 }), (e: unknown) =>
      e instanceof SpotlightProblem && e.status === 402 && e.code === "insufficient_funds");

    // Without the SDK's key (the raw typed call), the server refuses a money call.
    await assert.rejects(client.request("post", "/api/v1/wallet/transfers", { body: { toUserId: other.user.id, amount: 1 } }), (e: unknown) =>
      e instanceof SpotlightProblem && e.status === 400 && e.code === "idempotency_key_required");

    await assert.rejects(fresh.auth.register({ email: "not-an-email", password: "short", handle: "X" }), (e: unknown) => {
      assert.ok(e instanceof SpotlightProblem);
      assert.equal(e.code, "validation_failed");
      assert.ok(e.errors && Object.keys(e.errors).length > 0);
      return true;
    });
  });
});

describe("realtime", () => {
  it("gives a viewer who joined a live its typed gift and liveEnded events", async () => {
    const created = await adminCreated;
    assert.equal(created.code, 0, created.output);
    const staff = new SpotlightClient({ baseUrl: server.baseUrl });
    await staff.auth.signIn({ email: `${adminHandle}@example.com`, password });
    const creator = await newUser(server.baseUrl, "star");
    await staff.request("put", "/api/v1/admin/users/{id}/roles", { params: { id: creator.user.id }, body: { roles: ["user", "creator"] } });
    // The creator's token predates the role: the server refuses it as stale and the client refreshes by itself.
    const live = await creator.client.request("post", "/api/v1/live", { body: { title: "sdk live" } });

    const viewer = await newUser(server.baseUrl, "fan");
    await topUp(server.baseUrl, viewer.client);
    const realtime = new RealtimeClient(viewer.client, { trackAll: false });
    const gifts: GiftEvent[] = [];
    const ended: LiveEndedEvent[] = [];
    realtime.on("gift", (g) => gifts.push(g));
    realtime.on("liveEnded", (e) => ended.push(e));
    await realtime.start();
    try {
      await realtime.joinLive(live.id);
      const rose = (await viewer.client.gifts.catalog())[0]!;
      const sent = await viewer.client.gifts.send({ recipientId: creator.user.id, giftId: rose.id, quantity: 2, liveSessionId: live.id });
      const gift = await eventually("the gift event", () => gifts[0]);
      assert.equal(gift.transactionId, sent.data.transactionId);
      assert.equal(gift.senderId, viewer.user.id);
      assert.equal(gift.quantity, 2);
      assert.equal(gift.amount, sent.data.amount);
      await creator.client.request("post", "/api/v1/live/{id}/end", { params: { id: live.id } });
      const end = await eventually("the liveEnded event", () => ended[0]);
      assert.equal(end.liveSessionId, live.id);
      await assert.rejects(realtime.joinLive(live.id), (e: unknown) => e instanceof RealtimeError && e.code === "not_found");
    } finally {
      await realtime.stop();
    }
  });

  it("delivers every message exactly once and in order when the server is killed mid-stream and comes back", async () => {
    const sender = await newUser(server.baseUrl, "talker", { retry: { attempts: 100, baseDelayMs: 100, maxDelayMs: 500 } });
    const receiver = await newUser(server.baseUrl, "listener");
    const conversation = await sender.client.conversations.create([receiver.user.id]);
    const total = 60;
    const received: Message[] = [];
    // The receiver may reconnect only when the test says: so some messages are surely posted while it is away.
    let openGate = () => {};
    let gate: Promise<void> = Promise.resolve();
    const accessToken = receiver.client.accessToken.bind(receiver.client);
    receiver.client.accessToken = async () => {
      await gate;
      return accessToken();
    };
    const realtime = new RealtimeClient(receiver.client, { maxReconnectDelayMs: 500 });
    const states: string[] = [];
    let reconnected = 0;
    realtime.on("message", (m) => received.push(m));
    realtime.on("state", (s) => states.push(s));
    realtime.on("reconnected", () => reconnected++);
    await realtime.start();
    let sent = 0;
    const sending = (async () => {
      for (let i = 1; i <= total; i++) {
        await sender.client.conversations.send(conversation.id, `message ${i}`);
        sent = i;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await eventually("the first messages to arrive live", () => received.length >= 10);
      gate = new Promise((r) => (openGate = r));
      await server.restart(); // SIGKILL while the sender is sending: connections drop, nothing is flushed
      // The receiver is held offline, so what it has is frozen; the sender goes on (a message in flight at the kill may
      // have reached the receiver before the sender learnt it was stored: count from what was received).
      await eventually("messages posted while the receiver is away", () => sent - received.length >= 10, 60_000);
      const missed = sent - received.length;
      openGate(); // reconnects and catches up while the sender goes on posting (live events race the catch-up)
      await sending;
      await eventually("all messages", () => received.length >= total, 60_000);
      await new Promise((r) => setTimeout(r, 500)); // anything delivered twice would arrive by now
      assert.ok(missed >= 10, `only ${missed} messages were posted while the receiver was away`);
    } finally {
      openGate();
      await realtime.stop();
    }
    assert.ok(reconnected >= 1, "the client reconnected");
    assert.ok(states.includes("reconnecting"), `states: ${states.join(", ")}`);
    assert.deepEqual(received.map((m) => m.sequence), Array.from({ length: total }, (_, i) => i + 1));
    assert.deepEqual(received.map((m) => m.text), Array.from({ length: total }, (_, i) => `message ${i + 1}`));
    assert.equal(new Set(received.map((m) => m.id)).size, total);
  });

  it("catches up what was posted while it was offline, merged with live events by sequence", async () => {
    const a = await newUser(server.baseUrl, "alice");
    const b = await newUser(server.baseUrl, "bob");
    const conversation = await a.client.conversations.create([b.user.id]);
    await a.client.conversations.send(conversation.id, "before start"); // sequence 1: history, not delivered with trackAll
    const received: Message[] = [];
    const realtime = new RealtimeClient(b.client);
    realtime.on("message", (m) => received.push(m));
    await realtime.start();
    try {
      await a.client.conversations.send(conversation.id, "live 2");
      await eventually("message 2", () => received.length === 1);
      // B's positions say 2; pretend it saw only 1 (a message lost before a reconnect): catch-up fills it, no repeat.
      realtime.track(conversation.id, 2);
      const fromB = await realtime.sendMessage(conversation.id, "from bob");
      await eventually("message 3", () => received.length === 2);
      assert.equal(fromB.sequence, 3);
      assert.deepEqual(realtime.positions()[conversation.id], 3);
      assert.deepEqual(received.map((m) => m.text), ["live 2", "from bob"]);
    } finally {
      await realtime.stop();
    }
  });
});
