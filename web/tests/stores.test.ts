import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../src/api/tokens';
import { toAvailableQuery, emptyFilters, useAvailableOrdersStore } from '../src/stores/availableOrders';
import { useInboxStore } from '../src/stores/inbox';
import { useSessionStore } from '../src/stores/session';
import { fail, fakeJwt, ok, sampleOrder, stubFetch, stubLostAcceptRace } from './helpers';

beforeEach(() => {
  tokenStore.clear();
  sessionStorage.clear();
  setActivePinia(createPinia());
});

describe('session store', () => {
  const me = { id: 3, username: 'alice', email: 'alice@example.com', role_id: 2, created_at: '2026-11-27T02:37:32Z' };

  it('logs in: keeps the tokens, takes the role from the token, loads the account', async () => {
    const access = fakeJwt({ sub: '3', role: 2, exp: 9999999999 });
    const { calls } = stubFetch((request) =>
      request.url.pathname.endsWith('/auth/login')
        ? ok({ access_token: access, token_type: 'bearer', refresh_token: 'refresh-1', expires_in: 1800 })
        : ok(me),
    );
    const session = useSessionStore();
    await session.login(' alice@example.com ', 'correct horse');
    expect(calls[0].body).toEqual({ email: 'alice@example.com', password: 'correct horse' });
    expect(session.role).toBe(2);
    expect(session.isAuthenticated).toBe(true);
    expect(session.user?.username).toBe('alice');
    expect(session.homePath).toBe('/provider/available');
    expect(session.inboxOwner).toBe('provider');
    expect(tokenStore.read()).toEqual({ accessToken: access, refreshToken: 'refresh-1' });
    expect(JSON.parse(sessionStorage.getItem('mp.session')!)).toEqual({
      accessToken: access,
      refreshToken: 'refresh-1',
    });
  });

  it('does not keep anything after a failed login', async () => {
    stubFetch(() => fail(401, 'invalid_credentials', 'Invalid credentials'));
    const session = useSessionStore();
    await expect(session.login('a@example.com', 'wrongwrong')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(session.isAuthenticated).toBe(false);
    expect(tokenStore.read()).toBeNull();
  });

  it('logs out: revokes on the server and forgets the tokens even if that call fails', async () => {
    tokenStore.write({ accessToken: fakeJwt({ role: 1 }), refreshToken: 'refresh-1' });
    const { calls } = stubFetch(() => fail(503, 'auth_unavailable', 'down'));
    const session = useSessionStore();
    expect(session.role).toBe(1);
    await session.logout();
    expect(calls[0].url.pathname).toBe('/api/v1/auth/logout');
    expect(calls[0].body).toEqual({ refresh_token: 'refresh-1' });
    expect(tokenStore.read()).toBeNull();
    expect(session.role).toBeNull();
    expect(session.isAuthenticated).toBe(false);
  });

  it('restores the account of a kept session and marks an expired one', async () => {
    tokenStore.write({ accessToken: fakeJwt({ role: 2 }), refreshToken: 'r' });
    stubFetch(() => ok(me));
    const session = useSessionStore();
    await session.restore();
    expect(session.user?.id).toBe(3);
    session.markExpired();
    expect(session.expired).toBe(true);
    expect(session.role).toBeNull();
  });

  it('registers without logging in', async () => {
    const { calls } = stubFetch(() => ok({ id: 9, username: 'bob', email: 'bob@example.com' }));
    const session = useSessionStore();
    await session.register({ username: 'bob', email: ' bob@example.com ', password: 'correct horse', role_id: 1 });
    expect(calls[0].body).toEqual({ username: 'bob', email: 'bob@example.com', password: 'correct horse', role_id: 1 });
    expect(calls[0].headers.Authorization).toBeUndefined();
    expect(session.isAuthenticated).toBe(false);
  });
});

describe('inbox store', () => {
  const items = [
    {
      id: 'a'.repeat(24),
      customer_id: 3,
      provider_id: null,
      order_id: 7,
      message: 'one',
      created_at: '2026-11-27T02:00:00Z',
      is_read: false,
    },
    {
      id: 'b'.repeat(24),
      customer_id: 3,
      provider_id: null,
      order_id: null,
      message: 'two',
      created_at: '2026-11-27T01:00:00Z',
      is_read: false,
    },
  ];

  it('loads a page of the owner’s inbox', async () => {
    tokenStore.write({ accessToken: 'x', refreshToken: null });
    const { calls } = stubFetch(() => ok({ items, total: 25, unread: 2 }, { headers: { 'X-Total-Count': '25' } }));
    const inbox = useInboxStore();
    inbox.use('customer');
    await inbox.load(20);
    expect(calls[0].url.pathname).toBe('/api/v1/customer/inbox');
    expect(calls[0].url.searchParams.get('offset')).toBe('20');
    expect(inbox.items).toHaveLength(2);
    expect(inbox.total).toBe(25);
    expect(inbox.unread).toBe(2);
    expect(inbox.offset).toBe(20);
  });

  it('marks one and all as read, updating the badge count', async () => {
    tokenStore.write({ accessToken: 'x', refreshToken: null });
    const { calls } = stubFetch((request) => {
      if (request.url.pathname.endsWith('/read-all')) return ok({ updated: 1 });
      if (request.url.pathname.endsWith('/read')) return ok({ ...items[0], is_read: true });
      return ok({ items, total: 2, unread: 2 });
    });
    const inbox = useInboxStore();
    inbox.use('provider');
    await inbox.load(0);
    await inbox.markRead(items[0].id);
    expect(calls[1]).toMatchObject({ method: 'PUT' });
    expect(calls[1].url.pathname).toBe(`/api/v1/provider/inbox/${items[0].id}/read`);
    expect(inbox.unread).toBe(1);
    expect(inbox.items[0].is_read).toBe(true);
    await inbox.markAllRead();
    expect(calls[2].url.pathname).toBe('/api/v1/provider/inbox/read-all');
    expect(inbox.unread).toBe(0);
    expect(inbox.items.every((item) => item.is_read)).toBe(true);
  });

  it('refreshes the unread count and keeps it on failure', async () => {
    tokenStore.write({ accessToken: 'x', refreshToken: null });
    let answer = ok({ unread: 4 });
    stubFetch(() => answer);
    const inbox = useInboxStore();
    inbox.use('customer');
    await inbox.refreshUnread();
    expect(inbox.unread).toBe(4);
    answer = fail(503, 'store_unavailable', 'down');
    await inbox.refreshUnread();
    expect(inbox.unread).toBe(4);
  });

  it('does nothing without an owner (admins have no inbox)', async () => {
    const { calls } = stubFetch(() => ok({}));
    const inbox = useInboxStore();
    inbox.use(null);
    await inbox.load();
    await inbox.refreshUnread();
    expect(calls).toHaveLength(0);
  });
});

describe('available orders store', () => {
  it('turns filters into the query (empty ones left out)', () => {
    expect(toAvailableQuery(emptyFilters(), 10, 0)).toEqual({ limit: 10, offset: 0 });
    expect(
      toAvailableQuery(
        { location: 'EAST', service_type: 'other', min_price: '10', max_price: '99.5', keyword: ' sink ' },
        20,
        40,
      ),
    ).toEqual({
      limit: 20,
      offset: 40,
      location: 'EAST',
      service_type: 'other',
      min_price: 10,
      max_price: 99.5,
      keyword: 'sink',
    });
  });

  it('applies filters from the first page and reads the total', async () => {
    tokenStore.write({ accessToken: 'x', refreshToken: null });
    const { calls } = stubFetch(() => ok([sampleOrder], { headers: { 'X-Total-Count': '31' } }));
    const store = useAvailableOrdersStore();
    store.offset = 20;
    store.filters.keyword = 'sink';
    await store.applyFilters();
    expect(calls[0].url.searchParams.get('keyword')).toBe('sink');
    expect(calls[0].url.searchParams.get('offset')).toBe('0');
    expect(store.total).toBe(31);
    expect(store.items).toHaveLength(1);
  });

  it('accepts an order and drops it from the list', async () => {
    tokenStore.write({ accessToken: 'x', refreshToken: null });
    stubFetch((request) =>
      request.method === 'POST'
        ? ok({ order_id: 7, status: 'accepted', message: 'ok' })
        : ok([sampleOrder], { headers: { 'X-Total-Count': '1' } }),
    );
    const store = useAvailableOrdersStore();
    await store.load();
    expect(await store.accept(7)).toEqual({ kind: 'accepted', orderId: 7 });
    expect(store.items).toHaveLength(0);
    expect(store.total).toBe(0);
  });

  it('reports a lost race (409) as taken and refreshes the list', async () => {
    tokenStore.write({ accessToken: 'x', refreshToken: null });
    const { lists } = stubLostAcceptRace();
    const store = useAvailableOrdersStore();
    await store.load();
    expect(await store.accept(7)).toEqual({ kind: 'taken', orderId: 7 });
    expect(lists()).toBe(2);
    expect(store.items).toHaveLength(0);
  });

  it('passes other failures on', async () => {
    tokenStore.write({ accessToken: 'x', refreshToken: null });
    stubFetch(() => fail(403, 'forbidden', 'Permission denied'));
    const store = useAvailableOrdersStore();
    const outcome = await store.accept(7);
    expect(outcome.kind).toBe('failed');
  });
});
