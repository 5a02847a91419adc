import * as signalR from "@microsoft/signalr";
import type { Message, Schemas, SpotlightClient } from "./client.js";
import { RealtimeError, SessionEndedError } from "./errors.js";
import { newId } from "./ids.js";
import { ConversationSequencer } from "./sequencer.js";

/** Payloads of the hub's server → client events (API.md, Realtime; docs/realtime.md, docs/live.md). Ids are strings, times ISO 8601. */
export interface TypingEvent { conversationId: string; userId: string }
export interface ReadEvent { conversationId: string; userId: string; messageId: string; sequence: number; readAt: string }
export interface PresenceEvent { userId: string; online: boolean; lastSeenAt: string | null }
export interface ConversationEvent { conversationId: string; change: "created" | "members" | "renamed" | "removed" }
export interface GiftEvent {
  transactionId: string; senderId: string; recipientId: string; giftId: string; giftName: string;
  quantity: number; amount: number; sentAt: string;
}
export interface LiveViewersEvent { liveSessionId: string; viewerCount: number }
export interface PkSide { liveId: string; score: number }
export interface PkScoreEvent { pkId: string; sides: PkSide[] }
export interface PkEndedEvent { pkId: string; winnerLiveId: string | null; sides: PkSide[] }
export interface LiveEndedEvent { liveSessionId: string; reason: string }
/** This user was taken out of a live (kicked by its creator or a moderator, or a block): it is not rejoined. */
export interface LiveKickedEvent { liveSessionId: string; reason: string }
export interface MatchedEvent {
  matchId: string;
  partner: { id: string; handle: string; displayName: string | null; avatarUrl: string | null };
  livekitUrl: string; token: string; roomName: string;
}
/** The match ended (the partner pressed next, reported, or left): from the matching branch (issue 11). */
export interface MatchEndedEvent { matchId: string }
export type RealtimeState = "disconnected" | "connecting" | "connected" | "reconnecting";

export interface RealtimeEvents {
  /** A new message: each exactly once, in `sequence` order per conversation, across reconnects. */
  message: (message: Message) => void;
  /** An edit or deletion (tombstone: `text: null`, `deletedAt`) of a message already delivered. */
  messageChanged: (message: Message) => void;
  typing: (event: TypingEvent) => void;
  read: (event: ReadEvent) => void;
  presence: (event: PresenceEvent) => void;
  notification: (notification: Record<string, unknown>) => void;
  conversation: (event: ConversationEvent) => void;
  gift: (event: GiftEvent) => void;
  liveViewers: (event: LiveViewersEvent) => void;
  pkScore: (event: PkScoreEvent) => void;
  pkEnded: (event: PkEndedEvent) => void;
  liveEnded: (event: LiveEndedEvent) => void;
  liveKicked: (event: LiveKickedEvent) => void;
  matched: (event: MatchedEvent) => void;
  matchEnded: (event: MatchEndedEvent) => void;
  /** Connection state; `reconnected` follows once the missed messages have been caught up. */
  state: (state: RealtimeState) => void;
  reconnected: () => void;
  /** Catch-up or a rejoin failed (delivery goes on; the next reconnect tries again). */
  error: (error: unknown) => void;
  /** The session ended (refresh refused): the connection stops; sign in again. */
  sessionEnded: (error: SessionEndedError) => void;
}

export interface RealtimeOptions {
  /** Track every conversation of the user from its current `lastSequence` on start (default true). */
  trackAll?: boolean;
  /** WebSockets without negotiation: for several nodes without sticky sessions (docs/realtime.md). */
  skipNegotiation?: boolean;
  /** Longest wait between reconnect attempts, ms (default 10,000). Reconnecting never gives up until `stop()`. */
  maxReconnectDelayMs?: number;
  logLevel?: signalR.LogLevel;
}

type Listener = (...args: never[]) => void;
const passThrough = ["typing", "read", "presence", "notification", "conversation", "gift", "liveViewers", "pkScore", "pkEnded", "liveEnded", "liveKicked", "matched", "matchEnded"] as const;

/**
 * The realtime hub (`/hubs/realtime`) over `@microsoft/signalr`: typed events, reconnect that never gives up, and
 * catch-up after every reconnect: for each tracked conversation it asks `GetMessagesAfter(id, lastSequence)` and merges
 * what comes with live events by sequence, so each message is delivered once and in order. Lives joined are joined again.
 */
export class RealtimeClient {
  private readonly connection: signalR.HubConnection;
  private readonly listeners = new Map<keyof RealtimeEvents, Set<Listener>>();
  private readonly streams = new Map<string, ConversationSequencer>();
  private readonly catchingUp = new Map<string, Promise<void>>();
  private readonly lives = new Set<string>();
  private readonly options: Required<Omit<RealtimeOptions, "logLevel">> & { logLevel: signalR.LogLevel };
  private stopped = true;
  private currentState: RealtimeState = "disconnected";
  private restartLoop: Promise<void> | null = null;

  constructor(private readonly client: SpotlightClient, options: RealtimeOptions = {}) {
    this.options = {
      trackAll: options.trackAll ?? true,
      skipNegotiation: options.skipNegotiation ?? false,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? 10_000,
      logLevel: options.logLevel ?? signalR.LogLevel.None,
    };
    const transport = this.options.skipNegotiation ? { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets } : {};
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl(`${client.baseUrl}/hubs/realtime`, { accessTokenFactory: () => this.token(), ...transport })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => (this.stopped ? null : this.delay(context.previousRetryCount)) })
      .configureLogging(this.options.logLevel)
      .build();
    this.connection.on("message", (message: Message) => this.receive(message));
    for (const name of passThrough) this.connection.on(name, (payload: never) => this.emit(name, payload));
    // A live that ended, or that this user was taken out of, is not joined again after a reconnect.
    for (const name of ["liveEnded", "liveKicked"] as const) {
      this.connection.on(name, (event: { liveSessionId: string }) => this.lives.delete(event.liveSessionId));
    }
    this.connection.onreconnecting(() => this.setState("reconnecting"));
    this.connection.onreconnected(() => void this.afterReconnect());
    this.connection.onclose(() => {
      if (this.stopped) this.setState("disconnected");
      else this.restartLoop ??= this.restart().finally(() => (this.restartLoop = null));
    });
  }

  get state(): RealtimeState {
    return this.currentState;
  }

  on<E extends keyof RealtimeEvents>(event: E, listener: RealtimeEvents[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set!.delete(listener as Listener);
  }

  /** Connects, and (with `trackAll`) starts tracking every conversation from its current last sequence. */
  async start(): Promise<void> {
    this.stopped = false;
    this.setState("connecting");
    if (this.options.trackAll) await this.trackConversations(false);
    await this.connection.start();
    this.setState("connected");
    await this.catchUpAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection.stop();
    this.setState("disconnected");
  }

  /** Delivers this conversation's messages after `lastSequence` (0: all of them), catching up now if connected. */
  track(conversationId: string, lastSequence: number): void {
    if (!this.streams.has(conversationId)) this.streams.set(conversationId, new ConversationSequencer(lastSequence));
    if (this.connection.state === signalR.HubConnectionState.Connected) void this.catchUp(conversationId);
  }

  /** The last sequence delivered per conversation: save it to resume with `track()` after the app restarts. */
  positions(): Record<string, number> {
    return Object.fromEntries([...this.streams].map(([id, s]) => [id, s.last]));
  }

  /** Sends a message (the `clientMessageId` makes a retry safe: the server returns the first one). */
  async sendMessage(conversationId: string, text: string, clientMessageId: string = newId()): Promise<Message> {
    const stored = await this.invoke<Message>("SendMessage", conversationId, clientMessageId, text);
    this.receive(stored);
    return stored;
  }

  typing(conversationId: string): Promise<void> {
    return this.invoke("Typing", conversationId);
  }

  markRead(conversationId: string, messageId: string): Promise<void> {
    return this.invoke("MarkRead", conversationId, messageId);
  }

  /** Receives `gift`, `liveViewers`, `pkScore`, `pkEnded`, `liveEnded` (and `liveKicked`) of that live; joined again after each reconnect until it ends or the user is kicked. */
  async joinLive(liveSessionId: string): Promise<void> {
    await this.invoke("JoinLive", liveSessionId);
    this.lives.add(liveSessionId);
  }

  async leaveLive(liveSessionId: string): Promise<void> {
    this.lives.delete(liveSessionId);
    await this.invoke("LeaveLive", liveSessionId);
  }

  /** Messages after a sequence, oldest first, at most 100 a page (the hub's `GetMessagesAfter`). */
  getMessagesAfter(conversationId: string, afterSequence: number): Promise<{ items: Message[]; nextCursor: string | null }> {
    return this.invoke("GetMessagesAfter", conversationId, afterSequence);
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  private async invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    try {
      return await this.connection.invoke<T>(method, ...args);
    } catch (error) {
      throw RealtimeError.from(error, method);
    }
  }

  private async token(): Promise<string> {
    try {
      return (await this.client.accessToken()) ?? "";
    } catch (error) {
      if (error instanceof SessionEndedError) {
        this.stopped = true;
        this.emit("sessionEnded", error);
      }
      throw error;
    }
  }

  private delay(previousRetries: number): number {
    const exponential = Math.min(this.options.maxReconnectDelayMs, 250 * 2 ** previousRetries);
    return exponential / 2 + Math.random() * (exponential / 2);
  }

  /** After SignalR's own reconnect gave up or the server closed the connection: start again until it works or stop(). */
  private async restart(): Promise<void> {
    this.setState("reconnecting");
    for (let attempt = 0; !this.stopped; attempt++) {
      await new Promise((r) => setTimeout(r, this.delay(attempt)));
      if (this.stopped) return;
      try {
        await this.connection.start();
        await this.afterReconnect();
        return;
      } catch {
        // the server is still away; try again
      }
    }
  }

  private async afterReconnect(): Promise<void> {
    this.setState("connected");
    try {
      for (const live of this.lives) await this.invoke("JoinLive", live).catch((error) => this.emit("error", error));
      if (this.options.trackAll) await this.trackConversations(true);
      await this.catchUpAll();
      this.emit("reconnected");
    } catch (error) {
      this.emit("error", error);
    }
  }

  /** Reads the conversation list: new conversations are tracked (from 0 after a reconnect: all they hold is missed). */
  private async trackConversations(reconnecting: boolean): Promise<void> {
    let cursor: string | undefined;
    do {
      const page: Schemas["PageOfConversationSummary"] = await this.client.conversations.list({ limit: 100, cursor });
      for (const c of page.items) {
        if (!this.streams.has(c.id)) this.streams.set(c.id, new ConversationSequencer(reconnecting ? 0 : c.lastSequence));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  private async catchUpAll(): Promise<void> {
    await Promise.all([...this.streams.keys()].map((id) => this.catchUp(id)));
  }

  /** One catch-up per conversation at a time; a request made while one runs runs again after it. */
  private catchUp(conversationId: string): Promise<void> {
    const previous = this.catchingUp.get(conversationId) ?? Promise.resolve();
    const next = previous.then(() => this.fetchMissed(conversationId)).catch((error) => this.emit("error", error));
    this.catchingUp.set(conversationId, next);
    void next.finally(() => {
      if (this.catchingUp.get(conversationId) === next) this.catchingUp.delete(conversationId);
    });
    return next;
  }

  private async fetchMissed(conversationId: string): Promise<void> {
    const stream = this.streams.get(conversationId);
    if (!stream) return;
    for (;;) {
      const before = stream.last;
      const page = await this.getMessagesAfter(conversationId, before);
      for (const message of page.items) this.deliver(stream, message);
      if (page.items.length === 0 || stream.last === before || (!page.nextCursor && !stream.hasGap)) return;
    }
  }

  private receive(message: Message): void {
    let stream = this.streams.get(message.conversationId);
    if (!stream) {
      // A conversation nobody tracked: it starts at the first message seen.
      stream = new ConversationSequencer(message.sequence - 1);
      this.streams.set(message.conversationId, stream);
    }
    if (this.deliver(stream, message)) void this.catchUp(message.conversationId);
  }

  /** Returns true when a gap is open (a later message came first): the caller fetches what is missing. */
  private deliver(stream: ConversationSequencer, message: Message): boolean {
    const { deliver, changed, gap } = stream.accept(message);
    for (const m of deliver) this.emit("message", m);
    for (const m of changed) this.emit("messageChanged", m);
    return gap;
  }

  private setState(state: RealtimeState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit("state", state);
  }

  private emit<E extends keyof RealtimeEvents>(event: E, ...args: Parameters<RealtimeEvents[E]>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch {
        // a listener's error is its own
      }
    }
  }
}
