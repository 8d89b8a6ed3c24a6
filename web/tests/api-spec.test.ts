// The API client against docs/openapi.yaml: every path + method it uses exists in the spec, every query
// parameter and header it sends is declared there, and the client really calls every listed endpoint.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApi } from '../src/api/client';
import { endpoints } from '../src/api/endpoints';
import { HttpClient } from '../src/api/http';
import { fail, memoryTokenStore, ok, stubFetch, type RecordedRequest } from './helpers';

const SPEC_PATH = resolve(__dirname, '../../docs/openapi.yaml');
const API_BASE = '/api/v1';

interface Parameter {
  name: string;
  in: string;
  $ref?: string;
}

interface Operation {
  parameters?: Parameter[];
}

type PathItem = Record<string, Operation | Parameter[]>;

interface Spec {
  paths: Record<string, PathItem>;
  components: { parameters: Record<string, Parameter> };
}

let spec: Spec;

beforeAll(() => {
  spec = parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
});

function resolveParameter(parameter: Parameter): Parameter {
  if (!parameter.$ref) return parameter;
  const name = parameter.$ref.replace('#/components/parameters/', '');
  const resolved = spec.components.parameters[name];
  if (!resolved) throw new Error(`unresolved ${parameter.$ref}`);
  return resolved;
}

function declaredParameters(path: string, method: string): Parameter[] {
  const item = spec.paths[path];
  const operation = item[method.toLowerCase()] as Operation;
  const shared = (item.parameters as Parameter[] | undefined) ?? [];
  return [...shared, ...(operation.parameters ?? [])].map(resolveParameter);
}

function templateRegex(path: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^${path
      .split(/\{[^}]+\}/)
      .map(escape)
      .join('[^/]+')}$`,
  );
}

/** The spec path template that a concrete request path matches (exact paths win over templated ones). */
function matchSpecPath(concrete: string, method: string): string | undefined {
  const candidates = Object.keys(spec.paths).filter(
    (path) => templateRegex(path).test(concrete) && spec.paths[path][method.toLowerCase()] !== undefined,
  );
  return candidates.find((path) => path === concrete) ?? candidates[0];
}

describe('endpoint table', () => {
  it('lists only paths and methods that exist in docs/openapi.yaml', () => {
    const missing = Object.entries(endpoints)
      .filter(([, endpoint]) => spec.paths[API_BASE + endpoint.path]?.[endpoint.method.toLowerCase()] === undefined)
      .map(([name, endpoint]) => `${name}: ${endpoint.method} ${API_BASE}${endpoint.path}`);
    expect(missing).toEqual([]);
  });

  it('names each path parameter as the spec does', () => {
    for (const endpoint of Object.values(endpoints)) {
      const names = [...endpoint.path.matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1]);
      const declared = declaredParameters(API_BASE + endpoint.path, endpoint.method)
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name);
      expect(declared.sort(), endpoint.path).toEqual(names.sort());
    }
  });
});

describe('client requests', () => {
  let calls: RecordedRequest[];

  beforeAll(async () => {
    // The first token is refused, so the client also goes through POST /auth/refresh.
    calls = stubFetch((request) => {
      if (request.url.pathname.endsWith('/auth/refresh')) {
        return ok({ access_token: 'b', token_type: 'bearer', refresh_token: 'r2' });
      }
      if (request.headers.Authorization === 'Bearer a') return fail(401, 'token_expired', 'expired');
      return ok({ items: [], total: 0, unread: 0 });
    }).calls;
    const http = new HttpClient({
      baseUrl: API_BASE,
      tokens: memoryTokenStore({ accessToken: 'a', refreshToken: 'r' }),
    });
    const api = createApi(http);
    // Every client function, with every optional argument, so that each query parameter is sent.
    const page = { limit: 5, offset: 10 };
    await api.auth.register({ username: 'alice', email: 'a@example.com', password: 'correct horse', role_id: 1 });
    await api.auth.login({ email: 'a@example.com', password: 'correct horse' });
    await api.auth.me();
    await api.auth.logout('r');
    await api.profiles.customer();
    await api.profiles.updateCustomer({ location: 'MID' });
    await api.profiles.provider();
    await api.profiles.updateProvider({ skills: ['plumbing'] });
    await api.customerOrders.publish({ title: 't', service_type: 'other', price: 1, location: 'MID' });
    await api.customerOrders.active(page);
    await api.customerOrders.history(page);
    await api.customerOrders.get(1);
    await api.customerOrders.cancel(1);
    await api.providerOrders.available({
      location: 'NORTH',
      service_type: 'other',
      min_price: 1,
      max_price: 2,
      keyword: 'sink',
      ...page,
    });
    await api.providerOrders.getAvailable(1);
    await api.providerOrders.accept(1);
    await api.providerOrders.setStatus(1, 'in_progress');
    await api.providerOrders.get(1);
    await api.providerOrders.history(page);
    await api.adminOrders.list({ status: 'pending', ...page });
    await api.adminOrders.pendingReview(page);
    await api.adminOrders.get(1);
    await api.adminOrders.update(1, { title: 'x' });
    await api.adminOrders.remove(1);
    await api.adminOrders.approve(1);
    await api.adminOrders.reject(1, 'no');
    await api.adminUsers.list({ role_id: 2, ...page });
    await api.adminUsers.get(1);
    await api.adminUsers.update(1, { username: 'bob' });
    await api.adminUsers.remove(1);
    await api.payments.pay(1, 'key-1');
    await api.payments.list(page);
    await api.payments.requestRefund(1, 'reason');
    await api.adminRefunds.list({ status: 'pending', ...page });
    await api.adminRefunds.approve(1);
    await api.adminRefunds.reject(1, 'no');
    await api.reviews.create(1, 5, 'great');
    await api.reviews.forOrder(1);
    await api.reviews.myRating();
    await api.reviews.mine(page);
    for (const owner of ['customer', 'provider'] as const) {
      await api.inbox.list(owner, page);
      await api.inbox.unreadCount(owner);
      await api.inbox.markRead(owner, '6718a2c4e13f5b0a9c7d2e41');
      await api.inbox.markAllRead(owner);
      await api.notices.send(owner, 1, 'hello');
    }
  });

  it('uses only paths and methods of the spec', () => {
    const unknown = calls
      .filter((call) => matchSpecPath(call.url.pathname, call.method) === undefined)
      .map((call) => `${call.method} ${call.url.pathname}`);
    expect(unknown).toEqual([]);
  });

  /** The names the calls send in `place` that are neither `standard` nor declared there for their route. */
  function undeclared(place: 'query' | 'header', sent: (call: RecordedRequest) => string[], standard: string[] = []) {
    return calls.flatMap((call) => {
      const path = matchSpecPath(call.url.pathname, call.method)!;
      const names = declaredParameters(path, call.method)
        .filter((parameter) => parameter.in === place)
        .map((parameter) => parameter.name);
      return sent(call)
        .filter((name) => !standard.includes(name) && !names.includes(name))
        .map((name) => `${call.method} ${path} ${place} ${name}`);
    });
  }

  it('sends only query parameters the spec declares for the route', () => {
    expect(undeclared('query', (call) => [...call.url.searchParams.keys()])).toEqual([]);
  });

  it('sends only headers that are standard or declared by the route', () => {
    const standard = ['Accept', 'Authorization', 'Content-Type'];
    expect(undeclared('header', (call) => Object.keys(call.headers), standard)).toEqual([]);
  });

  it('calls every endpoint of the table (no unused entries)', () => {
    const used = new Set(calls.map((call) => `${call.method} ${matchSpecPath(call.url.pathname, call.method)}`));
    const listed = Object.values(endpoints).map((endpoint) => `${endpoint.method} ${API_BASE}${endpoint.path}`);
    expect(listed.filter((entry) => !used.has(entry))).toEqual([]);
  });
});
