import type { components, paths } from "./generated/openapi.js";
import { problemFrom, SessionEndedError, SpotlightProblem } from "./errors.js";
import { buildUrl, type CallResult, type Loose, type Method, type Operation, type PathsWith, type RequestOptions, type SuccessBody } from "./http.js";
import { newId } from "./ids.js";
import { backoffDelay, defaultRetry, type RetryOptions, sleep } from "./retry.js";
import { MemoryTokenStorage, type TokenStorage } from "./storage.js";

export type Schemas = components["schemas"];
export type TokenResponse = Schemas["TokenResponse"];
export type Me = Schemas["MeResponse"];
export type Message = Schemas["MessageResponse"];

export interface SpotlightClientOptions {
  /** The server, e.g. `https://api.example.com` (no trailing `/api/v1`). */
  baseUrl: string;
  /** Where the refresh token is kept (default: memory). */
  storage?: TokenStorage;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  retry?: RetryOptions;
  /** Refresh this many seconds before the access token expires (default 30). */
  refreshLeewaySeconds?: number;
  /** Called once when the session ends (refresh refused, signed out elsewhere, password reset...). */
  onSessionEnded?: (error: SessionEndedError) => void;
}

interface Session {
  accessToken: string;
  /** ms since the epoch. */
  expiresAt: number;
}

/**
 * The Spotlight API. One instance per signed-in user: it holds the access token in memory, the refresh token in
 * `storage`, refreshes once for any number of concurrent 401s, retries 429/503 with backoff, and throws
 * `SpotlightProblem` (with the stable `code`) for every problem-details answer.
 */
export class SpotlightClient {
  readonly baseUrl: string;
  private readonly storage: TokenStorage;
  private readonly fetchImpl: typeof fetch;
  private readonly retry: Required<RetryOptions>;
  private readonly leewayMs: number;
  private readonly onSessionEnded?: (error: SessionEndedError) => void;
  private session: Session | null = null;
  private refreshing: Promise<string> | null = null;
  private currentUser: Me | null = null;

  constructor(options: SpotlightClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.storage = options.storage ?? new MemoryTokenStorage();
    const f = options.fetch ?? globalThis.fetch;
    if (!f) throw new Error("SpotlightClient: no fetch here; pass options.fetch");
    this.fetchImpl = (input, init) => f(input, init);
    this.retry = { ...defaultRetry, ...options.retry };
    this.leewayMs = (options.refreshLeewaySeconds ?? 30) * 1000;
    this.onSessionEnded = options.onSessionEnded;
  }

  // ---- session -------------------------------------------------------------------------------------------------

  /** The signed-in user as of the last sign-in or refresh (null when signed out). */
  get user(): Me | null {
    return this.currentUser;
  }

  get isSignedIn(): boolean {
    return this.session !== null;
  }

  /** Takes tokens from a sign-in made elsewhere (or restores a saved session). */
  async setSession(tokens: TokenResponse): Promise<void> {
    this.session = { accessToken: tokens.accessToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
    this.currentUser = tokens.user;
    await this.storage.set(tokens.refreshToken);
  }

  /** Replaces the in-memory access token (tests; or a token handed over by another part of the app). */
  setAccessToken(accessToken: string, expiresInSeconds = 900): void {
    this.session = { accessToken, expiresAt: Date.now() + expiresInSeconds * 1000 };
  }

  /** A valid access token, refreshed first when it is missing or about to expire; null when there is no session at all. */
  async accessToken(): Promise<string | null> {
    if (this.session && this.session.expiresAt - this.leewayMs > Date.now()) return this.session.accessToken;
    if (this.session || (await this.storage.get())) return this.refresh(this.session?.accessToken ?? null);
    return null;
  }

  /**
   * Exchanges the refresh token for new tokens. Single-flight: every caller that arrives while a refresh is under way
   * waits for that one, and a caller whose failed token was already replaced gets the new one without refreshing again
   * (the server revokes the whole session if a spent refresh token is presented twice).
   */
  refresh(staleAccessToken: string | null = null): Promise<string> {
    if (this.refreshing) return this.refreshing;
    if (staleAccessToken !== null && this.session && this.session.accessToken !== staleAccessToken) {
      return Promise.resolve(this.session.accessToken);
    }
    this.refreshing = this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<string> {
    const refreshToken = await this.storage.get();
    if (!refreshToken) throw await this.endSession("no_refresh_token");
    let tokens: TokenResponse;
    try {
      // Never retried on a network error: if the server spent the token but the answer was lost, a second try with it
      // would be taken for theft (refresh_token_reused) and end the session.
      tokens = (await this.send("post", "/api/v1/auth/refresh", { auth: false, body: { refreshToken }, retryNetworkErrors: false })).data;
    } catch (error) {
      if (error instanceof SpotlightProblem && error.status === 401) throw await this.endSession(error.code, error);
      throw error;
    }
    await this.setSession(tokens);
    return tokens.accessToken;
  }

  private async endSession(reason: string, problem?: SpotlightProblem): Promise<SessionEndedError> {
    const hadSession = this.session !== null;
    this.session = null;
    this.currentUser = null;
    await this.storage.clear();
    const error = new SessionEndedError(reason, problem);
    if (hadSession) this.onSessionEnded?.(error);
    return error;
  }

  // ---- the typed call ------------------------------------------------------------------------------------------

  /** Any operation of the API, typed from the OpenAPI document: `client.request("get", "/api/v1/users/{handle}", { params: { handle } })`. */
  async request<M extends Method, P extends PathsWith<M>>(
    method: M,
    path: P,
    ...options: {} extends RequestOptions<Operation<P, M>> ? [RequestOptions<Operation<P, M>>?] : [RequestOptions<Operation<P, M>>]
  ): Promise<SuccessBody<Operation<P, M>>> {
    const result: CallResult<unknown> = await this.send(method, path, options[0] as RequestOptions<Operation<P, M>>);
    return result.data as SuccessBody<Operation<P, M>>;
  }

  /** As `request`, with the response and the idempotency key that was sent. */
  async send<M extends Method, P extends PathsWith<M>>(
    method: M,
    path: P,
    options: RequestOptions<Operation<P, M>> = {} as RequestOptions<Operation<P, M>>,
  ): Promise<CallResult<SuccessBody<Operation<P, M>>>> {
    const o = options as RequestOptions<Operation<P, M>> & { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const url = buildUrl(this.baseUrl, path as string, o.params, o.query);
    const idempotencyKey = o.idempotencyKey === true ? newId() : typeof o.idempotencyKey === "string" ? o.idempotencyKey : undefined;
    const auth = o.auth ?? true;
    const retryNetwork = o.retryNetworkErrors ?? (method !== "post" && method !== "patch" ? true : idempotencyKey !== undefined);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = auth ? await this.accessToken() : null;
      const headers: Record<string, string> = { Accept: "application/json", ...o.headers };
      if (o.body !== undefined) headers["Content-Type"] = "application/json";
      if (token) headers.Authorization = `Bearer ${token}`;
      if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: method.toUpperCase(),
          headers,
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
          signal: o.signal,
        });
      } catch (error) {
        if (o.signal?.aborted || !retryNetwork || attempt >= this.retry.attempts) throw error;
        await sleep(backoffDelay(this.retry, attempt)!, o.signal);
        continue;
      }
      if (response.status === 401 && token && !refreshed) {
        refreshed = true;
        attempt--; // a refresh is not a retry
        await this.refresh(token);
        continue;
      }
      if ((response.status === 429 || response.status === 503) && attempt < this.retry.attempts) {
        const problem = await problemFrom(response);
        const delay = backoffDelay(this.retry, attempt, problem.retryAfter);
        if (delay === null) throw problem;
        await sleep(delay, o.signal);
        continue;
      }
      if (!response.ok) throw await problemFrom(response);
      const text = response.status === 204 ? "" : await response.text();
      const data: unknown = text ? JSON.parse(text) : undefined;
      return { data, response, idempotencyKey } as CallResult<SuccessBody<Operation<P, M>>>;
    }
  }

  // ---- accounts --------------------------------------------------------------------------------------------------

  readonly auth = {
    register: async (body: Loose<Schemas["RegisterRequest"]>): Promise<Me> => {
      await this.setSession(await this.request("post", "/api/v1/auth/register", { auth: false, body }));
      return this.currentUser!;
    },
    signIn: async (body: Loose<Schemas["LoginRequest"]>): Promise<Me> => {
      await this.setSession(await this.request("post", "/api/v1/auth/login", { auth: false, body }));
      return this.currentUser!;
    },
    /** Picks up a saved session (the refresh token in storage); null when there is none or it has ended. */
    restore: async (): Promise<Me | null> => {
      if (!(await this.storage.get())) return null;
      try {
        await this.refresh();
        return this.currentUser;
      } catch (error) {
        if (error instanceof SessionEndedError) return null;
        throw error;
      }
    },
    /** Ends this session on the server (its refresh token family is revoked) and here. */
    signOut: async (): Promise<void> => {
      const refreshToken = await this.storage.get();
      try {
        if (refreshToken) await this.request("post", "/api/v1/auth/logout", { auth: false, body: { refreshToken } });
      } finally {
        this.session = null;
        this.currentUser = null;
        await this.storage.clear();
      }
    },
  };

  me(): Promise<Me> {
    return this.request("get", "/api/v1/me");
  }

  readonly users = {
    byHandle: (handle: string) => this.request("get", "/api/v1/users/{handle}", { params: { handle } }),
    follow: (id: string) => this.request("post", "/api/v1/users/{id}/follow", { params: { id } }),
    unfollow: (id: string) => this.request("delete", "/api/v1/users/{id}/follow", { params: { id } }),
  };

  // ---- money: every call sends an Idempotency-Key, made here unless given, the same on each retry ---------------

  readonly wallet = {
    balance: () => this.request("get", "/api/v1/wallet"),
    topupPackages: () => this.request("get", "/api/v1/wallet/topup-packages"),
    transactions: (query?: { limit?: number; cursor?: string }) => this.request("get", "/api/v1/wallet/transactions", { query }),
    topUp: (packageId: string, idempotencyKey: string | true = true) =>
      this.request("post", "/api/v1/wallet/topups", { body: { packageId }, idempotencyKey }),
    transfer: (body: Loose<Schemas["TransferRequest"]>, idempotencyKey: string | true = true) =>
      this.send("post", "/api/v1/wallet/transfers", { body, idempotencyKey }),
  };

  readonly gifts = {
    catalog: () => this.request("get", "/api/v1/gifts/catalog"),
    send: (body: Loose<Schemas["SendGiftRequest"]>, idempotencyKey: string | true = true) => this.send("post", "/api/v1/gifts", { body, idempotencyKey }),
  };

  unlockPost(postId: string, idempotencyKey: string | true = true) {
    return this.send("post", "/api/v1/content/{id}/unlock", { params: { id: postId }, idempotencyKey });
  }

  // ---- messaging (realtime delivery: client.realtime()) -----------------------------------------------------------

  readonly conversations = {
    create: (memberIds: string[], title?: string) => this.request("post", "/api/v1/conversations", { body: { memberIds, title } }),
    list: (query?: { limit?: number; cursor?: string }) => this.request("get", "/api/v1/conversations", { query }),
    /** Newest first; with `after`, the messages after that sequence, oldest first. */
    messages: (id: string, query?: { after?: number; cursor?: string; limit?: number }) =>
      this.request("get", "/api/v1/conversations/{id}/messages", { params: { id }, query }),
    /** A repeated `clientMessageId` returns the first message, so this call is retried on network errors like a money call. */
    send: (id: string, text: string, clientMessageId: string = newId()) =>
      this.request("post", "/api/v1/conversations/{id}/messages", { params: { id }, body: { text, clientMessageId }, retryNetworkErrors: true }),
  };

  readonly live = {
    list: (query?: { limit?: number; cursor?: string }) => this.request("get", "/api/v1/live", { query }),
    get: (id: string) => this.request("get", "/api/v1/live/{id}", { params: { id } }),
    join: (id: string) => this.request("post", "/api/v1/live/{id}/join", { params: { id } }),
  };
}

export type { paths };
