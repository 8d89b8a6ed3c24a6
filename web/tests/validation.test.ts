import { describe, expect, it } from 'vitest';
import {
  type AdminOrderForm,
  type OrderForm,
  charCount,
  customerProfileForm,
  emptyOrderForm,
  hasProblems,
  isoToLocalInput,
  localInputToIso,
  parseMoney,
  providerProfileForm,
  splitList,
  toAdminOrderUpdate,
  toAdminUserUpdate,
  toCustomerProfileUpdate,
  toProviderProfileUpdate,
  toPublishRequest,
  validateAdminUser,
  validateAvailableFilters,
  validateCustomerProfile,
  validateLogin,
  validateNotice,
  validateOrderForm,
  validateProviderProfile,
  validateRefundDecision,
  validateRefundRequest,
  validateRegistration,
  validateRejectReason,
  validateReview,
} from '../src/validation';

const keys = (problems: object) =>
  Object.fromEntries(
    Object.entries(problems)
      .filter(([, p]) => p !== undefined)
      .map(([field, p]) => [field, p.key]),
  );

function order(overrides: Partial<OrderForm> = {}): OrderForm {
  return {
    ...emptyOrderForm(),
    title: 'Fix the sink',
    service_type: 'cleaning_repair',
    price: '120.50',
    location: 'NORTH',
    ...overrides,
  };
}

describe('money', () => {
  it('accepts up to 2 decimals and nothing else', () => {
    expect(parseMoney('120')).toBe(120);
    expect(parseMoney(' 0.01 ')).toBe(0.01);
    expect(parseMoney('99999999.99')).toBe(99999999.99);
    expect(parseMoney('1.005')).toBeNull();
    expect(parseMoney('-1')).toBeNull();
    expect(parseMoney('1e3')).toBeNull();
    expect(parseMoney('12,5')).toBeNull();
    expect(parseMoney('')).toBeNull();
    expect(parseMoney(45)).toBe(45);
  });
});

describe('order form (the API rules of api-v1.md, Orders)', () => {
  it('passes a valid order and builds the publish body', () => {
    const form = order({
      description: 'Leaks',
      address: ' 1 Main St ',
      service_start_time: '2026-12-01T09:00',
      service_end_time: '2026-12-01T12:00',
    });
    expect(hasProblems(validateOrderForm(form))).toBe(false);
    const body = toPublishRequest(form);
    expect(body).toMatchObject({
      title: 'Fix the sink',
      service_type: 'cleaning_repair',
      price: 120.5,
      location: 'NORTH',
      description: 'Leaks',
      address: '1 Main St',
    });
    expect(body.service_start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    expect(Date.parse(body.service_end_time!) - Date.parse(body.service_start_time!)).toBe(3 * 3600 * 1000);
  });

  it('leaves out empty optional fields', () => {
    expect(toPublishRequest(order())).toEqual({
      title: 'Fix the sink',
      service_type: 'cleaning_repair',
      price: 120.5,
      location: 'NORTH',
    });
  });

  it('needs a non-blank title of at most 255 characters', () => {
    expect(keys(validateOrderForm(order({ title: '   ' })))).toEqual({ title: 'validation.required' });
    expect(keys(validateOrderForm(order({ title: 'x'.repeat(255) })))).toEqual({});
    expect(keys(validateOrderForm(order({ title: 'x'.repeat(256) })))).toEqual({ title: 'validation.tooLong' });
    // Counted in characters, not UTF-16 units: 255 emoji are fine.
    expect(keys(validateOrderForm(order({ title: '🧹'.repeat(255) })))).toEqual({});
  });

  it('limits description to 5000 and address to 255 characters', () => {
    expect(keys(validateOrderForm(order({ description: 'x'.repeat(5000), address: 'y'.repeat(255) })))).toEqual({});
    expect(keys(validateOrderForm(order({ description: 'x'.repeat(5001), address: 'y'.repeat(256) })))).toEqual({
      description: 'validation.tooLong',
      address: 'validation.tooLong',
    });
  });

  it('keeps the price between 0.01 and 99,999,999.99 with at most 2 decimals', () => {
    for (const price of ['0.01', '1', '99999999.99']) expect(keys(validateOrderForm(order({ price })))).toEqual({});
    for (const price of ['0', '0.001', '100000000', '-5', 'abc']) {
      expect(keys(validateOrderForm(order({ price }))), price).toEqual({ price: 'validation.money' });
    }
    expect(keys(validateOrderForm(order({ price: '' })))).toEqual({ price: 'validation.required' });
  });

  it('needs a service type and a location from the enums', () => {
    expect(keys(validateOrderForm(order({ service_type: '', location: '' })))).toEqual({
      service_type: 'validation.choose',
      location: 'validation.choose',
    });
  });

  it('needs the end after the start', () => {
    const same = order({ service_start_time: '2026-12-01T09:00', service_end_time: '2026-12-01T09:00' });
    const before = order({ service_start_time: '2026-12-01T09:00', service_end_time: '2026-12-01T08:00' });
    expect(keys(validateOrderForm(same))).toEqual({ service_end_time: 'validation.endAfterStart' });
    expect(keys(validateOrderForm(before))).toEqual({ service_end_time: 'validation.endAfterStart' });
    expect(keys(validateOrderForm(order({ service_end_time: '2026-12-01T08:00' })))).toEqual({});
  });

  it('rejects a malformed date', () => {
    expect(keys(validateOrderForm(order({ service_start_time: 'tomorrow' })))).toEqual({
      service_start_time: 'validation.dateTime',
    });
  });

  it('converts between ISO and datetime-local values', () => {
    const iso = localInputToIso('2026-12-01T09:30');
    expect(iso).toMatch(/Z$/);
    expect(isoToLocalInput(iso)).toBe('2026-12-01T09:30');
    expect(localInputToIso('')).toBeNull();
    expect(isoToLocalInput(null)).toBe('');
  });

  it('sends only changed fields on an admin update', () => {
    const original: AdminOrderForm = { ...order(), status: 'pending' };
    expect(toAdminOrderUpdate({ ...original }, original)).toEqual({});
    expect(toAdminOrderUpdate({ ...original, price: '99', status: 'accepted' }, original)).toEqual({
      price: 99,
      status: 'accepted',
    });
  });
});

describe('accounts', () => {
  it('checks the login form', () => {
    expect(keys(validateLogin({ email: '', password: '' }))).toEqual({
      email: 'validation.required',
      password: 'validation.required',
    });
    expect(keys(validateLogin({ email: 'a@b.c', password: 'x' }))).toEqual({});
  });

  it('checks registration like the API (username 3–100, e-mail, password 8–128, role 1 or 2)', () => {
    const valid = { username: 'alice', email: 'alice@example.com', password: 'correct horse', role_id: 1 };
    expect(keys(validateRegistration(valid))).toEqual({});
    expect(keys(validateRegistration({ username: 'al', email: 'nope', password: 'short', role_id: 3 }))).toEqual({
      username: 'validation.lengthBetween',
      email: 'validation.email',
      password: 'validation.lengthBetween',
      role_id: 'validation.choose',
    });
    expect(keys(validateRegistration({ ...valid, username: ' alice' }))).toEqual({ username: 'validation.username' });
    expect(keys(validateRegistration({ ...valid, username: 'a@lice' }))).toEqual({ username: 'validation.username' });
    expect(keys(validateRegistration({ ...valid, password: 'x'.repeat(129) }))).toEqual({
      password: 'validation.lengthBetween',
    });
  });

  it('checks an admin user edit', () => {
    expect(keys(validateAdminUser({ username: 'bob', email: 'bob@example.com', role_id: 3 }))).toEqual({});
    expect(keys(validateAdminUser({ username: 'bob', email: 'bob@example.com', role_id: 4 }))).toEqual({
      role_id: 'validation.choose',
    });
  });

  it('sends only the changed account fields of an admin user edit (the e-mail trimmed)', () => {
    const loaded = { username: 'bob', email: 'bob@example.com', role_id: 1 };
    expect(toAdminUserUpdate({ ...loaded, email: ' bob@example.com ' }, loaded)).toEqual({});
    expect(toAdminUserUpdate({ username: 'rob', email: 'rob@example.com ', role_id: 2 }, loaded)).toEqual({
      username: 'rob',
      email: 'rob@example.com',
      role_id: 2,
    });
  });
});

describe('reviews, refunds, decisions, notices', () => {
  it('needs 1 to 5 whole stars and at most 2000 characters', () => {
    expect(keys(validateReview({ stars: 5, content: 'x'.repeat(2000) }))).toEqual({});
    expect(keys(validateReview({ stars: 0, content: '' }))).toEqual({ stars: 'validation.stars' });
    expect(keys(validateReview({ stars: 6, content: 'x'.repeat(2001) }))).toEqual({
      stars: 'validation.stars',
      content: 'validation.tooLong',
    });
    expect(keys(validateReview({ stars: 4.5, content: '' }))).toEqual({ stars: 'validation.stars' });
  });

  it('needs a refund reason of 1–500 characters', () => {
    expect(keys(validateRefundRequest(' '))).toEqual({ reason: 'validation.required' });
    expect(keys(validateRefundRequest('x'.repeat(501)))).toEqual({ reason: 'validation.tooLong' });
    expect(keys(validateRefundRequest('Nobody came'))).toEqual({});
  });

  it('needs a reject reason of at most 1000 characters', () => {
    expect(keys(validateRejectReason(''))).toEqual({ reject_reason: 'validation.required' });
    expect(keys(validateRejectReason('x'.repeat(1001)))).toEqual({ reject_reason: 'validation.tooLong' });
  });

  it('needs a reason to reject a refund, not to approve it', () => {
    expect(keys(validateRefundDecision(true, ''))).toEqual({});
    expect(keys(validateRefundDecision(false, ''))).toEqual({ reason: 'validation.required' });
    expect(keys(validateRefundDecision(true, 'x'.repeat(501)))).toEqual({ reason: 'validation.tooLong' });
  });

  it('checks a notice', () => {
    expect(keys(validateNotice({ target: 'customer', user_id: '12', message: 'Hello' }))).toEqual({});
    expect(keys(validateNotice({ target: 'provider', user_id: '0', message: '' }))).toEqual({
      user_id: 'validation.userId',
      message: 'validation.required',
    });
  });
});

describe('profiles and filters', () => {
  it('checks a customer profile', () => {
    expect(keys(validateCustomerProfile({ location: 'MID', address: '', budget_preference: '500' }))).toEqual({});
    expect(
      keys(validateCustomerProfile({ location: 'MID', address: 'x'.repeat(256), budget_preference: '-1' })),
    ).toEqual({
      address: 'validation.tooLong',
      budget_preference: 'validation.money',
    });
  });

  it('checks a provider profile (experience 0–80, rate 0–100,000, skills ≤ 30 × 50)', () => {
    const valid = {
      skills: 'plumbing, wiring',
      experience_years: '5',
      hourly_rate: '45.5',
      availability: 'weekdays',
      portfolio: 'a\nb',
      service_areas: ['NORTH' as const],
    };
    expect(keys(validateProviderProfile(valid))).toEqual({});
    expect(
      keys(
        validateProviderProfile({
          ...valid,
          skills: Array.from({ length: 31 }, (_, i) => `s${i}`).join(','),
          experience_years: '81',
          hourly_rate: '100000.01',
          availability: 'x'.repeat(201),
        }),
      ),
    ).toEqual({
      skills: 'validation.tooMany',
      experience_years: 'validation.integerRange',
      hourly_rate: 'validation.money',
      availability: 'validation.tooLong',
    });
    expect(keys(validateProviderProfile({ ...valid, skills: 'x'.repeat(51) }))).toEqual({
      skills: 'validation.itemTooLong',
    });
  });

  it('fills a customer profile form and turns it back into an update', () => {
    expect(customerProfileForm()).toEqual({ location: 'NORTH', address: '', budget_preference: '0' });
    const saved = {
      user_id: 3,
      location: 'EAST' as const,
      address: null,
      budget_preference: 250.5,
      created_at: null,
      updated_at: null,
    };
    const form = customerProfileForm(saved);
    expect(form).toEqual({ location: 'EAST', address: '', budget_preference: '250.5' });
    expect(toCustomerProfileUpdate(form)).toEqual({ location: 'EAST', budget_preference: 250.5 });
    expect(toCustomerProfileUpdate({ ...form, address: ' 1 Main St ' })).toEqual({
      location: 'EAST',
      budget_preference: 250.5,
      address: '1 Main St',
    });
    // Clearing a saved address sends it blank.
    expect(toCustomerProfileUpdate(form, true)).toEqual({ location: 'EAST', budget_preference: 250.5, address: '' });
  });

  it('fills a provider profile form and turns it back into an update', () => {
    expect(providerProfileForm()).toEqual({
      skills: '',
      experience_years: '0',
      hourly_rate: '0',
      availability: '',
      portfolio: '',
      service_areas: [],
    });
    const saved = {
      user_id: 4,
      skills: ['plumbing', 'wiring'],
      experience_years: 5,
      hourly_rate: 45.5,
      availability: null,
      portfolio: ['https://a.example', 'b'],
      service_areas: ['NORTH' as const],
      rating: 4.5,
      total_reviews: 2,
      created_at: null,
      updated_at: null,
    };
    const form = providerProfileForm(saved);
    expect(form).toEqual({
      skills: 'plumbing, wiring',
      experience_years: '5',
      hourly_rate: '45.5',
      availability: '',
      portfolio: 'https://a.example\nb',
      service_areas: ['NORTH'],
    });
    expect(form.service_areas).not.toBe(saved.service_areas);
    expect(toProviderProfileUpdate(form)).toEqual({
      skills: ['plumbing', 'wiring'],
      experience_years: 5,
      hourly_rate: 45.5,
      portfolio: ['https://a.example', 'b'],
      service_areas: ['NORTH'],
    });
    expect(toProviderProfileUpdate({ ...form, availability: ' weekdays ' }).availability).toBe('weekdays');
  });

  it('splits lists', () => {
    expect(splitList(' plumbing, ,wiring ', /,/)).toEqual(['plumbing', 'wiring']);
    expect(splitList('a\n\n b ', /\n/)).toEqual(['a', 'b']);
  });

  it('checks the available-order filters', () => {
    const filters = { location: '' as const, service_type: '' as const, min_price: '', max_price: '', keyword: '' };
    expect(keys(validateAvailableFilters(filters))).toEqual({});
    expect(keys(validateAvailableFilters({ ...filters, min_price: '50', max_price: '10' }))).toEqual({
      max_price: 'validation.maxBelowMin',
    });
    expect(keys(validateAvailableFilters({ ...filters, min_price: 'x', keyword: 'k'.repeat(101) }))).toEqual({
      min_price: 'validation.money',
      keyword: 'validation.tooLong',
    });
  });

  it('counts characters as code points', () => {
    expect(charCount('a😀b')).toBe(3);
  });
});
