// Starts the built Spotlight server (src/Spotlight/bin/Release/net10.0/Spotlight.dll) on a free loopback port with a
// temporary data directory, as an operator would. SQLite by default; SPOTLIGHT_TEST_PROVIDER=postgres with
// SPOTLIGHT_TEST_POSTGRES (tools/pg-throwaway) gives it a fresh PostgreSQL database instead. Node-only: tests and scripts.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repositoryRoot = resolve(here, "../../..");
export const serverDll = process.env.SPOTLIGHT_SERVER_DLL ?? join(repositoryRoot, "src/Spotlight/bin/Release/net10.0/Spotlight.dll");
export const sandboxWebhookSecret = "sdk-tests-sandbox-secret";

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function databaseSettings() {
  if ((process.env.SPOTLIGHT_TEST_PROVIDER ?? "sqlite") !== "postgres") {
    return { Database__Provider: "sqlite", ConnectionStrings__Default: "" };
  }
  const base = process.env.SPOTLIGHT_TEST_POSTGRES;
  if (!base) throw new Error("SPOTLIGHT_TEST_PROVIDER=postgres needs SPOTLIGHT_TEST_POSTGRES (eval \"$(tools/pg-throwaway start DIR)\")");
  const name = `spotlight_sdk_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const parts = base.split(";").filter((p) => p && !/^database=/i.test(p.trim()));
  return { Database__Provider: "postgres", ConnectionStrings__Default: [...parts, `Database=${name}`].join(";") };
}

/**
 * A running server. `restart()` kills the process (SIGKILL: connections drop mid-stream, nothing is flushed) and starts
 * it again on the same port, data directory and database.
 */
export async function startServer(extraEnvironment = {}) {
  if (!existsSync(serverDll)) throw new Error(`${serverDll} not found: run 'dotnet build Spotlight.slnx -c Release' first`);
  const port = await freePort();
  const dataDirectory = mkdtempSync(join(tmpdir(), "spotlight-sdk-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  const environment = {
    ...process.env,
    ASPNETCORE_ENVIRONMENT: "Testing",
    ASPNETCORE_URLS: baseUrl,
    Spotlight__DataDirectory: dataDirectory,
    Identity__PasswordHashIterations: "1000",
    Logging__LogLevel__Default: "Warning",
    Payments__Sandbox__WebhookSecret: sandboxWebhookSecret,
    Admin__RequireTwoFactor: "false",
    // Lives need LiveKit settings to hand out tokens; no LiveKit server is called to start, join or gift in one.
    LiveKit__Url: "ws://127.0.0.1:7880",
    LiveKit__ApiKey: "sdk-tests",
    LiveKit__ApiSecret: "sdk-tests-livekit-secret-at-least-32-chars",
    RateLimiting__Policies__register__Limit: "100000",
    RateLimiting__Policies__login__Limit: "100000",
    "RateLimiting__Policies__login-email__Limit": "100000",
    ...databaseSettings(),
    ...extraEnvironment,
  };
  let child;
  let log = "";

  async function launch() {
    log = "";
    child = spawn("dotnet", [serverDll], { cwd: dataDirectory, env: environment, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => (log = (log + d).slice(-20000)));
    child.stderr.on("data", (d) => (log = (log + d).slice(-20000)));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log}`);
      try {
        if ((await fetch(`${baseUrl}/health/live`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    throw new Error(`the server did not start within 90 s:\n${log}`);
  }

  function kill(signal) {
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      child.once("exit", () => done());
      child.kill(signal);
    });
  }

  await launch();
  return {
    baseUrl,
    dataDirectory,
    log: () => log,
    /** Runs a command of the server executable (`admin create ...`) on this server's data and database. */
    command(args, standardInput = "") {
      return new Promise((done, reject) => {
        const run = spawn("dotnet", [serverDll, ...args], { cwd: dataDirectory, env: environment, stdio: ["pipe", "pipe", "pipe"] });
        let output = "";
        run.stdout.on("data", (d) => (output += d));
        run.stderr.on("data", (d) => (output += d));
        run.on("error", reject);
        run.on("exit", (code) => done({ code, output }));
        run.stdin.end(standardInput);
      });
    },
    async restart() {
      await kill("SIGKILL");
      await launch();
    },
    async stop() {
      await kill("SIGTERM");
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
