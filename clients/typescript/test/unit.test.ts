// The SDK's own logic, with a stand-in fetch (no server).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConversationSequencer, LocalStorageTokenStorage, RealtimeError, SecureStoreTokenStorage, SpotlightClient, SpotlightProblem, type Message,
} from "../src/index.js";

const message = (sequence: number, extra: Partial<Message> = {}): Message =>
  ({ id: `m${sequence}`, conversationId: "c", sequence, senderId: "u", clientMessageId: `k${sequence}`, text: `t${sequence}`, attachments: [],
    createdAt: "2026-01-01T00:00:00Z", editedAt: null, deletedAt: null, ...extra }) as Message;

describe("ConversationSequencer", () => {
  it("delivers in order once, holds a later message until the gap fills, and reports edits of delivered ones", () => {
    const s = new ConversationSequencer(0);
    assert.deepEqual(s.accept(message(1)).deliver.map((m) => m.sequence), [1]);
    const early = s.accept(message(3));
    assert.deepEqual(early.deliver, []);
    assert.equal(early.gap, true);
    assert.deepEqual(s.accept(message(2)).deliver.map((m) => m.sequence), [2, 3]);
    assert.deepEqual(s.accept(message(2)).deliver, []);
    assert.deepEqual(s.accept(message(2, { editedAt: "2026-01-01T00:01:00Z" })).changed.map((m) => m.sequence), [2]);
    assert.equal(s.last, 3);
  });
});

function stubFetch(answers: (() => Response)[]) {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const f = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    seen.push({ url: String(input), headers: { ...(init.headers as Record<string, string>) } });
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    return next();
  }) as typeof fetch;
  return { f, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("retries", () => {
  it("honours Retry-After on 429 before trying again", async () => {
    const { f, seen } = stubFetch([json(429, { status: 429, code: "rate_limited" }, { "Retry-After": "1" }), json(200, { balance: 5, currency: "coin" })]);
    const client = new SpotlightClient({ baseUrl: "http://spotlight.test", fetch: f });
    const started = Date.now();
    const wallet = await client.request("get", "/api/v1/wallet", { auth: false });
    assert.equal(wallet.balance, 5);
    assert.equal(seen.length, 2);
    assert.ok(Date.now() - started >= 950, `waited only ${Date.now() - started} ms`);
  });

  it("gives up after its attempts with the last problem, and throws a Retry-After longer than allowed at once", async () => {
    const busy = json(503, { status: 503, code: "service_unavailable" }, { "Retry-After": "0" });
    const { f, seen } = stubFetch([busy, busy, busy]);
    const client = new SpotlightClient({ baseUrl: "http://spotlight.test", fetch: f, retry: { attempts: 3 } });
    await assert.rejects(client.request("get", "/api/v1/wallet", { auth: false }), (e: unknown) => e instanceof SpotlightProblem && e.code === "service_unavailable");
    assert.equal(seen.length, 3);

    const long = stubFetch([json(429, { status: 429, code: "rate_limited" }, { "Retry-After": "3600" })]);
    const impatient = new SpotlightClient({ baseUrl: "http://spotlight.test", fetch: long.f });
    await assert.rejects(impatient.request("get", "/api/v1/wallet", { auth: false }), (e: unknown) => e instanceof SpotlightProblem && e.retryAfter === 3600);
    assert.equal(long.seen.length, 1);
  });

  it("does not retry a plain POST after a network error (it may have happened), but does one with an idempotency key", async () => {
    const { f, seen } = stubFetch([() => { throw new TypeError("fetch failed"); }]);
    const client = new SpotlightClient({ baseUrl: "http://spotlight.test", fetch: f, retry: { baseDelayMs: 1 } });
    await assert.rejects(client.request("post", "/api/v1/posts", { auth: false, body: { text: "hi" } }), TypeError);
    assert.equal(seen.length, 1);

    const keyed = stubFetch([() => { throw new TypeError("fetch failed"); }, json(201, { id: "t" })]);
    const payer = new SpotlightClient({ baseUrl: "http://spotlight.test", fetch: keyed.f, retry: { baseDelayMs: 1 } });
    await payer.send("post", "/api/v1/wallet/transfers", { auth: false, body: { amount: 1 }, idempotencyKey: true });
    assert.equal(keyed.seen.length, 2);
    assert.equal(keyed.seen[0]!.headers["Idempotency-Key"], keyed.seen[1]!.headers["Idempotency-Key"]);
  });
});

describe("token storage and hub errors", () => {
  it("keeps the refresh token in a localStorage-like store or an expo-secure-store-like one, under one key", async () => {
    const map = new Map<string, string>();
    const local = new LocalStorageTokenStorage("rt", { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) });
    local.set("r1");
    assert.equal(local.get(), "r1");
    assert.deepEqual([...map.keys()], ["rt"]);
    local.clear();
    assert.equal(local.get(), null);

    const secure = new Map<string, string>();
    const store = new SecureStoreTokenStorage({
      getItemAsync: async (k) => secure.get(k) ?? null, setItemAsync: async (k, v) => void secure.set(k, v), deleteItemAsync: async (k) => void secure.delete(k),
    });
    await store.set("r2");
    assert.equal(await store.get(), "r2");
    await store.clear();
    assert.equal(await store.get(), null);
  });

  it("reads the code out of SignalR's hub error text", () => {
    const error = RealtimeError.from(new Error("An unexpected error occurred invoking 'JoinLive' on the server. HubException: not_found: No such live."), "JoinLive");
    assert.ok(error instanceof RealtimeError);
    assert.equal(error.code, "not_found");
    assert.equal(error.detail, "No such live.");
    const other = new Error("WebSocket closed");
    assert.equal(RealtimeError.from(other, "SendMessage"), other);
  });
});
