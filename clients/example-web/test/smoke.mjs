// The example's main path in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), against a real
// Spotlight server started here: sign up, top up in the sandbox, follow, chat (a reply arrives live), send a gift.
// Writes screenshot.png. Needs: the built server (dotnet build -c Release), npm ci here and in ../typescript.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { sandboxWebhookSecret, startServer } from "../../typescript/scripts/server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const password = "Correct-Horse-Battery-42!";
const suffix = Math.random().toString(36).slice(2, 8);
const freePort = () => new Promise((done) => { const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => done(port)); }); });
const api = async (baseUrl, path, body, token) => {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
};

const server = await startServer();
let web, browser;
try {
  // Bob: a creator (made one by an admin), who will receive the follow, the chat and the gift.
  const bob = await api(server.baseUrl, "/api/v1/auth/register", { email: `bob_${suffix}@example.com`, password, handle: `bob_${suffix}` });
  const created = await server.command(["admin", "create", "--email", `admin_${suffix}@example.com`, "--password-stdin"], `${password}\n`);
  if (created.code !== 0) throw new Error(created.output);
  const admin = await api(server.baseUrl, "/api/v1/auth/login", { email: `admin_${suffix}@example.com`, password });
  const roles = await fetch(`${server.baseUrl}/api/v1/admin/users/${bob.user.id}/roles`, {
    method: "PUT", headers: { "Content-Type": "application/json", Authorization: `Bearer ${admin.accessToken}` }, body: JSON.stringify({ roles: ["user", "creator"] }),
  });
  if (!roles.ok) throw new Error(`roles: ${roles.status}`);
  const bobSession = await api(server.baseUrl, "/api/v1/auth/login", { email: `bob_${suffix}@example.com`, password }); // a token with the new role

  const port = await freePort();
  web = spawn("node", [join(here, "../dev-server.mjs")], {
    env: { ...process.env, SPOTLIGHT_URL: server.baseUrl, PORT: String(port), SANDBOX_WEBHOOK_SECRET: sandboxWebhookSecret }, stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((done) => web.stdout.on("data", (d) => String(d).includes("example on") && done()));

  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.fill("#email", `alice_${suffix}@example.com`);
  await page.fill("#handle", `alice_${suffix}`);
  await page.fill("#password", password);
  await page.click("#sign-up");
  await page.waitForSelector("#app:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#balance")?.textContent === "0");

  await page.click("#top-up");
  await page.waitForFunction(() => Number(document.querySelector("#balance")?.textContent) > 0);

  await page.fill("#other-handle", `bob_${suffix}`);
  await page.click("#follow");
  await page.waitForSelector(`#log :text("following @bob_${suffix}")`);

  await page.click("#chat");
  await page.waitForSelector("#chat-box:not([hidden])");
  await page.fill("#message", "hello bob");
  await page.press("#message", "Enter");
  await page.waitForSelector('#messages :text("me: hello bob")');
  const conversations = await api(server.baseUrl, "/api/v1/conversations", undefined, bobSession.accessToken);
  await api(server.baseUrl, `/api/v1/conversations/${conversations.items[0].id}/messages`, { text: "hi alice", clientMessageId: `c-${suffix}` }, bobSession.accessToken);
  await page.waitForSelector(`#messages :text("@bob_${suffix}: hi alice")`);

  const before = Number(await page.textContent("#balance"));
  await page.fill("#gift-to", `bob_${suffix}`);
  await page.click("#send-gift");
  await page.waitForSelector('#log :text("gift sent")');
  await page.waitForFunction((b) => Number(document.querySelector("#balance")?.textContent) < b, before);

  await page.screenshot({ path: join(here, "../screenshot.png"), fullPage: true });
  const errors = await page.$$eval("#log .error", (lines) => lines.map((l) => l.textContent));
  if (errors.length) throw new Error(`the page logged errors: ${errors.join("; ")}`);
  console.log("example-web smoke: ok");
} finally {
  await browser?.close();
  web?.kill();
  await server.stop();
}
