// Views mounted in happy-dom with a memory router and a stubbed fetch: client-side validation under the
// fields (nothing sent), server errors next to their fields or in the alert, the lost accept race.
import { createPinia, setActivePinia } from 'pinia';
import { type Component, createApp, h, nextTick } from 'vue';
import { type RouteLocationNormalized, type RouteMeta, createMemoryHistory, createRouter } from 'vue-router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../src/api/tokens';
import { setLocale } from '../src/i18n';
import { guard, navLinks, routes } from '../src/router';
import LoginView from '../src/views/LoginView.vue';
import PublishOrderView from '../src/views/customer/PublishOrderView.vue';
import AvailableOrdersView from '../src/views/provider/AvailableOrdersView.vue';
import AdminDashboardView from '../src/views/admin/AdminDashboardView.vue';
import AdminRefundsView from '../src/views/admin/AdminRefundsView.vue';
import CustomerProfileView from '../src/views/customer/CustomerProfileView.vue';
import AdminUserDetailView from '../src/views/admin/AdminUserDetailView.vue';
import { type RecordedRequest, fail, fakeJwt, ok, sampleOrder, stubFetch, stubLostAcceptRace } from './helpers';

const Stub = { render: () => h('p', { id: 'stub' }, 'stub') };
// The app's paths and route names, each showing the stub: a test renders its view itself.
const stubRoutes = routes.map(({ path, name }) => ({ path, name, component: Stub }));
let unmount: (() => void) | null = null;

async function mount(component: Component, path: string, props: Record<string, unknown> = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: stubRoutes,
  });
  await router.push(path);
  await router.isReady();
  const host = document.createElement('div');
  document.body.appendChild(host);
  const pinia = createPinia();
  setActivePinia(pinia);
  const app = createApp({ render: () => h(component, props) });
  app.use(pinia);
  app.use(router);
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  await flush();
  return { host, router };
}

async function flush() {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await nextTick();
  }
}

function type(host: HTMLElement, selector: string, value: string) {
  const element = host.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(selector);
  if (!element) throw new Error(`no ${selector}`);
  element.value = value;
  element.dispatchEvent(new Event(element.tagName === 'SELECT' ? 'change' : 'input'));
}

async function submit(host: HTMLElement, selector: string) {
  host.querySelector(selector)!.dispatchEvent(new Event('submit', { cancelable: true }));
  await flush();
}

const text = (host: HTMLElement, selector: string) => host.querySelector(selector)?.textContent?.trim() ?? null;

/** Types `value` into the field `field` (a #id), submits `form`: the problem shows under the field, nothing is saved. */
async function expectRefused(host: HTMLElement, calls: RecordedRequest[], field: string, value: string, form: string) {
  type(host, field, value);
  await submit(host, form);
  expect(text(host, `${field}-error`)).not.toBeNull();
  expect(calls.filter((call) => call.method === 'PUT')).toHaveLength(0);
}

beforeEach(() => {
  setLocale('en');
  tokenStore.clear();
});

afterEach(() => {
  unmount?.();
  unmount = null;
});

describe('login view', () => {
  it('shows missing fields under them and sends nothing', async () => {
    const { calls } = stubFetch(() => ok({}));
    const { host } = await mount(LoginView, '/login');
    await submit(host, '[data-testid="login-form"]');
    expect(text(host, '#login-email-error')).toBe('This field is required.');
    expect(text(host, '#login-password-error')).toBe('This field is required.');
    expect(host.querySelector('#login-email')!.getAttribute('aria-invalid')).toBe('true');
    expect(host.querySelector('#login-email')!.getAttribute('aria-describedby')).toBe('login-email-error');
    expect(calls).toHaveLength(0);
  });

  it('shows wrong credentials in the alert next to the button', async () => {
    stubFetch(() => fail(401, 'invalid_credentials', 'Invalid credentials'));
    const { host } = await mount(LoginView, '/login');
    type(host, '#login-email', 'alice@example.com');
    type(host, '#login-password', 'wrong password');
    await submit(host, '[data-testid="login-form"]');
    expect(text(host, '[data-testid="login-error"]')).toBe('Wrong e-mail or password.');
    expect(host.querySelector('[data-testid="login-error"]')!.getAttribute('role')).toBe('alert');
  });

  it('goes to the role’s home, or back to where the visitor was sent from', async () => {
    const access = fakeJwt({ sub: '3', role: 1 });
    stubFetch((request) =>
      request.url.pathname.endsWith('/login')
        ? ok({ access_token: access, token_type: 'bearer', refresh_token: 'r' })
        : ok({ id: 3, username: 'alice', email: 'alice@example.com', role_id: 1, created_at: '2026-01-01T00:00:00Z' }),
    );
    const { host, router } = await mount(LoginView, '/login?redirect=/customer/orders/new');
    type(host, '#login-email', 'alice@example.com');
    type(host, '#login-password', 'correct horse');
    await submit(host, '[data-testid="login-form"]');
    expect(router.currentRoute.value.fullPath).toBe('/customer/orders/new');
  });

  it('says when the session expired', async () => {
    stubFetch(() => ok({}));
    const { host } = await mount(LoginView, '/login?expired=1');
    expect(text(host, '[data-testid="session-expired"]')).toBe('Your session has expired. Please log in again.');
  });
});

describe('publish view', () => {
  beforeEach(() => tokenStore.write({ accessToken: fakeJwt({ role: 1 }), refreshToken: 'r' }));

  it('checks the fields like the API before sending', async () => {
    const { calls } = stubFetch(() => ok({}));
    const { host } = await mount(PublishOrderView, '/customer/orders/new');
    type(host, '#publish-title', 'x'.repeat(256));
    type(host, '#publish-price', '0');
    type(host, '#publish-service_start_time', '2026-12-01T10:00');
    type(host, '#publish-service_end_time', '2026-12-01T09:00');
    await submit(host, '[data-testid="publish-form"]');
    expect(text(host, '#publish-title-error')).toBe('At most 255 characters.');
    expect(text(host, '#publish-price-error')).toBe(
      'Enter an amount from 0.01 to 99,999,999.99 with at most 2 decimals.',
    );
    expect(text(host, '#publish-service_type-error')).toBe('Choose one of the options.');
    expect(text(host, '#publish-location-error')).toBe('Choose one of the options.');
    expect(text(host, '#publish-service_end_time-error')).toBe('The end must be after the start.');
    expect(calls).toHaveLength(0);
  });

  it('puts the server’s 422 details under their fields and the rest in the alert', async () => {
    stubFetch(() =>
      fail(422, 'validation_failed', 'title: must not be empty', [
        { field: 'title', problem: 'must not contain only spaces' },
        { field: 'body', problem: 'unexpected field' },
      ]),
    );
    const { host } = await mount(PublishOrderView, '/customer/orders/new');
    type(host, '#publish-title', 'Fix the sink');
    type(host, '#publish-price', '120');
    type(host, '#publish-service_type', 'cleaning_repair');
    type(host, '#publish-location', 'NORTH');
    await submit(host, '[data-testid="publish-form"]');
    expect(text(host, '#publish-title-error')).toBe('must not contain only spaces');
    expect(text(host, '[data-testid="publish-error"]')).toContain('body: unexpected field');
  });

  it('publishes a valid order and opens it', async () => {
    const { calls } = stubFetch(() => ok({ order_id: 42, status: 'pending_review', message: 'ok' }));
    const { host, router } = await mount(PublishOrderView, '/customer/orders/new');
    type(host, '#publish-title', 'Fix the sink');
    type(host, '#publish-description', 'Leaks');
    type(host, '#publish-price', '120.50');
    type(host, '#publish-service_type', 'cleaning_repair');
    type(host, '#publish-location', 'NORTH');
    await submit(host, '[data-testid="publish-form"]');
    expect(calls[0].method).toBe('POST');
    expect(calls[0].url.pathname).toBe('/api/v1/customer/orders/publish');
    expect(calls[0].body).toEqual({
      title: 'Fix the sink',
      description: 'Leaks',
      service_type: 'cleaning_repair',
      price: 120.5,
      location: 'NORTH',
    });
    expect(router.currentRoute.value.fullPath).toBe('/customer/orders/42?published=1');
  });
});

describe('available orders view', () => {
  beforeEach(() => tokenStore.write({ accessToken: fakeJwt({ role: 2 }), refreshToken: 'r' }));

  it('tells the provider who lost the race and refreshes the list', async () => {
    const { lists } = stubLostAcceptRace();
    const { host } = await mount(AvailableOrdersView, '/provider/available');
    expect(host.querySelector('[data-testid="order-7"]')).not.toBeNull();
    (host.querySelector('[data-testid="accept-7"]') as HTMLButtonElement).click();
    await flush();
    expect(text(host, '[data-testid="accept-taken"]')).toBe(
      'Order #7 has already been accepted by another provider. The list was refreshed.',
    );
    expect(lists()).toBe(2);
    expect(host.querySelector('[data-testid="order-7"]')).toBeNull();
    expect(text(host, '[data-testid="empty"]')).toBe('No open orders match these filters.');
  });

  it('checks price filters before searching', async () => {
    const { calls } = stubFetch(() => ok([], { headers: { 'X-Total-Count': '0' } }));
    const { host } = await mount(AvailableOrdersView, '/provider/available');
    type(host, '#filter-min-price', '50');
    type(host, '#filter-max-price', '10');
    await submit(host, '[data-testid="filters"]');
    expect(text(host, '#filter-max-price-error')).toBe('The maximum must not be below the minimum.');
    expect(calls).toHaveLength(1); // only the first load
  });
});

describe('a list filter in the URL (admin refunds)', () => {
  beforeEach(() => tokenStore.write({ accessToken: fakeJwt({ role: 3 }), refreshToken: 'r' }));

  it('shows the pending ones by default; a chosen status goes into the query and reloads the first page', async () => {
    const { calls } = stubFetch(() => ok([], { headers: { 'X-Total-Count': '0' } }));
    const { host, router } = await mount(AdminRefundsView, '/admin/refunds?status=nonsense');
    expect(host.querySelector<HTMLSelectElement>('#refund-status-filter')!.value).toBe('pending');
    expect(calls[0].url.searchParams.get('status')).toBe('pending');
    type(host, '#refund-status-filter', 'all');
    await flush();
    expect(router.currentRoute.value.fullPath).toBe('/admin/refunds?status=all');
    expect(calls[1].url.searchParams.get('status')).toBeNull();
    expect(calls[1].url.searchParams.get('offset')).toBe('0');
    type(host, '#refund-status-filter', 'pending');
    await flush();
    expect(router.currentRoute.value.fullPath).toBe('/admin/refunds');
    expect(calls[2].url.searchParams.get('status')).toBe('pending');
  });
  it('heads each refund with its number, a link to its order and the amount', async () => {
    const refund = {
      refund_id: 3,
      payment_id: 9,
      order_id: 5,
      customer_id: 2,
      amount: 120.5,
      reason: 'The leak came back.',
      status: 'pending',
      decision_reason: null,
      created_at: '2026-11-01T00:00:00Z',
    };
    stubFetch(() => ok([refund], { headers: { 'X-Total-Count': '1' } }));
    const { host } = await mount(AdminRefundsView, '/admin/refunds');
    expect(text(host, '[data-testid="refund-3"] strong')).toBe('Refund #3 · Order #5');
    expect(host.querySelector('[data-testid="refund-3"] strong a')!.getAttribute('href')).toBe('/admin/orders/5');
    expect(text(host, '[data-testid="refund-3"] .amount')).toContain('120.50');
  });
});

describe('admin dashboard view', () => {
  beforeEach(() => tokenStore.write({ accessToken: fakeJwt({ role: 3 }), refreshToken: 'r' }));

  it('shows exact counts from one small request per status, with the total and the newest orders', async () => {
    const totals: Record<string, number> = {
      pending_review: 2,
      pending: 230,
      accepted: 1,
      in_progress: 4,
      completed: 9,
      reviewed: 61,
      cancelled: 18,
    };
    const { calls } = stubFetch((request) => {
      const status = request.url.searchParams.get('status');
      if (request.url.pathname.endsWith('/admin/refunds')) return ok([], { headers: { 'X-Total-Count': '3' } });
      if (status) return ok([{ ...sampleOrder, status }], { headers: { 'X-Total-Count': String(totals[status]) } });
      return ok([sampleOrder], { headers: { 'X-Total-Count': '325' } });
    });
    const { host } = await mount(AdminDashboardView, '/admin');

    const orderQueries = calls
      .filter((call) => call.url.pathname.endsWith('/admin/orders'))
      .map((call) => Object.fromEntries(call.url.searchParams));
    expect(orderQueries).toHaveLength(8);
    expect(orderQueries).toEqual(
      expect.arrayContaining([...Object.keys(totals).map((status) => ({ status, limit: '1' })), { limit: '8' }]),
    );
    for (const [status, count] of Object.entries(totals)) {
      expect(text(host, `[data-testid="count-${status}"] .stat__value`)).toBe(String(count));
    }
    expect(text(host, '[data-testid="dashboard-total"]')).toBe('325 orders in all.');
    expect(text(host, '[data-testid="queue-review"] .queue-link__count')).toBe('2');
    expect(text(host, '[data-testid="queue-refunds"] .queue-link__count')).toBe('3');
    expect(host.querySelectorAll('[data-testid="recent-activity"] li')).toHaveLength(1);
  });
});

describe('route table', () => {
  it('names each area’s pages after the area, with its role; a detail page gets its number (and mode)', () => {
    const router = createRouter({ history: createMemoryHistory(), routes });
    const at = (path: string) => {
      // A resolved location is a normalized one for a props function (it only reads `params`).
      const route = router.resolve(path) as RouteLocationNormalized;
      const props = route.matched[0].props.default;
      return { name: route.name, role: route.meta.role, props: typeof props === 'function' ? props(route) : props };
    };
    expect(at('/customer/orders/new')).toEqual({ name: 'customer-publish', role: 1, props: false });
    expect(at('/customer/orders/4')).toEqual({ name: 'customer-order', role: 1, props: { id: 4 } });
    expect(at('/provider/available/7')).toEqual({
      name: 'provider-available-order',
      role: 2,
      props: { id: 7, mode: 'available' },
    });
    expect(at('/provider/orders/7')).toEqual({ name: 'provider-order', role: 2, props: { id: 7, mode: 'mine' } });
    expect(at('/admin')).toEqual({ name: 'admin-dashboard', role: 3, props: false });
    expect(at('/admin/users/5')).toEqual({ name: 'admin-user', role: 3, props: { id: 5 } });
    expect(at('/provider/inbox').name).toBe('provider-inbox');
  });
});

describe('top bar links', () => {
  it('lists each role’s pages in order, the inbox with its badge, and none for a visitor', () => {
    const shown = (role: 1 | 2 | 3) =>
      navLinks(role).map((link) => `${link.to} ${link.testid}${link.badge ? ' *' : ''}`);
    expect(shown(1)).toEqual([
      '/customer/orders nav-orders',
      '/customer/orders/new nav-new-order',
      '/customer/payments nav-payments',
      '/customer/inbox nav-inbox *',
      '/customer/profile nav-profile',
    ]);
    expect(shown(2)).toEqual([
      '/provider/available nav-available',
      '/provider/orders nav-jobs',
      '/provider/inbox nav-inbox *',
      '/provider/profile nav-profile',
    ]);
    expect(shown(3)).toEqual([
      '/admin nav-dashboard',
      '/admin/review nav-review',
      '/admin/orders nav-admin-orders',
      '/admin/users nav-users',
      '/admin/refunds nav-refunds',
      '/admin/notices nav-notices',
    ]);
    expect(navLinks(null)).toEqual([]);
  });
});

describe('route guard', () => {
  const visitor = { isAuthenticated: false, role: null, homePath: '/login' };
  const customer = { isAuthenticated: true, role: 1 as const, homePath: '/customer/orders' };
  const route = (meta: RouteMeta, fullPath = '/x', name = 'x') => ({ meta, fullPath, name });

  it('sends visitors of a role area to the login page with a way back', () => {
    expect(guard(route({ role: 1 }, '/customer/orders/5'), visitor)).toEqual({
      name: 'login',
      query: { redirect: '/customer/orders/5' },
    });
  });

  it('keeps users out of other roles’ areas', () => {
    expect(guard(route({ role: 3 }), customer)).toBe('/customer/orders');
    expect(guard(route({ role: 2 }), customer)).toBe('/customer/orders');
    expect(guard(route({ role: 1 }), customer)).toBe(true);
  });

  it('sends signed-in users away from login and register', () => {
    expect(guard(route({ guestOnly: true }), customer)).toBe('/customer/orders');
    expect(guard(route({ guestOnly: true }), visitor)).toBe(true);
    expect(guard(route({}, '/', 'home'), customer)).toBe('/customer/orders');
  });
});

const profile = {
  user_id: 3,
  location: 'SOUTH',
  address: '1 Main St',
  budget_preference: 80,
  created_at: null,
  updated_at: null,
};

describe('customer profile view', () => {
  beforeEach(() => tokenStore.write({ accessToken: fakeJwt({ role: 1 }), refreshToken: 'r' }));

  it('fills the form from the loaded profile and saves the edited one', async () => {
    const { calls } = stubFetch((request) =>
      request.method === 'PUT' ? ok({ ...profile, budget_preference: 95 }) : ok(profile),
    );
    const { host } = await mount(CustomerProfileView, '/customer/profile');
    expect((host.querySelector('#profile-address') as HTMLInputElement).value).toBe('1 Main St');
    type(host, '#profile-budget', '95');
    await submit(host, '[data-testid="profile-form"]');
    const put = calls.find((call) => call.method === 'PUT');
    expect(put?.body).toMatchObject({ location: 'SOUTH', address: '1 Main St', budget_preference: 95 });
    expect(text(host, '[data-testid="profile-saved"]')).toBe('Profile saved.');
  });

  it('shows a problem under its field and sends nothing', async () => {
    const { calls } = stubFetch(() => ok(profile));
    const { host } = await mount(CustomerProfileView, '/customer/profile');
    await expectRefused(host, calls, '#profile-budget', 'lots', '[data-testid="profile-form"]');
    expect(host.querySelector('[data-testid="profile-saved"]')).toBeNull();
  });
});

describe('admin user detail view', () => {
  beforeEach(() => tokenStore.write({ accessToken: fakeJwt({ role: 3 }), refreshToken: 'r' }));

  const user = {
    user_id: 5,
    username: 'carol',
    email: 'carol@example.com',
    role_id: 1,
    role_name: 'customer',
    created_at: '2026-11-01T00:00:00Z',
    profile: { ...profile, user_id: 5 },
  };

  it('sends only the changed account fields, and nothing when nothing changed', async () => {
    const { calls } = stubFetch((request) =>
      request.method === 'PUT' ? ok({ ...user, email: 'c@example.com' }) : ok(user),
    );
    const { host } = await mount(AdminUserDetailView, '/admin/users/5', { id: 5 });
    await submit(host, '[data-testid="user-account-form"]');
    expect(text(host, '[data-testid="user-saved"]')).toBe('Nothing was changed.');
    expect(calls.filter((call) => call.method === 'PUT')).toHaveLength(0);

    type(host, '#user-email', 'c@example.com');
    await submit(host, '[data-testid="user-account-form"]');
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ email: 'c@example.com' });
    expect(text(host, '[data-testid="user-saved"]')).toBe('User saved.');
  });

  it('shows a profile problem under its field and sends nothing', async () => {
    const { calls } = stubFetch(() => ok(user));
    const { host } = await mount(AdminUserDetailView, '/admin/users/5', { id: 5 });
    await expectRefused(host, calls, '#user-budget', 'lots', '[data-testid="user-profile-form"]');
  });
});
