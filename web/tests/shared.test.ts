// The shared pieces the views are built from: running an action (busy, error), a paged list and its
// loader, an order page's frame and extras, the submit button and the error alert, a form field and the
// profile fields.
import { type Component, createApp, h, nextTick, reactive, ref } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Page } from '../src/api';
import { ApiError } from '../src/api';
import { tokenStore } from '../src/api/tokens';
import ActionButtons from '../src/components/ActionButtons.vue';
import CustomerProfileFields from '../src/components/CustomerProfileFields.vue';
import ErrorAlert from '../src/components/ErrorAlert.vue';
import FormField from '../src/components/FormField.vue';
import OrderDetailLayout from '../src/components/OrderDetailLayout.vue';
import PagedListComponent from '../src/components/PagedList.vue';
import ProviderProfileFields from '../src/components/ProviderProfileFields.vue';
import RefundList from '../src/components/RefundList.vue';
import SubmitButton from '../src/components/SubmitButton.vue';
import { useAction } from '../src/composables/useAction';
import { useForm } from '../src/composables/useForm';
import { storePage, usePagedLoader } from '../src/composables/useLoader';
import { useOrderExtras } from '../src/composables/useOrderExtras';
import { setLocale } from '../src/i18n';
import { customerProfileForm, providerProfileForm } from '../src/validation';
import { fail, fakeJwt, ok, sampleOrder, stubFetch } from './helpers';

let unmount: (() => void) | null = null;

async function render(component: Component, props: Record<string, unknown>, slots: Record<string, unknown> = {}) {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const app = createApp({ render: () => h(component, props, slots) });
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  await flush();
  return host;
}

async function flush() {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await nextTick();
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const text = (host: HTMLElement, selector: string) => host.querySelector(selector)?.textContent?.trim() ?? null;

beforeEach(() => setLocale('en'));

afterEach(() => {
  unmount?.();
  unmount = null;
});

describe('useAction', () => {
  it('is busy while the action runs and says whether it succeeded', async () => {
    const action = useAction();
    const step = deferred<void>();
    const running = action.run(() => step.promise);
    expect(action.busy.value).toBe(true);
    step.resolve();
    expect(await running).toBe(true);
    expect(action.busy.value).toBe(false);
    expect(action.error.value).toBeNull();
  });

  it('keeps the failure, hands it to onError, and forgets it when run again', async () => {
    const action = useAction();
    const failure = new Error('nope');
    const onError = vi.fn();
    expect(await action.run(() => Promise.reject(failure), onError)).toBe(false);
    expect(action.error.value).toBe(failure);
    expect(onError).toHaveBeenCalledWith(failure);
    expect(action.busy.value).toBe(false);

    const step = deferred<void>();
    const again = action.run(() => step.promise);
    expect(action.error.value).toBeNull();
    step.resolve();
    await again;
  });

  it('stays busy until an async onError is done (e.g. reloading the page)', async () => {
    const action = useAction();
    const reload = deferred<void>();
    const running = action.run(
      () => Promise.reject(new Error('conflict')),
      () => reload.promise,
    );
    await flush();
    expect(action.busy.value).toBe(true);
    reload.resolve();
    await running;
    expect(action.busy.value).toBe(false);
  });

  it('names the item it runs for until it is done', async () => {
    const action = useAction<number>();
    const step = deferred<void>();
    const running = action.runFor(7, () => step.promise);
    expect(action.busyFor.value).toBe(7);
    step.resolve();
    expect(await running).toBe(true);
    expect(action.busyFor.value).toBeNull();
  });
});

describe('useForm', () => {
  it('sends nothing while there are problems, and shows them under their fields', async () => {
    const form = useForm(['name'] as const);
    const send = vi.fn(() => Promise.resolve());
    expect(await form.submit({ name: { key: 'validation.required' } }, send)).toBe(false);
    expect(send).not.toHaveBeenCalled();
    expect(form.errors.fieldError('name')).toBe('This field is required.');
  });

  it('shows a refusal of the server under its field and in the alert, then tells onError', async () => {
    const form = useForm(['name'] as const);
    const refusal = new ApiError({
      status: 422,
      code: 'validation_failed',
      error: 'Invalid',
      details: [{ field: 'name', problem: 'taken' }],
    });
    const onError = vi.fn();
    expect(await form.submit({}, () => Promise.reject(refusal), onError)).toBe(false);
    expect(form.errors.fieldError('name')).toBe('taken');
    expect(form.errors.formError()).not.toBe('');
    expect(onError).toHaveBeenCalledWith(refusal);
    expect(form.busy.value).toBe(false);
  });
});

const letters = (limit: number, offset: number, total = 25): Page<string> => ({
  items: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => `item ${offset + i}`),
  total,
});

describe('usePagedLoader', () => {
  it('loads the first page at once and another one on go()', async () => {
    const load = vi.fn(({ limit, offset }: { limit: number; offset: number }) =>
      Promise.resolve(letters(limit, offset)),
    );
    const list = usePagedLoader(load, 10);
    await flush();
    expect(load).toHaveBeenLastCalledWith({ limit: 10, offset: 0 });
    expect(list.data.value?.items[0]).toBe('item 0');
    list.go(20);
    await flush();
    expect(list.offset.value).toBe(20);
    expect(load).toHaveBeenLastCalledWith({ limit: 10, offset: 20 });
    expect(list.data.value?.items).toEqual(['item 20', 'item 21', 'item 22', 'item 23', 'item 24']);
  });

  it('starts again at the first page when its filter changes', async () => {
    const load = vi.fn(({ limit, offset }: { limit: number; offset: number }) =>
      Promise.resolve(letters(limit, offset)),
    );
    const filter = ref('a');
    const list = usePagedLoader(load, 10, filter);
    await flush();
    list.go(10);
    await flush();
    filter.value = 'b';
    await flush();
    expect(list.offset.value).toBe(0);
    expect(load).toHaveBeenLastCalledWith({ limit: 10, offset: 0 });
  });
});

// A generic component: mounted here through the untyped render function, its items as a list.
const PagedList = PagedListComponent as unknown as Component;
const slots = {
  default: ({ items }: { items: string[] }) =>
    h(
      'ul',
      items.map((item) => h('li', item)),
    ),
};

describe('PagedList', () => {
  it('shows the items of the page and moves between pages', async () => {
    const list = usePagedLoader(({ limit, offset }) => Promise.resolve(letters(limit, offset)), 10);
    const host = await render(PagedList, { list, emptyText: 'Nothing' }, slots);
    expect(host.querySelectorAll('li')).toHaveLength(10);
    expect(text(host, '[data-testid="page-range"]')).toBe('1–10 of 25');
    host.querySelector<HTMLButtonElement>('[data-testid="page-next"]')!.click();
    await flush();
    expect(text(host, 'li')).toBe('item 10');
    expect(text(host, '[data-testid="page-range"]')).toBe('11–20 of 25');
  });

  it('says when the list is empty, and has no page bar then', async () => {
    const list = usePagedLoader(() => Promise.resolve({ items: [], total: 0 }), 10);
    const host = await render(PagedList, { list, emptyText: 'Nothing yet' }, slots);
    expect(text(host, '[data-testid="empty"]')).toBe('Nothing yet');
    expect(host.querySelector('.pagination')).toBeNull();
  });

  it('disables the page buttons during a load only when asked to', async () => {
    let next = deferred<Page<string>>();
    const list = usePagedLoader(() => next.promise, 10);
    next.resolve(letters(10, 0));
    const host = await render(PagedList, { list, emptyText: '', disableWhileLoading: true }, slots);
    next = deferred<Page<string>>();
    host.querySelector<HTMLButtonElement>('[data-testid="page-next"]')!.click();
    await flush();
    expect(host.querySelector<HTMLButtonElement>('[data-testid="page-next"]')!.disabled).toBe(true);
    expect(host.querySelectorAll('li')).toHaveLength(10); // the old page stays while the next one loads
    next.resolve(letters(10, 10));
    await flush();
    expect(host.querySelector<HTMLButtonElement>('[data-testid="page-next"]')!.disabled).toBe(false);
  });

  it('shows a failed load with a retry', async () => {
    let fails = true;
    const list = usePagedLoader(
      ({ limit, offset }) =>
        fails
          ? Promise.reject(new ApiError({ status: 503, code: 'unavailable', error: 'down' }))
          : Promise.resolve(letters(limit, offset)),
      10,
    );
    const host = await render(PagedList, { list, emptyText: '' }, slots);
    expect(host.querySelector('[data-testid="load-error"]')).not.toBeNull();
    fails = false;
    host.querySelector<HTMLButtonElement>('[data-testid="load-error"] button')!.click();
    await flush();
    expect(host.querySelectorAll('li')).toHaveLength(10);
  });
});

describe('storePage', () => {
  it('shows a page a store keeps: loading until it has items, then the items and the page bar', async () => {
    const state = reactive({ items: [] as string[], total: 0, offset: 0, limit: 10, loading: true, error: null });
    const go = vi.fn();
    const host = await render(PagedList, { list: storePage(state, go), emptyText: 'Nothing' }, slots);
    expect(host.querySelector('[data-testid="loading"]')).not.toBeNull();
    Object.assign(state, { ...letters(10, 0), loading: false });
    await flush();
    expect(host.querySelectorAll('li')).toHaveLength(10);
    expect(text(host, '[data-testid="page-range"]')).toBe('1–10 of 25');
    host.querySelector<HTMLButtonElement>('[data-testid="page-next"]')!.click();
    expect(go).toHaveBeenCalledWith(10);
    Object.assign(state, { items: [], total: 0 });
    await flush();
    expect(text(host, '[data-testid="empty"]')).toBe('Nothing');
  });

  it('shows the error the view picks, and retries at the same offset', async () => {
    const failure = new ApiError({ status: 503, code: 'unavailable', error: 'down' });
    const state = reactive({ items: [], total: 0, offset: 20, limit: 10, loading: false, error: failure });
    const hidden = ref(false);
    const go = vi.fn();
    const list = storePage(state, go, () => (hidden.value ? null : state.error));
    const host = await render(PagedList, { list, emptyText: 'Nothing' }, slots);
    host.querySelector<HTMLButtonElement>('[data-testid="load-error"] button')!.click();
    expect(go).toHaveBeenCalledWith(20);
    hidden.value = true;
    await flush();
    expect(host.querySelector('[data-testid="load-error"]')).toBeNull();
  });
});

describe('OrderDetailLayout', () => {
  it('frames an order: title and number, its slots in place, the facts and the timeline', async () => {
    const host = await render(
      OrderDetailLayout,
      { order: sampleOrder },
      {
        head: () => h('button', { id: 'head' }, 'Delete'),
        notes: () => h('p', { id: 'notes' }, 'Saved'),
        top: () => h('section', { id: 'top' }, 'Actions'),
        default: () => h('section', { id: 'bottom' }, 'Review'),
      },
    );
    expect(text(host, '[data-testid="order-title"]')).toBe('Fix the sink #7');
    expect(host.querySelector('.page-head #head')).not.toBeNull();
    const stack = [...host.querySelectorAll('.detail-grid > .stack > *')].map(
      (element) => element.id || element.className,
    );
    expect(stack).toEqual(['top', 'card', 'bottom']);
    expect(host.querySelector('.detail-grid > .stack [data-testid="order-facts"]')).not.toBeNull();
    expect(
      host.querySelector('.detail-grid > [aria-labelledby="timeline-heading"] [data-testid="timeline"]'),
    ).not.toBeNull();
    expect(host.querySelector('.page-head + #notes + .detail-grid')).not.toBeNull();
  });
});

describe('useOrderExtras', () => {
  beforeEach(() => tokenStore.write({ accessToken: fakeJwt({ role: 2 }), refreshToken: 'r' }));

  it('loads the review of a reviewed order and the order’s own events', async () => {
    const review = { order_id: 7, stars: 4, content: 'Good', created_at: '2026-11-27T03:00:00Z' };
    const inbox = [
      { id: 'a', order_id: 7, message: 'Accepted', is_read: false, created_at: '2026-11-27T02:40:00Z' },
      { id: 'b', order_id: 8, message: 'Other', is_read: false, created_at: '2026-11-27T02:41:00Z' },
    ];
    const { calls } = stubFetch((request) =>
      request.url.pathname.startsWith('/api/v1/reviews/') ? ok(review) : ok({ items: inbox, total: 2, unread: 2 }),
    );
    const extras = useOrderExtras('provider');
    await extras.load({ ...sampleOrder, has_review: true });
    expect(extras.review.value).toEqual(review);
    expect(extras.events.value.map((item) => item.id)).toEqual(['a']);
    expect(calls.map((call) => call.url.pathname).sort()).toEqual([
      '/api/v1/provider/inbox',
      '/api/v1/reviews/order/7',
    ]);
  });

  it('asks for no review before there is one, and leaves out what fails to load', async () => {
    const { calls } = stubFetch(() => fail(503, 'unavailable', 'down'));
    const extras = useOrderExtras('customer');
    await extras.load(sampleOrder);
    expect(extras.review.value).toBeNull();
    expect(extras.events.value).toEqual([]);
    expect(calls.map((call) => call.url.pathname)).toEqual(['/api/v1/customer/inbox']);
  });
});

describe('ActionButtons', () => {
  it('renders full-size buttons when small is false', async () => {
    const host = await render(ActionButtons, { buttons: [{ label: 'Start', variant: 'primary' }], small: false });
    expect(host.querySelector('button')!.className).toBe('button button--primary');
  });

  it('renders a row of small buttons from their description: type, variant, test id, disabled', async () => {
    const host = await render(ActionButtons, {
      buttons: [
        { label: 'Approve', variant: 'primary', type: 'submit', testid: 'approve-7', disabled: true },
        { label: 'Cancel', variant: 'ghost' },
      ],
    });
    const row = host.querySelector('.form-actions')!;
    const [approve, cancel] = Array.from(row.querySelectorAll('button'));
    expect(row.children).toHaveLength(2);
    expect(approve.type).toBe('submit');
    expect(approve.className).toBe('button button--primary button--small');
    expect(approve.dataset.testid).toBe('approve-7');
    expect(approve.disabled).toBe(true);
    expect(approve.textContent.trim()).toBe('Approve');
    expect(cancel.type).toBe('button');
    expect(cancel.className).toBe('button button--ghost button--small');
    expect(cancel.hasAttribute('data-testid')).toBe(false);
    expect(cancel.hasAttribute('disabled')).toBe(false);
  });

  it('runs a button’s action on click; a submit button without one sends its form', async () => {
    const onClick = vi.fn();
    const onSubmit = vi.fn((event: Event) => event.preventDefault());
    const host = await render(
      {
        render: () =>
          h('form', { onSubmit }, [
            h(ActionButtons, {
              buttons: [
                { label: 'Approve', variant: 'primary', type: 'submit', testid: 'approve' },
                { label: 'Reject', variant: 'danger', testid: 'reject', onClick },
              ],
            }),
          ]),
      },
      {},
    );
    host.querySelector<HTMLButtonElement>('[data-testid="reject"]')!.click();
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(onSubmit).not.toHaveBeenCalled();
    host.querySelector<HTMLButtonElement>('[data-testid="approve"]')!.click();
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onClick).toHaveBeenCalledTimes(1);
  });
});

describe('SubmitButton and ErrorAlert', () => {
  it('submit button: its label, or disabled and "Please wait…" while busy', async () => {
    const idle = await render(SubmitButton, { busy: false, 'data-testid': 'save' }, { default: () => 'Save' });
    const button = idle.querySelector<HTMLButtonElement>('[data-testid="save"]')!;
    expect(button.type).toBe('submit');
    expect(button.className).toBe('button button--primary');
    expect(button.disabled).toBe(false);
    expect(button.textContent).toBe('Save');
    unmount?.();
    const busy = await render(
      SubmitButton,
      { busy: true, secondary: true, class: 'button--block' },
      { default: () => 'Save' },
    );
    expect(busy.querySelector('button')!.className).toBe('button button--secondary button--block');
    expect(busy.querySelector('button')!.disabled).toBe(true);
    expect(busy.querySelector('button')!.textContent).toBe('Please wait…');
  });

  it('error alert: a message, a caught error in words, or nothing', async () => {
    const empty = await render(ErrorAlert, { error: null });
    expect(empty.querySelector('[role="alert"]')).toBeNull();
    unmount?.();
    const caught = await render(ErrorAlert, {
      error: new ApiError({ status: 0, code: 'network_error', error: '' }),
      testid: 'x',
    });
    expect(text(caught, '[data-testid="x"]')).toBe(
      'The server could not be reached. Check your connection and try again.',
    );
  });
});

describe('FormField', () => {
  const kinds = ['text', 'textarea', 'select'] as const;
  const field = (kind: (typeof kinds)[number], more: Record<string, unknown>) =>
    render(FormField, { id: 'f', label: 'Name', kind, hint: 'A hint', modelValue: 'a', ...more });
  const control = (host: HTMLElement) => host.querySelector<HTMLElement>('#f')!;

  it.each(kinds)('%s: labelled, tied to its hint, required and enabled', async (kind) => {
    const host = await field(kind, { required: true, options: [{ value: 'a', label: 'A' }] });
    expect(control(host).tagName).toBe(kind === 'text' ? 'INPUT' : kind.toUpperCase());
    expect(host.querySelector('label')!.htmlFor).toBe('f');
    expect(control(host).getAttribute('aria-describedby')).toBe('f-hint');
    expect(control(host).getAttribute('aria-required')).toBe('true');
    expect(control(host).hasAttribute('aria-invalid')).toBe(false);
    expect(control(host).hasAttribute('disabled')).toBe(false);
  });

  it.each(kinds)('%s: an error replaces the hint and marks the control invalid', async (kind) => {
    const host = await field(kind, { error: 'Wrong', disabled: true });
    expect(control(host).getAttribute('aria-describedby')).toBe('f-error');
    expect(control(host).getAttribute('aria-invalid')).toBe('true');
    expect(control(host).hasAttribute('aria-required')).toBe(false);
    expect(control(host).hasAttribute('disabled')).toBe(true);
    expect(text(host, '[data-testid="error-f"]')).toBe('Wrong');
    expect(host.querySelector('#f-hint')).toBeNull();
  });
});

describe('profile fields', () => {
  function type(host: HTMLElement, selector: string, value: string) {
    const input = host.querySelector<HTMLInputElement>(selector)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  it('provider: edits the parent’s form in place, ids by prefix, errors under their fields', async () => {
    const form = reactive(providerProfileForm());
    const host = await render(ProviderProfileFields, {
      form,
      idPrefix: 'me',
      areasLegend: 'Areas I work in',
      error: (field: string) => (field === 'hourly_rate' || field === 'service_areas' ? `bad ${field}` : undefined),
    });
    type(host, '#me-skills', 'plumbing, painting');
    type(host, '#me-experience', '6');
    host.querySelector<HTMLInputElement>('[data-testid="area-NORTH"]')!.click();
    await flush();
    expect(form.skills).toBe('plumbing, painting');
    expect(form.experience_years).toBe('6');
    expect(form.service_areas).toEqual(['NORTH']);
    expect(text(host, 'legend')).toBe('Areas I work in');
    expect(text(host, '[data-testid="error-me-rate"]')).toBe('bad hourly_rate');
    expect(text(host, 'fieldset .field__error')).toBe('bad service_areas');
    expect(host.querySelector('[data-testid="error-me-skills"]')).toBeNull();
  });

  it('customer: edits the parent’s form; the address autocompletes only when asked to', async () => {
    const form = reactive(customerProfileForm());
    const own = await render(CustomerProfileFields, {
      form,
      idPrefix: 'me',
      error: () => undefined,
      addressAutocomplete: 'street-address',
    });
    type(own, '#me-address', '1 Main Street');
    type(own, '#me-budget', '50');
    await flush();
    expect(form.address).toBe('1 Main Street');
    expect(form.budget_preference).toBe('50');
    expect(own.querySelector('#me-address')!.getAttribute('autocomplete')).toBe('street-address');
    unmount?.();
    const theirs = await render(CustomerProfileFields, { form, idPrefix: 'user', error: () => undefined });
    expect(theirs.querySelector('#user-address')!.hasAttribute('autocomplete')).toBe(false);
    expect(theirs.querySelectorAll('#user-location option')).toHaveLength(5);
  });
});

describe('RefundList', () => {
  const refund = {
    refund_id: 3,
    payment_id: 1,
    order_id: 7,
    customer_id: 2,
    amount: 120.5,
    reason: 'The leak came back.',
    status: 'completed' as const,
    decision_reason: 'Agreed.',
    created_at: '2030-06-02T10:00:00Z',
    updated_at: '2030-06-02T11:00:00Z',
  };

  it('shows each refund with its amount, status, the reason and the decision', async () => {
    const host = await render(RefundList, { refunds: [refund], itemTestid: 'refund' });
    const line = text(host, '[data-testid="refund"]')!;
    expect(line).toContain('120.50');
    expect(text(host, '[data-testid="refund-status"]')).toBe('Refunded');
    expect(line).toContain('— The leak came back.');
    expect(line).toContain('(Agreed.)');
  });

  it('renders nothing without refunds', async () => {
    const host = await render(RefundList, { refunds: [], itemTestid: 'refund' });
    expect(host.querySelector('ul')).toBeNull();
  });
});
