import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../src/api/client';
import { ApiError, HttpClient, NETWORK_ERROR, SESSION_EXPIRED } from '../src/api/http';
import { fail, jsonResponse, memoryTokenStore, ok, stubFetch } from './helpers';

/** The refresh endpoint answers `refresh()`, every other call `other()`. */
function stubRefresh(refresh: () => Response, other: () => Response) {
  return stubFetch((request) => (request.url.pathname.endsWith('/auth/refresh') ? refresh() : other()));
}

/** What the refresh endpoint answers: a new pair of tokens, or a refusal, or auth being down. */
const renewed = () => ok({ access_token: 'access-2', token_type: 'bearer', refresh_token: 'refresh-2' });
const refusedRefresh = () => fail(401, 'invalid_refresh_token', 'Invalid or expired refresh token');
const authDown = () => fail(503, 'auth_unavailable', 'Auth service unavailable');
/** What a call with a token the services refuse gets back. */
const expired = () => fail(401, 'token_expired', 'expired');
const revoked = () => fail(401, 'token_revoked', 'revoked');

function client(tokens = memoryTokenStore({ accessToken: 'access-1', refreshToken: 'refresh-1' })) {
  const onSessionExpired = vi.fn();
  const http = new HttpClient({ baseUrl: '/api/v1', tokens, onSessionExpired });
  return { http, api: createApi(http), tokens, onSessionExpired };
}

describe('envelope', () => {
  it('unwraps data and reads X-Total-Count for lists', async () => {
    const { calls } = stubFetch(() => ok([{ id: 1 }, { id: 2 }], { headers: { 'X-Total-Count': '42' } }));
    const { api } = client();
    const page = await api.customerOrders.history({ limit: 2, offset: 10 });
    expect(page).toEqual({ items: [{ id: 1 }, { id: 2 }], total: 42 });
    expect(calls[0].method).toBe('GET');
    expect(calls[0].url.pathname).toBe('/api/v1/customer/orders/history');
    expect(calls[0].url.searchParams.get('limit')).toBe('2');
    expect(calls[0].url.searchParams.get('offset')).toBe('10');
  });

  it('falls back to the page length when X-Total-Count is missing', async () => {
    stubFetch(() => ok([{ id: 1 }]));
    const { api } = client();
    expect((await api.adminOrders.list()).total).toBe(1);
  });

  it('sends the bearer token on authenticated routes and none on login', async () => {
    const { calls } = stubFetch((request) =>
      request.url.pathname.endsWith('/auth/login')
        ? ok({ access_token: 'a', token_type: 'bearer', refresh_token: 'r' })
        : ok({ id: 1, username: 'u', email: 'e', role_id: 1, created_at: '' }),
    );
    const { api } = client();
    await api.auth.login({ email: 'a@example.com', password: 'secret123' });
    await api.auth.me();
    expect(calls[0].headers.Authorization).toBeUndefined();
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    expect(calls[0].body).toEqual({ email: 'a@example.com', password: 'secret123' });
    expect(calls[1].headers.Authorization).toBe('Bearer access-1');
    expect(calls[1].headers['Content-Type']).toBeUndefined();
  });

  it('leaves out empty query values and fills path parameters', async () => {
    const { calls } = stubFetch(() => ok([]));
    const { api } = client();
    await api.providerOrders.available({ location: 'NORTH', keyword: '', min_price: 0, limit: 10, offset: 0 });
    await api.adminUsers.list({ role_id: 0 });
    const query = Object.fromEntries(calls[0].url.searchParams);
    expect(query).toEqual({ location: 'NORTH', min_price: '0', limit: '10', offset: '0' });
    expect(calls[1].url.search).toBe('');
  });

  it('rejects a success status without an envelope', async () => {
    stubFetch(() => new Response('<html>', { status: 200 }));
    const { api } = client();
    await expect(api.auth.me()).rejects.toMatchObject({ code: 'bad_response' });
  });
});

describe('error mapping', () => {
  it('keeps status, code, text and field details of a 422', async () => {
    stubFetch(() =>
      fail(422, 'validation_failed', 'title: must not be empty', [
        { field: 'title', problem: 'must not be empty' },
        { field: 'price', problem: 'must be between 0.01 and 99999999.99' },
      ]),
    );
    const { api } = client();
    const error = await api.customerOrders
      .publish({ title: '', service_type: 'other', price: 0, location: 'MID' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: 'validation_failed',
      message: 'title: must not be empty',
      summary: 'Failed',
      details: [
        { field: 'title', problem: 'must not be empty' },
        { field: 'price', problem: 'must be between 0.01 and 99999999.99' },
      ],
    });
  });

  it('maps a 409 to its code', async () => {
    stubFetch(() => fail(409, 'order_already_accepted', 'The order has already been accepted!'));
    const { api } = client();
    await expect(api.providerOrders.accept(5)).rejects.toMatchObject({ status: 409, code: 'order_already_accepted' });
  });

  it('reads Retry-After of a 429', async () => {
    stubFetch(() => fail(429, 'rate_limited', 'Rate limit exceeded', [], { 'Retry-After': '17' }));
    const { api } = client();
    await expect(api.auth.me()).rejects.toMatchObject({ status: 429, retryAfter: 17 });
  });

  it('turns a non-JSON error into an ApiError with the HTTP status', async () => {
    stubFetch(() => new Response('Bad Gateway', { status: 502, statusText: 'Bad Gateway' }));
    const { api } = client();
    await expect(api.auth.me()).rejects.toMatchObject({ status: 502, code: 'http_502', details: [] });
  });

  it('turns a network failure into status 0', async () => {
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const { api } = client();
    await expect(api.auth.me()).rejects.toMatchObject({ status: 0, code: NETWORK_ERROR });
  });

  it('ignores malformed details', async () => {
    stubFetch(() =>
      jsonResponse(422, {
        success: false,
        data: null,
        message: 'x',
        error: 'bad',
        code: 'validation_failed',
        details: ['x', { field: 'a' }, { field: 'b', problem: { text: 'nested' } }, { field: { x: 1 }, problem: 'p' }],
      }),
    );
    const { api } = client();
    // Never "[object Object]" on screen: a problem that is not text is dropped, a field that is not text is ''.
    await expect(api.auth.me()).rejects.toMatchObject({ details: [{ field: '', problem: 'p' }] });
  });
});

describe('refresh on 401', () => {
  it('refreshes once and retries the original call with the new token', async () => {
    const { calls } = stubFetch((request) => {
      if (request.url.pathname.endsWith('/auth/refresh')) {
        return renewed();
      }
      return request.headers.Authorization === 'Bearer access-2'
        ? ok({ id: 1, username: 'u', email: 'e', role_id: 1, created_at: '' })
        : fail(401, 'token_expired', 'Invalid token: expired');
    });
    const { api, tokens } = client();
    const me = await api.auth.me();
    expect(me.id).toBe(1);
    expect(calls.map((c) => c.url.pathname)).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh', '/api/v1/auth/me']);
    expect(calls[1].body).toEqual({ refresh_token: 'refresh-1' });
    expect(calls[1].headers.Authorization).toBeUndefined();
    expect(tokens.read()).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('shares one refresh between concurrent 401s', async () => {
    let refreshes = 0;
    let releaseRefresh: () => void = () => {};
    const refreshGate = new Promise<void>((resolve) => (releaseRefresh = resolve));
    const { calls } = stubFetch(async (request) => {
      if (request.url.pathname.endsWith('/auth/refresh')) {
        refreshes += 1;
        await refreshGate;
        return renewed();
      }
      return request.headers.Authorization === 'Bearer access-2' ? ok({ unread: 3 }) : expired();
    });
    const { api } = client();
    const pending = Promise.all([
      api.inbox.unreadCount('customer'),
      api.inbox.unreadCount('customer'),
      api.inbox.unreadCount('customer'),
    ]);
    await vi.waitFor(() => expect(refreshes).toBe(1));
    releaseRefresh();
    expect(await pending).toEqual([3, 3, 3]);
    expect(refreshes).toBe(1);
    expect(calls.filter((c) => c.url.pathname.endsWith('/unread-count'))).toHaveLength(6);
  });

  it('does not refresh again for a 401 that arrives after another call already renewed the token', async () => {
    let refreshes = 0;
    const tokens = memoryTokenStore({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    const http = new HttpClient({ baseUrl: '/api/v1', tokens });
    stubFetch((request) => {
      if (request.url.pathname.endsWith('/auth/refresh')) {
        refreshes += 1;
        return renewed();
      }
      if (request.headers.Authorization === 'Bearer access-1') {
        // The token changes while this request is in flight (another call refreshed it).
        tokens.write({ accessToken: 'access-2', refreshToken: 'refresh-2' });
        return expired();
      }
      return ok({ unread: 1 });
    });
    expect(await createApi(http).inbox.unreadCount('provider')).toBe(1);
    expect(refreshes).toBe(0);
  });

  // Each waiting call fails the same way, and the session ends (once) or stays.
  it.each([
    ['ends the session when the refresh token is refused', refusedRefresh, expired, 401, true],
    ['ends the session when the retried call is refused again', renewed, revoked, 401, true],
    ['keeps the session when the refresh fails for another reason (service down)', authDown, expired, 503, false],
  ])('%s', async (_title, refresh, other, status, ends) => {
    stubRefresh(refresh, other);
    const { api, tokens, onSessionExpired } = client();
    const results = await Promise.allSettled([api.auth.me(), api.inbox.unreadCount('customer')]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as ApiError;
      expect(reason).toMatchObject(ends ? { status, code: SESSION_EXPIRED } : { status });
    }
    expect(tokens.read() === null).toBe(ends);
    expect(onSessionExpired).toHaveBeenCalledTimes(ends ? 1 : 0);
  });

  it('never refreshes for a failed login (no token involved)', async () => {
    const { calls } = stubFetch(() => fail(401, 'invalid_credentials', 'Invalid credentials'));
    const { api, onSessionExpired } = client();
    await expect(api.auth.login({ email: 'a@example.com', password: 'wrongwrong' })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    expect(calls).toHaveLength(1);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('does not retry logout after a 401', async () => {
    const { calls } = stubFetch(expired);
    const { api } = client();
    await expect(api.auth.logout('refresh-1')).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ refresh_token: 'refresh-1' });
  });
});

describe('payments', () => {
  it('sends the Idempotency-Key header with the pay request', async () => {
    const { calls } = stubFetch(() =>
      ok({ payment_id: 1, order_id: 9, amount: 10, status: 'completed', message: 'Payment successful' }),
    );
    const { api } = client();
    await api.payments.pay(9, 'key-123');
    expect(calls[0].method).toBe('POST');
    expect(calls[0].url.pathname).toBe('/api/v1/customer/payments/pay');
    expect(calls[0].headers['Idempotency-Key']).toBe('key-123');
    expect(calls[0].body).toEqual({ order_id: 9 });
  });

  it('reuses the same key when a retried request repeats it', async () => {
    const seen: string[] = [];
    stubFetch((request) => {
      seen.push(request.headers['Idempotency-Key']);
      return seen.length === 1 ? fail(503, 'store_unavailable', 'down') : ok({ payment_id: 1, order_id: 9 });
    });
    const { api } = client();
    await expect(api.payments.pay(9, 'same-key')).rejects.toMatchObject({ status: 503 });
    await api.payments.pay(9, 'same-key');
    expect(seen).toEqual(['same-key', 'same-key']);
  });
});
