import { createHmac, randomBytes } from "node:crypto";

// The tests run compiled from build-test/test/; the server helper stays in scripts/ (shared with scripts/openapi.mjs).
const serverModule: typeof import("../scripts/server.mjs") = await import(new URL("../../scripts/server.mjs", import.meta.url).href);
export const { startServer, sandboxWebhookSecret } = serverModule;
export type { TestServer } from "../scripts/server.mjs";
export const generation: typeof import("../scripts/generate.mjs") = await import(new URL("../../scripts/generate.mjs", import.meta.url).href);
import { SpotlightClient, type SpotlightClientOptions } from "../src/index.js";

export const password = "Correct-Horse-Battery-42!";

export function uniqueHandle(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`.slice(0, 30);
}

/** A new account, signed in. */
export async function newUser(baseUrl: string, prefix = "sdk", options: Partial<SpotlightClientOptions> = {}) {
  const client = new SpotlightClient({ baseUrl, ...options });
  const handle = uniqueHandle(prefix);
  const user = await client.auth.register({ email: `${handle}@example.com`, password, handle });
  return { client, user, handle, email: `${handle}@example.com` };
}

/** Buys coins in the sandbox: a top-up, then the provider's signed webhook (API.md, sandbox payment provider). */
export async function topUp(baseUrl: string, client: SpotlightClient, packageId = "coins_100"): Promise<number> {
  const topup = await client.wallet.topUp(packageId);
  const body = JSON.stringify({ id: `evt_${randomBytes(8).toString("hex")}`, type: "topup.succeeded", data: { topupId: topup.id, amount: topup.amount } });
  const t = Math.floor(Date.now() / 1000);
  const signature = createHmac("sha256", sandboxWebhookSecret).update(`${t}.${body}`).digest("hex");
  const response = await fetch(`${baseUrl}/api/v1/payments/webhooks/sandbox`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Spotlight-Signature": `t=${t},v1=${signature}` },
    body,
  });
  if (!response.ok) throw new Error(`webhook: ${response.status} ${await response.text()}`);
  return topup.amount;
}

/** A fetch that records every request (method, path, headers) before passing it on, with an optional hook around it. */
export function recordingFetch(
  around?: (url: string, init: RequestInit, real: () => Promise<Response>) => Promise<Response>,
): { fetch: typeof fetch; calls: { method: string; path: string; headers: Record<string, string> }[] } {
  const calls: { method: string; path: string; headers: Record<string, string> }[] = [];
  const wrapped = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ method: init.method ?? "GET", path: new URL(url).pathname, headers: { ...(init.headers as Record<string, string>) } });
    const real = () => fetch(input, init);
    return around ? around(url, init, real) : real();
  }) as typeof fetch;
  return { fetch: wrapped, calls };
}

export async function eventually<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
