// End-to-end: the whole order lifecycle through the web app, with one browser context per person
// (customer, provider on a phone-sized screen, admin, and a second provider who loses an accept race).
//
//   WEB_BASE_URL=http://127.0.0.1:4173 E2E_ADMIN_EMAIL=... E2E_ADMIN_PASSWORD=... node e2e/lifecycle.mjs
//
// Env: WEB_BASE_URL (default http://127.0.0.1:4173, i.e. `npx vite preview`), E2E_ADMIN_EMAIL and
// E2E_ADMIN_PASSWORD (an existing admin), E2E_SCREENSHOT_DIR (default web/test-results/), CHROMIUM_PATH
// (default /usr/bin/chromium). It registers 3 users through the gateway (its limit is 20 auth requests per
// minute per address; this run makes about 12). Any console error or page error fails the run, except
// the HTTP errors a step provokes on purpose (declared with `expectHttpErrors`).

import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BASE = (process.env.WEB_BASE_URL ?? 'http://127.0.0.1:4173').replace(/\/$/, '');
const SHOTS = resolve(process.env.E2E_SCREENSHOT_DIR ?? join(webRoot, 'test-results'));
const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL;
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT = 15_000;

if (!ADMIN_EMAIL || !ADMIN_PASSWORD) {
  console.error('e2e: set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD to an existing admin account');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });

const run = Date.now().toString(36);
const password = 'correct horse battery';
const people = {
  customer: { username: `cust_${run}`, email: `cust_${run}@example.com` },
  provider: { username: `prov_${run}`, email: `prov_${run}@example.com` },
  rival: { username: `rival_${run}`, email: `rival_${run}@example.com` },
};

// ---- harness ----------------------------------------------------------------------------------------------

const problems = [];
let currentStep = 'start';
let shotCount = 0;

/** Watches a page: console errors and uncaught exceptions fail the run unless a step expects them. */
function watch(page, who) {
  page.expected = new Set();
  page.on('console', (message) => {
    const text = message.text();
    // Vue reports component mistakes as warnings (dev server only); they count as errors here.
    if (message.type() === 'warning' && text.startsWith('[Vue warn]')) {
      problems.push(`[${who}] Vue warning during "${currentStep}": ${text}`);
      return;
    }
    if (message.type() !== 'error') return;
    const status = /status of (\d{3})/.exec(text)?.[1];
    if (status && page.expected.has(Number(status))) return;
    problems.push(`[${who}] console error during "${currentStep}": ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`[${who}] page error during "${currentStep}": ${error.message}`));
  return page;
}

async function expectHttpErrors(page, statuses, action) {
  for (const status of statuses) page.expected.add(status);
  try {
    return await action();
  } finally {
    // Let late console messages of the same requests arrive before the allowance ends.
    await page.waitForTimeout(300);
    for (const status of statuses) page.expected.delete(status);
  }
}

function step(name) {
  currentStep = name;
  console.log(`• ${name}`);
}

async function shot(page, name) {
  shotCount += 1;
  const file = join(SHOTS, `${String(shotCount).padStart(2, '0')}-${name}.png`);
  await page.waitForTimeout(150);
  await page.screenshot({ path: file, fullPage: true });
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed in "${currentStep}": ${message}`);
}

/** Waits until the locator's text contains `expected` (the app updates some things shortly after). */
async function waitForText(locator, expected, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last =
      (await locator
        .first()
        .textContent({ timeout: 2_000 })
        .catch(() => '')) ?? '';
    if (last.includes(expected)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`in "${currentStep}": expected text "${expected}", last seen "${last.trim()}"`);
}

/** For changes applied by the server's events shortly after a request: reload until they show. */
async function reloadUntilText(page, locator, expected, tries = 8) {
  for (let attempt = 1; ; attempt++) {
    await page.reload();
    try {
      return await waitForText(locator, expected, 1_500);
    } catch (error) {
      if (attempt >= tries) throw error;
    }
  }
}

/** Types into a form's text controls, found by their labels, in the order given. */
async function fillIn(page, values) {
  for (const [label, value] of Object.entries(values)) await page.getByLabel(label).fill(value);
}

async function waitForPath(page, pattern) {
  await page.waitForURL((url) => pattern.test(url.pathname + url.search), { timeout: TIMEOUT });
  return new URL(page.url());
}

// ---- flows ------------------------------------------------------------------------------------------------

async function register(page, person, role) {
  await page.goto(`${BASE}/register`);
  await page.getByTestId(role === 'provider' ? 'role-provider' : 'role-customer').check();
  await fillIn(page, { Username: person.username, 'E-mail': person.email, Password: password });
  await page.getByTestId('register-submit').click();
  await waitForPath(page, role === 'provider' ? /^\/provider\/available/ : /^\/customer\/orders/);
  await waitForText(page.getByTestId('current-user'), person.username);
}

async function publish(page, order) {
  await page.getByTestId('nav-new-order').click();
  await waitForPath(page, /^\/customer\/orders\/new/);
  await fillIn(page, { Title: order.title, Description: order.description });
  await page.getByLabel('Service type').selectOption(order.serviceType);
  await page.getByLabel('Price').fill(order.price);
  await page.getByLabel('Area').selectOption(order.location);
  await fillIn(page, { Address: order.address, Start: '2030-06-01T09:00', End: '2030-06-01T12:00' });
  await page.getByTestId('publish-submit').click();
  const url = await waitForPath(page, /^\/customer\/orders\/\d+/);
  return Number(url.pathname.split('/').pop());
}

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const desktop = { viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'UTC' };
  const phone = {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-US',
    timezoneId: 'UTC',
  };
  // Each person gets an address of their own (X-Forwarded-For, believed only by a gateway that trusts
  // 127.0.0.1 as a proxy, as the test instance does), so the per-address limit on the auth routes is
  // theirs and not shared with whatever else ran from 127.0.0.1 in the last minute.
  const address = () => `10.${randomInt(256)}.${randomInt(256)}.${1 + randomInt(254)}`;
  const person = (options) => ({ ...options, extraHTTPHeaders: { 'X-Forwarded-For': address() } });
  const contexts = {
    customer: await browser.newContext(person(desktop)),
    provider: await browser.newContext(person(phone)),
    admin: await browser.newContext(person({ ...desktop, viewport: { width: 1366, height: 900 } })),
    rival: await browser.newContext(person(desktop)),
  };
  for (const context of Object.values(contexts)) context.setDefaultTimeout(TIMEOUT);
  const customer = watch(await contexts.customer.newPage(), 'customer');
  const provider = watch(await contexts.provider.newPage(), 'provider');
  const admin = watch(await contexts.admin.newPage(), 'admin');
  const rival = watch(await contexts.rival.newPage(), 'rival');
  const pages = { customer, provider, admin, rival };

  try {
    step('visitor sees the login page');
    await customer.goto(`${BASE}/`);
    await waitForPath(customer, /^\/login/);
    check((await customer.locator('html').getAttribute('lang')) === 'en', 'html lang is en');
    check((await customer.title()).includes('Service Marketplace'), 'title names the app');
    await shot(customer, 'login');

    step('registration checks the fields before sending');
    await customer.getByTestId('to-register').click();
    await waitForPath(customer, /^\/register/);
    await customer.getByTestId('register-submit').click();
    await waitForText(customer.getByTestId('error-register-username'), 'This field is required.');
    await fillIn(customer, { 'E-mail': 'not-an-email', Password: 'short' });
    await customer.getByTestId('register-submit').click();
    await waitForText(customer.getByTestId('error-register-email'), 'valid e-mail');
    await waitForText(customer.getByTestId('error-register-password'), '8 to 128');
    await shot(customer, 'register-validation');

    step('customer, provider and a second provider register');
    await register(customer, people.customer, 'customer');
    await customer.getByTestId('empty').waitFor();
    await shot(customer, 'customer-orders-empty');
    await register(provider, people.provider, 'provider');
    await register(rival, people.rival, 'provider');

    step('a duplicate registration is refused with a readable message');
    await expectHttpErrors(rival, [409], async () => {
      await rival.getByTestId('logout').click();
      await waitForPath(rival, /^\/login/);
      await rival.goto(`${BASE}/register`);
      await fillIn(rival, {
        Username: people.rival.username,
        'E-mail': `other_${run}@example.com`,
        Password: password,
      });
      await rival.getByTestId('register-submit').click();
      await waitForText(rival.getByTestId('register-error'), 'already taken');
    });
    await shot(rival, 'register-duplicate');

    step('admin: a wrong password is refused, the right one opens the dashboard');
    await admin.goto(`${BASE}/login`);
    await expectHttpErrors(admin, [401], async () => {
      await fillIn(admin, { 'E-mail': ADMIN_EMAIL, Password: 'definitely not the password' });
      await admin.getByTestId('login-submit').click();
      await waitForText(admin.getByTestId('login-error'), 'Wrong e-mail or password.');
    });
    await shot(admin, 'login-bad-password');
    await admin.getByLabel('Password').fill(ADMIN_PASSWORD);
    await admin.getByTestId('login-submit').click();
    await waitForPath(admin, /^\/admin$/);
    await admin.getByTestId('status-counts').waitFor();

    step('customer: the order form refuses invalid input before sending');
    await customer.getByTestId('nav-new-order').click();
    await waitForPath(customer, /^\/customer\/orders\/new/);
    await fillIn(customer, { Price: '0', Start: '2030-06-01T12:00', End: '2030-06-01T09:00' });
    await customer.getByTestId('publish-submit').click();
    await waitForText(customer.getByTestId('error-publish-title'), 'This field is required.');
    await waitForText(customer.getByTestId('error-publish-price'), 'from 0.01 to 99,999,999.99');
    await waitForText(customer.getByTestId('error-publish-service_end_time'), 'The end must be after the start.');
    await shot(customer, 'publish-validation');

    step('customer publishes two orders');
    const orderA = await publish(customer, {
      title: `Fix the kitchen sink ${run}`,
      description: 'Water leaks under the sink; bring a new washer.',
      serviceType: 'cleaning_repair',
      price: '120.50',
      location: 'NORTH',
      address: '1 Main Street',
    });
    await waitForText(customer.getByTestId('order-success'), 'published');
    check(
      (await customer.getByTestId('timeline-approved').getAttribute('data-state')) === 'current',
      'waiting for approval',
    );
    await shot(customer, 'customer-order-published');
    const orderB = await publish(customer, {
      title: `Paint the fence ${run}`,
      description: 'About 20 metres of wooden fence.',
      serviceType: 'other',
      price: '80',
      location: 'NORTH',
      address: '1 Main Street',
    });
    await customer.getByTestId('nav-orders').click();
    await customer.getByTestId(`order-${orderA}`).waitFor();
    await customer.getByTestId(`order-${orderB}`).waitFor();
    await shot(customer, 'customer-orders');

    step('admin approves both orders in the review queue');
    await admin.getByTestId('nav-review').click();
    await admin.getByTestId(`order-${orderA}`).waitFor();
    await shot(admin, 'admin-review-queue');
    await admin.getByTestId(`approve-${orderA}`).click();
    await waitForText(admin.getByTestId('queue-success'), `#${orderA}`);
    await admin.getByTestId(`approve-${orderB}`).click();
    await waitForText(admin.getByTestId('queue-success'), `#${orderB}`);

    step('provider (phone) finds the orders with the filters');
    await provider.getByTestId('nav-available').click();
    await provider.getByLabel('Keyword').fill(run);
    await provider.getByLabel('Area').selectOption('NORTH');
    await provider.getByTestId('filters-apply').click();
    await provider.getByTestId(`order-${orderA}`).waitFor();
    await provider.getByTestId(`order-${orderB}`).waitFor();
    await waitForText(provider.getByTestId('page-range'), 'of 2');
    await shot(provider, 'provider-available-filtered');

    step('the rival provider also sees order B');
    await rival.goto(`${BASE}/login`);
    await fillIn(rival, { 'E-mail': people.rival.email, Password: password });
    await rival.getByTestId('login-submit').click();
    await waitForPath(rival, /^\/provider\/available/);
    await rival.getByLabel('Keyword').fill(run);
    await rival.getByTestId('filters-apply').click();
    await rival.getByTestId(`order-${orderB}`).waitFor();

    step('provider accepts both orders');
    await provider.getByTestId(`accept-${orderB}`).click();
    await waitForPath(provider, new RegExp(`^/provider/orders/${orderB}`));
    await provider.getByTestId('nav-available').click();
    await provider.getByTestId(`accept-${orderA}`).click();
    await waitForPath(provider, new RegExp(`^/provider/orders/${orderA}`));
    await waitForText(provider.getByTestId('order-success'), 'You accepted this order.');
    await shot(provider, 'provider-order-accepted');

    step('the rival loses the race for order B: "already accepted", list refreshed');
    await expectHttpErrors(rival, [409], async () => {
      await rival.getByTestId(`accept-${orderB}`).click();
      await waitForText(rival.getByTestId('accept-taken'), 'already been accepted');
    });
    await rival.getByTestId(`order-${orderB}`).waitFor({ state: 'detached' });
    await shot(rival, 'rival-lost-race');

    step('provider starts and completes order A');
    await provider.getByTestId('start-work').click();
    await waitForText(provider.getByTestId('order-status'), 'In progress');
    await provider.getByTestId('complete-work').click();
    await waitForText(provider.getByTestId('order-status'), 'Completed');
    await shot(provider, 'provider-order-completed');

    step('customer pays order A');
    await customer.goto(`${BASE}/customer/orders/${orderA}`);
    await waitForText(customer.getByTestId('order-status'), 'Completed');
    check(
      (await customer.getByTestId('timeline-paid').getAttribute('data-state')) === 'current',
      'waiting for payment',
    );
    await customer.getByTestId('pay').click();
    await waitForText(customer.getByTestId('order-success'), 'Payment');
    await waitForText(customer.getByTestId('payment-status'), 'Paid');

    step('customer reviews order A (stars are required)');
    await customer.getByTestId('review-submit').click();
    await waitForText(customer.getByTestId('error-stars'), 'Choose 1 to 5 stars.');
    await customer.getByTestId('star-5').check({ force: true });
    await customer.getByLabel('Your review').fill('Quick and tidy work, thank you!');
    await customer.getByTestId('review-submit').click();
    await waitForText(customer.getByTestId('order-success'), 'Thank you for your review.');
    await waitForText(customer.getByTestId('order-review'), 'Quick and tidy work');
    await shot(customer, 'customer-order-reviewed');

    step('customer asks for a refund');
    await customer.getByLabel('Why do you want a refund?').fill('The leak came back the next day.');
    await customer.getByTestId('refund-submit').click();
    await waitForText(customer.getByTestId('order-success'), 'Refund requested');
    await waitForText(customer.getByTestId('order-refund'), 'Pending');

    step('admin approves the refund');
    await admin.getByTestId('nav-refunds').click();
    const refundCard = admin.locator(`[data-order="${orderA}"]`);
    await refundCard.waitFor();
    await shot(admin, 'admin-refunds');
    await refundCard.getByRole('button', { name: 'Approve refund' }).click();
    await waitForText(admin.getByTestId('refund-decided'), `Refund for order ${orderA} completed.`);

    step('customer sees the refund on the order and in payments');
    await reloadUntilText(customer, customer.getByTestId('payment-status'), 'Refunded');
    check(
      (await customer.getByTestId('timeline-refunded').getAttribute('data-state')) === 'done',
      'refund on the timeline',
    );
    await shot(customer, 'customer-order-refunded');
    await customer.getByTestId('nav-payments').click();
    await waitForText(customer.getByTestId('payment-list'), `Order #${orderA}`);
    await waitForText(customer.getByTestId('refund'), 'Refunded');
    await shot(customer, 'customer-payments');

    step('customer inbox: unread badge, messages, mark all read');
    await customer.getByTestId('unread-badge').waitFor();
    await customer.getByTestId('nav-inbox').click();
    await waitForText(customer.getByTestId('inbox-list'), `Refund for order ${orderA} completed.`);
    await shot(customer, 'customer-inbox');
    await customer.getByTestId('mark-all-read').click();
    await customer.getByTestId('unread-badge').waitFor({ state: 'detached' });
    check((await customer.locator('[data-testid="inbox-item"][data-read="false"]').count()) === 0, 'all read');

    step('provider: rating, reviews and inbox');
    await provider.getByTestId('nav-profile').click();
    await waitForText(provider.getByTestId('rating-value'), '5');
    await waitForText(provider.getByTestId('reviews'), 'Quick and tidy work');
    await fillIn(provider, { Skills: 'plumbing, painting', 'Years of experience': '6', 'Hourly rate': '45' });
    await provider.getByTestId('area-NORTH').check();
    await provider.getByTestId('profile-save').click();
    await waitForText(provider.getByTestId('profile-saved'), 'Profile saved.');
    await shot(provider, 'provider-profile');
    await provider.getByTestId('nav-inbox').click();
    await waitForText(provider.getByTestId('inbox-list'), `Customer has reviewed your order ${orderA}`);
    await shot(provider, 'provider-inbox');

    step('admin: dashboard, orders, users, a notice');
    await admin.getByTestId('nav-dashboard').click();
    await admin.getByTestId('recent-activity').waitFor();
    await shot(admin, 'admin-dashboard');
    await admin.getByTestId('nav-admin-orders').click();
    await waitForPath(admin, /^\/admin\/orders$/);
    await admin.getByLabel('Status', { exact: true }).selectOption('reviewed');
    await admin.getByTestId(`order-${orderA}`).waitFor();
    await shot(admin, 'admin-orders');
    await admin.getByTestId(`order-${orderA}`).getByRole('link').first().click();
    await waitForPath(admin, new RegExp(`^/admin/orders/${orderA}`));
    await admin.getByTestId('admin-order-form').waitFor();
    await shot(admin, 'admin-order-detail');
    await admin.getByTestId('nav-users').click();
    await waitForPath(admin, /^\/admin\/users$/);
    await admin.getByLabel('Role', { exact: true }).selectOption({ label: 'Provider' });
    await admin.getByRole('link', { name: people.provider.username }).click();
    await waitForText(admin.getByTestId('user-title'), people.provider.username);
    await shot(admin, 'admin-user-detail');
    await admin.getByTestId('send-notice').click();
    await waitForPath(admin, /^\/admin\/notices/);
    await admin.getByLabel('Message').fill(`Welcome aboard, ${people.provider.username}!`);
    await admin.getByTestId('notice-submit').click();
    await waitForText(admin.getByTestId('notice-sent'), 'Notice sent');
    await shot(admin, 'admin-notice');

    step('customer switches to Chinese and back');
    await customer.getByTestId('nav-orders').click();
    await customer.getByTestId('language').selectOption('zh');
    await waitForText(customer.getByTestId('nav-orders'), '我的订单');
    check((await customer.locator('html').getAttribute('lang')) === 'zh-CN', 'html lang is zh-CN');
    await shot(customer, 'customer-orders-zh');
    await customer.reload();
    await waitForText(customer.getByTestId('nav-orders'), '我的订单'); // the choice is remembered
    await customer.getByTestId('language').selectOption('en');
    await waitForText(customer.getByTestId('nav-orders'), 'My orders');

    step('an access token the server refuses is renewed with the refresh token, the page still loads');
    const renewed = await expectHttpErrors(customer, [401], async () => {
      const stale = await customer.evaluate(() => {
        const session = JSON.parse(sessionStorage.getItem('mp.session'));
        const claims = btoa(JSON.stringify({ sub: '1', role: 1, exp: 1 })).replace(/=+$/, '');
        session.accessToken = `eyJhbGciOiJIUzI1NiJ9.${claims}.bad`;
        sessionStorage.setItem('mp.session', JSON.stringify(session));
        return session.accessToken;
      });
      await customer.goto(`${BASE}/customer/payments`);
      await waitForText(customer.getByTestId('payment-list'), `Order #${orderA}`);
      return (await customer.evaluate(() => JSON.parse(sessionStorage.getItem('mp.session')).accessToken)) !== stale;
    });
    check(renewed, 'a new access token was stored');

    step('an expired session returns to the login page with a message');
    await expectHttpErrors(customer, [401], async () => {
      await customer.evaluate(() => {
        const claims = btoa(JSON.stringify({ sub: '1', role: 1, exp: 1 })).replace(/=+$/, '');
        sessionStorage.setItem(
          'mp.session',
          JSON.stringify({ accessToken: `eyJhbGciOiJIUzI1NiJ9.${claims}.bad`, refreshToken: 'revoked' }),
        );
      });
      await customer.goto(`${BASE}/customer/payments`);
      await waitForPath(customer, /^\/login\?/);
      await waitForText(customer.getByTestId('session-expired'), 'Your session has expired');
    });
    await shot(customer, 'session-expired');

    step('log out');
    await provider.getByTestId('logout').click();
    await waitForPath(provider, /^\/login/);
  } catch (error) {
    problems.push(String(error?.stack ?? error));
    for (const [who, page] of Object.entries(pages)) {
      await page.screenshot({ path: join(SHOTS, `failure-${who}.png`), fullPage: true }).catch(() => {});
    }
  } finally {
    await browser.close();
  }

  if (problems.length > 0) {
    console.error(`\ne2e FAILED (${problems.length} problem(s)):`);
    for (const problem of problems) console.error(`- ${problem}`);
    process.exit(1);
  }
  console.log(`\ne2e passed: ${shotCount} screenshots in ${SHOTS}`);
}

await main();
