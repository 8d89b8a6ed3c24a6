// The one place that speaks HTTP to /api/v1: builds URLs, unwraps the envelope, turns every failure into an
// ApiError, and renews the access token with the refresh token (once per 401, shared by concurrent calls).

import { type Endpoint, type PathParams, endpoints, fillPath } from './endpoints';
import type { TokenPair } from './types';

export interface FieldProblem {
  field: string;
  problem: string;
}

export interface ApiErrorInit {
  status: number;
  code: string;
  error: string;
  summary?: string;
  details?: FieldProblem[];
  retryAfter?: number | null;
}

/** A failed call: the HTTP status (0 when the server could not be reached) and the error envelope's fields. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The envelope's short `message` ("Conflict", "Validation failed", ...). */
  readonly summary: string;
  readonly details: FieldProblem[];
  readonly retryAfter: number | null;

  constructor(init: ApiErrorInit) {
    super(init.error);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.summary = init.summary ?? '';
    this.details = init.details ?? [];
    this.retryAfter = init.retryAfter ?? null;
  }
}

export const SESSION_EXPIRED = 'session_expired';
export const NETWORK_ERROR = 'network_error';

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string | null;
}

export interface TokenStore {
  read(): Tokens | null;
  write(tokens: Tokens): void;
  clear(): void;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

export interface CallOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the bearer token (default true). Public routes and login/refresh set false. */
  auth?: boolean;
  /** On a 401, refresh the session and retry once (default true for authenticated calls). */
  retryOnUnauthorized?: boolean;
}

export interface ApiResponse<T> {
  data: T;
  message: string;
  /** `X-Total-Count` when the route sends it. */
  total: number | null;
  headers: Headers;
}

export interface HttpClientOptions {
  baseUrl: string;
  tokens: TokenStore;
  fetch?: typeof fetch;
  onSessionExpired?: () => void;
}

type SendArgs<Path extends string> =
  unknown extends PathParams<Path>
    ? [options?: CallOptions & { params?: undefined }]
    : [options: CallOptions & { params: PathParams<Path> }];

export class HttpClient {
  private readonly baseUrl: string;
  private readonly tokens: TokenStore;
  private readonly fetchImpl: typeof fetch;
  private refreshing: Promise<void> | null = null;
  onSessionExpired: (() => void) | null;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.tokens = options.tokens;
    // Looked up at call time so that tests can stub the global fetch after the client was made.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onSessionExpired = options.onSessionExpired ?? null;
  }

  /** The endpoint's caller, its path parameters typed from the path (`{order_id}` → `params.order_id`). */
  to<Path extends string>(endpoint: Endpoint<Path>) {
    return {
      send: <T>(...args: SendArgs<Path>): Promise<ApiResponse<T>> =>
        this.request<T>(endpoint, (args[0] ?? {}) as CallOptions & { params?: Record<string, string | number> }),
    };
  }

  async request<T>(
    endpoint: Endpoint,
    options: CallOptions & { params?: Record<string, string | number> },
  ): Promise<ApiResponse<T>> {
    const url = this.url(fillPath(endpoint.path, options.params), options.query);
    const auth = options.auth ?? true;
    const used = auth ? this.tokens.read() : null;
    let response = await this.fetchOnce(endpoint.method, url, options, used?.accessToken ?? null);
    if (response.status === 401 && used && (options.retryOnUnauthorized ?? true)) {
      await this.renewAfterUnauthorized(used.accessToken);
      const renewed = this.tokens.read();
      response = await this.fetchOnce(endpoint.method, url, options, renewed?.accessToken ?? null);
      if (response.status === 401) {
        this.expire();
        throw sessionExpiredError();
      }
    }
    return parseResponse<T>(response);
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null || value === '') continue;
      if (Array.isArray(value)) {
        for (const item of value) search.append(key, String(item));
      } else {
        search.append(key, String(value));
      }
    }
    const text = search.toString();
    return `${this.baseUrl}${path}${text ? `?${text}` : ''}`;
  }

  private async fetchOnce(method: string, url: string, options: CallOptions, accessToken: string | null) {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    try {
      return await this.fetchImpl(url, init);
    } catch {
      throw new ApiError({ status: 0, code: NETWORK_ERROR, error: 'The server could not be reached.' });
    }
  }

  /** After a 401 with `staleAccess`: make sure a newer access token exists, or end the session. */
  private async renewAfterUnauthorized(staleAccess: string): Promise<void> {
    const current = this.tokens.read();
    if (!current) throw sessionExpiredError();
    if (current.accessToken !== staleAccess) return; // another call renewed it meanwhile
    if (!current.refreshToken) {
      this.expire();
      throw sessionExpiredError();
    }
    if (!this.refreshing) {
      this.refreshing = this.refresh(current.refreshToken).finally(() => {
        this.refreshing = null;
      });
    }
    await this.refreshing;
  }

  private async refresh(refreshToken: string): Promise<void> {
    const response = await this.fetchOnce(
      endpoints.refresh.method,
      this.url(endpoints.refresh.path),
      { body: { refresh_token: refreshToken } },
      null,
    );
    if (response.status === 401 || response.status === 403 || response.status === 422) {
      this.expire();
      throw sessionExpiredError();
    }
    // Any other failure (429, 503, network) keeps the tokens: the session may still be good.
    const { data } = await parseResponse<TokenPair>(response);
    this.tokens.write({ accessToken: data.access_token, refreshToken: data.refresh_token ?? refreshToken });
  }

  private expire() {
    const hadSession = this.tokens.read() !== null;
    this.tokens.clear();
    if (hadSession) this.onSessionExpired?.();
  }
}

function sessionExpiredError() {
  return new ApiError({ status: 401, code: SESSION_EXPIRED, error: 'Your session has expired. Please log in again.' });
}

interface SuccessEnvelope {
  success: true;
  data: unknown;
  message?: string;
}

interface ErrorEnvelope {
  success: false;
  message?: string;
  error?: string | null;
  code?: string;
  details?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as text; anything else (absent, null, an object or array) as '' rather than "[object Object]". */
function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function readDetails(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isObject)
    .map((item) => ({ field: asText(item.field), problem: asText(item.problem) }))
    .filter((item) => item.problem !== '');
}

function readInteger(text: string | null): number | null {
  if (text === null || !/^\d+$/.test(text.trim())) return null;
  return Number(text.trim());
}

/** Unwraps a success envelope or throws the error envelope as an ApiError. */
export async function parseResponse<T>(response: Response): Promise<ApiResponse<T>> {
  let body: unknown = null;
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (response.ok) {
    if (isObject(body) && body.success === true && 'data' in body) {
      const envelope = body as unknown as SuccessEnvelope;
      return {
        data: envelope.data as T,
        message: typeof envelope.message === 'string' ? envelope.message : '',
        total: readInteger(response.headers.get('X-Total-Count')),
        headers: response.headers,
      };
    }
    throw new ApiError({
      status: response.status,
      code: 'bad_response',
      error: 'The server sent an unexpected answer.',
    });
  }
  const envelope = isObject(body) && body.success === false ? (body as unknown as ErrorEnvelope) : null;
  const fallback = response.statusText ? `${response.status} ${response.statusText}` : `HTTP ${response.status}`;
  throw new ApiError({
    status: response.status,
    code: envelope?.code && typeof envelope.code === 'string' ? envelope.code : `http_${response.status}`,
    error: envelope?.error || envelope?.message || fallback,
    summary: envelope?.message ?? '',
    details: readDetails(envelope?.details),
    retryAfter: readInteger(response.headers.get('Retry-After')),
  });
}
