// The example's development server: bundles src/main.ts with esbuild (the SDK from ../typescript/src), serves the page,
// forwards /api and /hubs (WebSockets too) to the Spotlight server so the page needs no CORS settings, and plays the
// sandbox payment provider: POST /sandbox/pay signs the `topup.succeeded` webhook a real provider would send.
//   node dev-server.mjs            serve on http://localhost:5173 (PORT), talking to SPOTLIGHT_URL (http://localhost:5080)
//   node dev-server.mjs --build    only write dist/
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const target = new URL(process.env.SPOTLIGHT_URL ?? "http://localhost:5080");
const port = Number(process.env.PORT ?? 5173);

async function bundle() {
  mkdirSync(join(here, "dist"), { recursive: true });
  await build({
    entryPoints: [join(here, "src/main.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    sourcemap: true,
    outfile: join(here, "dist/app.js"),
    alias: { "@spotlight/client": resolve(here, "../typescript/src/index.ts") },
    nodePaths: [resolve(here, "../typescript/node_modules")],
    logLevel: "warning",
  });
  writeFileSync(join(here, "dist/index.html"), readFileSync(join(here, "index.html")));
}

/** The sandbox webhook secret: SANDBOX_WEBHOOK_SECRET, else the one the server generated in its data directory. */
function sandboxSecret() {
  if (process.env.SANDBOX_WEBHOOK_SECRET) return process.env.SANDBOX_WEBHOOK_SECRET;
  const root = resolve(here, "../..");
  const candidates = [process.env.SPOTLIGHT_DATA, join(root, "data"), join(root, "src/Spotlight/data")].filter(Boolean);
  for (const directory of candidates) {
    const file = join(directory, "payments-sandbox.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).webhookSecret;
  }
  throw new Error(`no sandbox webhook secret: set SANDBOX_WEBHOOK_SECRET or SPOTLIGHT_DATA (looked in ${candidates.join(", ")})`);
}

async function payInSandbox(body) {
  const { topupId, amount } = JSON.parse(body);
  const event = JSON.stringify({ id: `evt_${randomUUID()}`, type: "topup.succeeded", data: { topupId, amount } });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", sandboxSecret()).update(`${t}.${event}`).digest("hex");
  const response = await fetch(new URL("/api/v1/payments/webhooks/sandbox", target), {
    method: "POST",
    headers: { "Content-Type": "application/json", "Spotlight-Signature": `t=${t},v1=${v1}` },
    body: event,
  });
  return { status: response.status, text: await response.text() };
}

function forward(req, res) {
  const upstream = request(
    { host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    res.writeHead(502, { "Content-Type": "text/plain" });
    res.end(`Spotlight at ${target} is not answering: ${error.message}`);
  });
  req.pipe(upstream);
}

await bundle();
if (process.argv.includes("--build")) process.exit(0);

const server = createServer(async (req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  if (path.startsWith("/api/") || path.startsWith("/hubs/")) return forward(req, res);
  if (path === "/sandbox/pay" && req.method === "POST") {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      try {
        const result = await payInSandbox(body);
        res.writeHead(result.status, { "Content-Type": "application/json" });
        res.end(result.text);
      } catch (error) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String(error.message ?? error));
      }
    });
    return;
  }
  const file = path === "/" ? "index.html" : path.slice(1);
  const full = join(here, "dist", file);
  if (!full.startsWith(join(here, "dist")) || !existsSync(full)) {
    res.writeHead(404);
    return res.end();
  }
  const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".map") ? "application/json" : "text/html; charset=utf-8";
  res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(readFileSync(full));
});

// WebSockets (the realtime hub) are piped through as they are.
server.on("upgrade", (req, socket, head) => {
  const upstream = connect(Number(target.port || 80), target.hostname, () => {
    const headers = Object.entries({ ...req.headers, host: target.host }).map(([k, v]) => `${k}: ${v}`).join("\r\n");
    upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n\r\n`);
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on("error", () => socket.destroy());
  socket.on("error", () => upstream.destroy());
});

server.listen(port, () => console.log(`example on http://localhost:${port} (Spotlight at ${target})`));
