/** How calls are retried: on 429 and 503 (waiting `Retry-After` when the server says), and on network errors for calls that are safe to repeat. */
export interface RetryOptions {
  /** Tries in all, the first included (default 4). */
  attempts?: number;
  /** First backoff delay in ms, doubled each time, with jitter (default 300). */
  baseDelayMs?: number;
  /** No single wait is longer (default 10,000 ms; a longer Retry-After gives up instead and throws the 429). */
  maxDelayMs?: number;
}

export const defaultRetry: Required<RetryOptions> = { attempts: 4, baseDelayMs: 300, maxDelayMs: 10_000 };

export function backoffDelay(options: Required<RetryOptions>, attempt: number, retryAfterSeconds?: number): number | null {
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms > options.maxDelayMs ? null : ms;
  }
  const exponential = options.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(options.maxDelayMs, exponential / 2 + Math.random() * (exponential / 2));
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
