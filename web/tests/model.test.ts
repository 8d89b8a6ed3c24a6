// i18n, the status timeline and the dashboard numbers.
import { describe, expect, it } from 'vitest';
import { dashboardSummary, statusTotals } from '../src/dashboard';
import { en } from '../src/i18n/en';
import { zh } from '../src/i18n/zh';
import { LOCALE_STORAGE_KEY, interpolate, locale, setLocale, t } from '../src/i18n';
import { ApiError } from '../src/api/http';
import { describeError } from '../src/errors';
import { locationLabel, toOptions } from '../src/format';
import { orderTimeline } from '../src/timeline';
import { ORDER_STATUSES, type OrderDetail } from '../src/api/types';
import { sampleOrder } from './helpers';

describe('i18n', () => {
  it('has every English key in Chinese, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    expect(Object.entries(zh).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it('keeps the placeholders of each message', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('switches language, sets <html lang> and remembers the choice', () => {
    setLocale('zh');
    expect(locale.value).toBe('zh');
    expect(t('nav.logout')).toBe('退出登录');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('zh');
    setLocale('en');
    expect(t('nav.logout')).toBe('Log out');
    expect(document.documentElement.lang).toBe('en');
  });

  it('fills in parameters', () => {
    expect(interpolate('{first}–{last} of {total}', { first: 1, last: 10, total: 42 })).toBe('1–10 of 42');
    expect(interpolate('keep {unknown}', {})).toBe('keep {unknown}');
  });

  it('describes API errors in words, preferring a translation of the code', () => {
    setLocale('en');
    expect(
      describeError(
        new ApiError({ status: 409, code: 'order_already_accepted', error: 'The order has already been accepted!' }),
      ),
    ).toBe('This order has already been accepted by another provider.');
    expect(describeError(new ApiError({ status: 409, code: 'something_new', error: 'Server words' }))).toBe(
      'Server words',
    );
    expect(describeError(new ApiError({ status: 429, code: 'rate_limited', error: 'x', retryAfter: 12 }))).toContain(
      '12 seconds',
    );
    expect(describeError(new ApiError({ status: 0, code: 'network_error', error: 'x' }))).toContain(
      'could not be reached',
    );
    expect(describeError(new Error('boom'))).toBe('Something went wrong. Please try again.');
    setLocale('zh');
    expect(
      describeError(new ApiError({ status: 401, code: 'invalid_credentials', error: 'Invalid credentials' })),
    ).toBe('邮箱或密码错误。');
    setLocale('en');
  });
});

function withState(overrides: Partial<OrderDetail>): OrderDetail {
  return { ...(sampleOrder as unknown as OrderDetail), ...overrides };
}

const states = (order: OrderDetail) => orderTimeline(order).map((step) => `${step.key}:${step.state}`);

describe('select options', () => {
  it('labels each value in the current language, after a blank first choice when one is named', () => {
    setLocale('en');
    expect(toOptions(['NORTH', 'MID'] as const, locationLabel)).toEqual([
      { value: 'NORTH', label: locationLabel('NORTH') },
      { value: 'MID', label: locationLabel('MID') },
    ]);
    expect(toOptions([10, 20], String, 'Any')).toEqual([
      { value: '', label: 'Any' },
      { value: 10, label: '10' },
      { value: 20, label: '20' },
    ]);
  });
});

describe('status timeline', () => {
  it('marks the next step of a new order', () => {
    expect(states(withState({ status: 'pending_review' }))).toEqual([
      'published:done',
      'approved:current',
      'accepted:todo',
      'in_progress:todo',
      'completed:todo',
      'paid:todo',
      'reviewed:todo',
    ]);
  });

  it('waits for payment after completion, then for the review', () => {
    expect(states(withState({ status: 'completed', payment_status: 'unpaid' }))).toContain('paid:current');
    expect(states(withState({ status: 'completed', payment_status: 'paid' }))).toContain('reviewed:current');
    expect(
      states(withState({ status: 'reviewed', payment_status: 'paid', has_review: true })).every((s) =>
        s.endsWith(':done'),
      ),
    ).toBe(true);
  });

  it('ends with the refund', () => {
    expect(states(withState({ status: 'reviewed', payment_status: 'refunded', has_review: true })).slice(-2)).toEqual([
      'reviewed:done',
      'refunded:done',
    ]);
    expect(states(withState({ status: 'completed', payment_status: 'refunded' })).slice(-2)).toEqual([
      'paid:done',
      'refunded:done',
    ]);
  });

  it('shows where a cancelled order stopped', () => {
    expect(states(withState({ status: 'cancelled', provider_id: null }))).toEqual([
      'published:done',
      'cancelled:stopped',
    ]);
    expect(states(withState({ status: 'cancelled', provider_id: 4 }))).toEqual([
      'published:done',
      'approved:done',
      'accepted:done',
      'cancelled:stopped',
    ]);
  });
});

describe('dashboard', () => {
  it('takes each status count from its own total, however many orders there are', () => {
    const summary = dashboardSummary(
      { pending_review: 3, pending: 250, accepted: 1, in_progress: 0, completed: 7, reviewed: 40, cancelled: 12 },
      313,
      [],
    );
    expect(summary.counts).toEqual({
      pending_review: 3,
      pending: 250,
      accepted: 1,
      in_progress: 0,
      completed: 7,
      reviewed: 40,
      cancelled: 12,
    });
    expect(summary.total).toBe(313);
  });

  it('counts a status without a usable total as 0 and keeps the statuses in order', () => {
    const summary = dashboardSummary({ pending: 2, accepted: -1, completed: Number.NaN, reviewed: 1.5 }, 2, []);
    expect(Object.keys(summary.counts)).toEqual([...ORDER_STATUSES]);
    expect(summary.counts).toEqual({
      pending_review: 0,
      pending: 2,
      accepted: 0,
      in_progress: 0,
      completed: 0,
      reviewed: 0,
      cancelled: 0,
    });
  });

  it('pairs the per-status pages with ORDER_STATUSES', () => {
    const pages = ORDER_STATUSES.map((_, index) => ({ items: [], total: (index + 1) * 100 }));
    expect(statusTotals(pages)).toEqual({
      pending_review: 100,
      pending: 200,
      accepted: 300,
      in_progress: 400,
      completed: 500,
      reviewed: 600,
      cancelled: 700,
    });
    expect(statusTotals([{ total: 4 }])).toMatchObject({ pending_review: 4, pending: 0, cancelled: 0 });
  });

  it('lists the newest orders most recently changed first, never counting fewer orders than it shows', () => {
    const latest = [
      withState({ id: 4, status: 'cancelled', updated_at: '2026-11-27T04:00:00Z' }),
      withState({ id: 3, status: 'pending', updated_at: '2026-11-27T02:00:00Z' }),
      withState({ id: 2, status: 'pending', updated_at: '2026-11-27T03:00:00Z' }),
      withState({ id: 1, status: 'pending_review', updated_at: '2026-11-27T03:00:00Z' }),
    ];
    const summary = dashboardSummary({}, 0, latest, 3);
    expect(summary.recent.map((order) => order.id)).toEqual([4, 2, 1]);
    expect(summary.total).toBe(4);
    expect(latest.map((order) => order.id)).toEqual([4, 3, 2, 1]);
  });
});
