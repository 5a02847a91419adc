/** An RFC 9457 problem-details answer from the API (API.md, Conventions), thrown by every call that fails with one. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  /** Stable, snake_case: what to branch on (`insufficient_funds`, `email_taken`, `rate_limited`...). */
  code: string;
  requestId?: string;
  /** For validation failures: field → messages. */
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

export class SpotlightProblem extends Error implements ProblemBody {
  readonly status: number;
  readonly code: string;
  readonly title?: string;
  readonly detail?: string;
  readonly type?: string;
  readonly requestId?: string;
  readonly errors?: Record<string, string[]>;
  /** The whole body, with any extension members (`used`, `limit`...). */
  readonly body: ProblemBody;
  /** Seconds the server asked to wait (429, 503), when it said. */
  readonly retryAfter?: number;
  [extension: string]: unknown;

  constructor(body: ProblemBody, retryAfter?: number) {
    super(`${body.status} ${body.code}${body.detail ? `: ${body.detail}` : ""}`);
    this.name = "SpotlightProblem";
    this.status = body.status;
    this.code = body.code;
    this.title = body.title;
    this.detail = body.detail;
    this.type = body.type;
    this.requestId = body.requestId;
    this.errors = body.errors;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

/** The refresh token was refused (`invalid_refresh_token`, `refresh_token_reused`) or there is none: sign in again. */
export class SessionEndedError extends Error {
  constructor(readonly reason: string, readonly problem?: SpotlightProblem) {
    super(`The session has ended (${reason}): sign in again.`);
    this.name = "SessionEndedError";
  }
}

/** A hub call refused by the server: SignalR's "HubException: <code>: <detail>" taken apart. */
export class RealtimeError extends Error {
  constructor(readonly code: string, readonly detail: string, readonly method: string) {
    super(`${method}: ${code}${detail ? `: ${detail}` : ""}`);
    this.name = "RealtimeError";
  }

  static from(error: unknown, method: string): unknown {
    const text = String((error as Error)?.message ?? error);
    const match = /HubException: ([a-z_]+)(?:: ?([\s\S]*))?$/.exec(text);
    return match ? new RealtimeError(match[1]!, (match[2] ?? "").trim(), method) : error;
  }
}

/** Reads a problem body from a failed response (a body that is not a problem still becomes one, with a code from the status). */
export async function problemFrom(response: Response): Promise<SpotlightProblem> {
  let body: Partial<ProblemBody> = {};
  try {
    const text = await response.text();
    body = text ? (JSON.parse(text) as Partial<ProblemBody>) : {};
  } catch {
    body = {};
  }
  const problem: ProblemBody = {
    ...body,
    status: typeof body.status === "number" ? body.status : response.status,
    code: typeof body.code === "string" ? body.code : `http_${response.status}`,
    requestId: body.requestId ?? response.headers.get("X-Request-Id") ?? undefined,
  };
  return new SpotlightProblem(problem, retryAfterSeconds(response));
}

export function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get("Retry-After");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}
