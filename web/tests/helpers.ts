// Test helpers: a recording fetch stub, envelope builders and fake JWTs.
import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function ok(data: unknown, options: { message?: string; headers?: Record<string, string> } = {}): Response {
  return jsonResponse(
    200,
    { success: true, data, message: options.message ?? 'Success', error: null },
    options.headers,
  );
}

export function fail(
  status: number,
  code: string,
  error: string,
  details: { field: string; problem: string }[] = [],
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, { success: false, data: null, message: 'Failed', error, code, details }, headers);
}

/** Replaces the global fetch; every call is recorded (method, parsed URL, headers, JSON body). */
export function stubFetch(handler: Handler) {
  const calls: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[key] = value;
    const request: RecordedRequest = {
      method: (init.method ?? 'GET').toUpperCase(),
      url: new URL(input instanceof Request ? input.url : input, 'http://localhost'),
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(request);
    return handler(request);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

function base64Url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fakeJwt(claims: Record<string, unknown>): string {
  return `${base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64Url(JSON.stringify(claims))}.c2lnbmF0dXJl`;
}

export function memoryTokenStore(initial: { accessToken: string; refreshToken: string | null } | null = null) {
  let current = initial;
  return {
    read: () => current,
    write: (tokens: { accessToken: string; refreshToken: string | null }) => {
      current = { ...tokens };
    },
    clear: () => {
      current = null;
    },
  };
}

export const sampleOrder = {
  id: 7,
  customer_id: 3,
  title: 'Fix the sink',
  description: 'Leaks under the kitchen sink',
  service_type: 'cleaning_repair',
  status: 'pending',
  price: 120.5,
  location: 'NORTH',
  address: '1 Main St',
  service_start_time: '2026-12-01T09:00:00Z',
  service_end_time: '2026-12-01T12:00:00Z',
  created_at: '2026-11-27T02:37:37Z',
  updated_at: '2026-11-27T02:37:45Z',
  provider_id: null,
  payment_status: 'unpaid',
  has_review: false,
} as const;

/**
 * A lost accept race: accepting answers 409 (another provider was faster); the list of open orders has
 * sampleOrder at first and nothing after. `lists()` counts the list loads.
 */
export function stubLostAcceptRace() {
  let lists = 0;
  const stub = stubFetch((request) => {
    if (request.method === 'POST') return fail(409, 'order_already_accepted', 'The order has already been accepted!');
    lists += 1;
    return lists === 1
      ? ok([sampleOrder], { headers: { 'X-Total-Count': '1' } })
      : ok([], { headers: { 'X-Total-Count': '0' } });
  });
  return { ...stub, lists: () => lists };
}
