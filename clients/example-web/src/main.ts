// The example app: every call goes through @spotlight/client (token refresh, idempotency keys, retries and realtime
// catch-up are the SDK's). The dev server forwards /api and /hubs to Spotlight, so the base URL is this page's origin.
import { LocalStorageTokenStorage, RealtimeClient, SpotlightClient, SpotlightProblem, type Message } from "@spotlight/client";

const $ = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const client = new SpotlightClient({
  baseUrl: location.origin,
  storage: new LocalStorageTokenStorage(),
  onSessionEnded: () => showSignedOut("Your session ended: sign in again."),
});
let realtime: RealtimeClient | null = null;
let chat: { conversationId: string; partnerId: string } | null = null;
const people = new Map<string, string>(); // id → handle

function log(text: string, error = false) {
  const line = document.createElement("div");
  line.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  if (error) line.className = "error";
  $("log").prepend(line);
}

/** Problem details say what went wrong in `code` and `detail`: show them. */
async function attempt(what: string, action: () => Promise<unknown>) {
  try {
    await action();
  } catch (e) {
    log(e instanceof SpotlightProblem ? `${what}: ${e.code}${e.detail ? ` (${e.detail})` : ""}` : `${what}: ${String(e)}`, true);
  }
}

async function profileId(handle: string): Promise<string> {
  const profile = await client.users.byHandle(handle.trim().replace(/^@/, ""));
  people.set(profile.id, profile.handle);
  return profile.id;
}

async function refreshBalance() {
  $("balance").textContent = String((await client.wallet.balance()).balance);
}

function showMessage(m: Message) {
  if (!chat || m.conversationId !== chat.conversationId) {
    log(`new message from @${people.get(m.senderId) ?? m.senderId}`);
    return;
  }
  const line = document.createElement("div");
  line.dataset.sequence = String(m.sequence);
  line.textContent = `#${m.sequence} ${m.senderId === client.user?.id ? "me" : `@${people.get(m.senderId) ?? "?"}`}: ${m.text ?? "(deleted)"}`;
  $("messages").append(line);
  $("messages").scrollTop = 1e9;
}

async function showSignedIn() {
  const me = client.user ?? (await client.me());
  $("who").textContent = `– @${me.handle}`;
  $("signin").hidden = true;
  $("app").hidden = false;
  const [packages, catalog] = await Promise.all([client.wallet.topupPackages(), client.gifts.catalog()]);
  $<HTMLSelectElement>("package").replaceChildren(...packages.map((p) => new Option(`${p.coins} coins`, p.id)));
  $<HTMLSelectElement>("gift").replaceChildren(...catalog.map((g) => new Option(`${g.name} (${g.price})`, g.id)));
  await refreshBalance();

  realtime = new RealtimeClient(client);
  realtime.on("message", showMessage);
  realtime.on("typing", (t) => {
    if (chat && t.conversationId === chat.conversationId && t.userId !== client.user?.id) {
      $("typing").textContent = `@${people.get(t.userId) ?? "someone"} is typing…`;
      setTimeout(() => ($("typing").textContent = "\u00a0"), 3000);
    }
  });
  realtime.on("presence", (p) => {
    if (chat && p.userId === chat.partnerId) $("presence").textContent = p.online ? "online" : `last seen ${p.lastSeenAt ?? "–"}`;
  });
  realtime.on("gift", (g) => {
    const line = document.createElement("div");
    line.textContent = `${g.quantity} × ${g.giftName} (${g.amount} coins) from ${people.get(g.senderId) ?? g.senderId}`;
    $("gifts").prepend(line);
  });
  realtime.on("liveViewers", (v) => ($("viewers").textContent = String(v.viewerCount)));
  realtime.on("liveEnded", (e) => log(`live ${e.liveSessionId} ended (${e.reason})`));
  realtime.on("notification", () => void refreshBalance().catch(() => {}));
  realtime.on("state", (s) => log(`realtime: ${s}`));
  await realtime.start();
}

function showSignedOut(message?: string) {
  void realtime?.stop();
  realtime = null;
  $("signin").hidden = false;
  $("app").hidden = true;
  $("who").textContent = "";
  if (message) log(message, true);
}

$("auth-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const mode = ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
  void attempt(mode === "up" ? "sign up" : "sign in", async () => {
    const email = $("email").value;
    const password = $("password").value;
    if (mode === "up") await client.auth.register({ email, password, handle: $("handle").value });
    else await client.auth.signIn({ email, password });
    await showSignedIn();
  });
});

$("top-up").addEventListener("click", () =>
  attempt("top up", async () => {
    const topup = await client.wallet.topUp($<HTMLSelectElement>("package").value);
    // In production the provider's checkout page does this; here the dev server signs the sandbox webhook.
    const paid = await fetch("/sandbox/pay", { method: "POST", body: JSON.stringify({ topupId: topup.id, amount: topup.amount }) });
    if (!paid.ok) throw new Error(`sandbox payment: ${paid.status} ${await paid.text()}`);
    await refreshBalance();
    log(`topped up ${topup.amount} coins`);
  }),
);

$("follow").addEventListener("click", () =>
  attempt("follow", async () => {
    await client.users.follow(await profileId($("other-handle").value));
    log(`following @${$("other-handle").value}`);
  }),
);

$("chat").addEventListener("click", () =>
  attempt("chat", async () => {
    const partnerId = await profileId($("other-handle").value);
    const conversation = await client.conversations.create([partnerId]);
    chat = { conversationId: conversation.id, partnerId };
    $("chat-with").textContent = `@${people.get(partnerId)}`;
    $("chat-box").hidden = false;
    const history = await client.conversations.messages(conversation.id, { limit: 50 });
    $("messages").replaceChildren();
    [...history.items].reverse().forEach(showMessage);
    realtime?.track(conversation.id, history.items[0]?.sequence ?? 0);
  }),
);

$("message").addEventListener("input", () => {
  if (chat) void realtime?.typing(chat.conversationId).catch(() => {});
});
$("message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!chat || !realtime) return;
  const text = $("message").value;
  $("message").value = "";
  void attempt("send", () => realtime!.sendMessage(chat!.conversationId, text));
});

$("send-gift").addEventListener("click", () =>
  attempt("gift", async () => {
    const live = $("gift-live").value.trim();
    const { data } = await client.gifts.send({
      recipientId: await profileId($("gift-to").value), giftId: $<HTMLSelectElement>("gift").value, quantity: 1,
      ...(live ? { liveSessionId: live } : {}),
    });
    log(`gift sent: ${data.amount} coins`);
    await refreshBalance();
  }),
);

$("watch").addEventListener("click", () =>
  attempt("join live", async () => {
    const id = $("live-id").value.trim();
    const joined = await client.live.join(id);
    $("viewers").textContent = String(joined.viewerCount);
    await realtime?.joinLive(id);
    log(`watching live ${id}`);
  }),
);

$("sign-out").addEventListener("click", () => attempt("sign out", async () => {
  await client.auth.signOut();
  showSignedOut();
}));

void attempt("restore", async () => {
  if (await client.auth.restore()) await showSignedIn();
});
