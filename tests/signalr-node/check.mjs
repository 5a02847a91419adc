// The real client apps use: @microsoft/signalr against a running Spotlight server.
// Usage: node check.mjs <baseUrl> <senderToken> <receiverToken> <conversationId>
// Exits 0 when: a bad token is refused; the sender (negotiating, as browsers do by default) and the receiver (WebSockets
// without negotiation, as behind a load balancer without sticky sessions) connect; the sender's SendMessage returns the
// stored message and the receiver gets the same one as a `message` event; a hub error reaches the caller with its code.
import * as signalR from "@microsoft/signalr";

const [baseUrl, senderToken, receiverToken, conversationId] = process.argv.slice(2);
if (!conversationId) {
  console.error("usage: node check.mjs <baseUrl> <senderToken> <receiverToken> <conversationId>");
  process.exit(2);
}

const connect = (token, options = {}) =>
  new signalR.HubConnectionBuilder()
    .withUrl(`${baseUrl}/hubs/realtime`, { accessTokenFactory: () => token, ...options })
    .withAutomaticReconnect()
    .configureLogging(signalR.LogLevel.None)
    .build();

const within = (ms, what, promise) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);

async function main() {
  const result = {};

  const intruder = connect("not-a-valid-token");
  try {
    await within(10000, "the refusal of a bad token", intruder.start());
    result.badTokenRefused = false;
  } catch (error) {
    result.badTokenRefused = /401|Unauthorized/i.test(String(error?.message ?? error));
  }

  const sender = connect(senderToken);
  const receiver = connect(receiverToken, { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets });
  const received = new Promise((resolve) => receiver.on("message", (message) => resolve(message)));
  await within(10000, "the sender to connect", sender.start());
  await within(10000, "the receiver to connect", receiver.start());
  result.senderTransport = sender.connection?.transport?.constructor?.name ?? "unknown";

  const stored = await within(10000, "SendMessage", sender.invoke("SendMessage", conversationId, `node-${Date.now()}`, "hello from @microsoft/signalr"));
  const message = await within(10000, "the message event", received);
  result.storedId = stored.id;
  result.receivedId = message.id;
  result.receivedText = message.text;

  try {
    await within(10000, "a hub error", sender.invoke("SendMessage", "00000000-0000-0000-0000-000000000000", "x", "to nowhere"));
    result.hubError = null;
  } catch (error) {
    result.hubError = String(error?.message ?? error);
  }

  await sender.stop();
  await receiver.stop();
  console.log(JSON.stringify(result));
  const ok = result.badTokenRefused && stored.id === message.id && message.text === "hello from @microsoft/signalr" && /HubException: not_found:/.test(result.hubError ?? "");
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exit(1);
});
