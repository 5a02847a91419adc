import type { paths } from "./generated/openapi.js";

/** Type plumbing over the generated `paths`: which paths have a method, and what each operation takes and returns. */
export type Method = "get" | "post" | "put" | "patch" | "delete";

export type PathsWith<M extends Method> = {
  [P in keyof paths]: [paths[P] extends { [K in M]: infer O } ? O : never] extends [never] ? never : P;
}[keyof paths];

export type Operation<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;

type Responses<O> = O extends { responses: infer R } ? R : never;

/** The JSON body of the operation's 2xx answer(s); `undefined` for 204. */
export type SuccessBody<O> = {
  [S in keyof Responses<O>]: S extends 200 | 201 | 202 | 204
    ? Responses<O>[S] extends { content: { "application/json": infer B } }
      ? B
      : undefined
    : never;
}[keyof Responses<O>];

type RequestBodyOf<O> = O extends { requestBody?: infer R } ? NonNullable<R> : never;

/** The server's request records list every member as required, nullable ones included: here those may be left out. */
export type Loose<T> = T extends readonly unknown[] | string | number | boolean
  ? T
  : { [K in keyof T as null extends T[K] ? never : K]: T[K] } & { [K in keyof T as null extends T[K] ? K : never]?: T[K] };

export type RequestBody<O> = [RequestBodyOf<O>] extends [never]
  ? never
  : RequestBodyOf<O> extends { content: { "application/json": infer B } }
    ? Loose<B>
    : never;
export type PathParams<O> = O extends { parameters: { path: infer P } } ? P : never;
export type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? ([Q] extends [undefined] ? never : NonNullable<Q>) : never;

export interface CallOptions {
  /** Send `Idempotency-Key`: `true` makes a new key for this call (kept for its retries); a string is the key to use. */
  idempotencyKey?: boolean | string;
  /** Sends the access token (refreshing it when needed). Default true. */
  auth?: boolean;
  /** Retry network errors too (default: for GET/PUT/DELETE and calls with an idempotency key, which the server replays). */
  retryNetworkErrors?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type RequestOptions<O> = CallOptions &
  ([PathParams<O>] extends [never] ? { params?: undefined } : { params: PathParams<O> }) &
  ([QueryParams<O>] extends [never] ? { query?: undefined } : { query?: QueryParams<O> }) &
  ([RequestBody<O>] extends [never] ? { body?: undefined } : { body: RequestBody<O> });

/** What a call returned, with the response (headers such as `Idempotent-Replayed`) and the idempotency key it sent. */
export interface CallResult<T> {
  data: T;
  response: Response;
  idempotencyKey?: string;
}

export function buildUrl(baseUrl: string, path: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter '${name}' for ${path}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) value.forEach((v) => search.append(key, String(v)));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return `${baseUrl.replace(/\/+$/, "")}${filled}${text ? `?${text}` : ""}`;
}
