// Every route the web app calls, relative to the API base `/api/v1`. tests/api-spec.test.ts checks each
// method + path against docs/openapi.yaml, and that the client really calls exactly these.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Endpoint<Path extends string = string> {
  readonly method: HttpMethod;
  readonly path: Path;
}

function endpoint<Path extends string>(method: HttpMethod, path: Path): Endpoint<Path> {
  return { method, path };
}

export const endpoints = {
  register: endpoint('POST', '/auth/register'),
  login: endpoint('POST', '/auth/login'),
  refresh: endpoint('POST', '/auth/refresh'),
  logout: endpoint('POST', '/auth/logout'),
  me: endpoint('GET', '/auth/me'),

  customerProfile: endpoint('GET', '/customer/profile'),
  updateCustomerProfile: endpoint('PUT', '/customer/profile'),
  providerProfile: endpoint('GET', '/provider/profile'),
  updateProviderProfile: endpoint('PUT', '/provider/profile'),

  publishOrder: endpoint('POST', '/customer/orders/publish'),
  customerActiveOrders: endpoint('GET', '/customer/orders'),
  customerOrder: endpoint('GET', '/customer/orders/my/{order_id}'),
  customerHistory: endpoint('GET', '/customer/orders/history'),
  cancelOrder: endpoint('POST', '/customer/orders/cancel/{order_id}'),

  availableOrders: endpoint('GET', '/provider/orders/available'),
  availableOrder: endpoint('GET', '/provider/orders/available/{order_id}'),
  acceptOrder: endpoint('POST', '/provider/orders/accept/{order_id}'),
  updateOrderStatus: endpoint('POST', '/provider/orders/status/{order_id}'),
  providerOrder: endpoint('GET', '/provider/orders/my/{order_id}'),
  providerHistory: endpoint('GET', '/provider/orders/history'),

  adminOrders: endpoint('GET', '/admin/orders'),
  adminPendingReview: endpoint('GET', '/admin/orders/pending-review'),
  adminOrder: endpoint('GET', '/admin/orders/{order_id}'),
  adminUpdateOrder: endpoint('PUT', '/admin/orders/{order_id}'),
  adminDeleteOrder: endpoint('DELETE', '/admin/orders/{order_id}'),
  adminApproveOrder: endpoint('POST', '/admin/orders/{order_id}/approve'),

  adminUsers: endpoint('GET', '/admin/users'),
  adminUser: endpoint('GET', '/admin/users/{user_id}'),
  adminUpdateUser: endpoint('PUT', '/admin/users/{user_id}'),
  adminDeleteUser: endpoint('DELETE', '/admin/users/{user_id}'),

  pay: endpoint('POST', '/customer/payments/pay'),
  payments: endpoint('GET', '/customer/payments'),
  requestRefund: endpoint('POST', '/customer/refunds'),
  adminRefunds: endpoint('GET', '/admin/refunds'),
  adminDecideRefund: endpoint('POST', '/admin/refunds/{refund_id}/approve'),

  createReview: endpoint('POST', '/reviews'),
  orderReview: endpoint('GET', '/reviews/order/{order_id}'),
  myRating: endpoint('GET', '/reviews/provider/me/rating'),
  myReviews: endpoint('GET', '/reviews/provider/me/reviews'),

  customerInbox: endpoint('GET', '/customer/inbox'),
  customerUnread: endpoint('GET', '/customer/inbox/unread-count'),
  customerReadAll: endpoint('PUT', '/customer/inbox/read-all'),
  customerRead: endpoint('PUT', '/customer/inbox/{notification_id}/read'),
  providerInbox: endpoint('GET', '/provider/inbox'),
  providerUnread: endpoint('GET', '/provider/inbox/unread-count'),
  providerReadAll: endpoint('PUT', '/provider/inbox/read-all'),
  providerRead: endpoint('PUT', '/provider/inbox/{notification_id}/read'),

  noticeToCustomer: endpoint('POST', '/admin/notifications/customer/{user_id}'),
  noticeToProvider: endpoint('POST', '/admin/notifications/provider/{user_id}'),
} as const;

export type EndpointName = keyof typeof endpoints;

/** `{order_id}`-style placeholders of a path, as an object type. */
export type PathParams<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name]: string | number } & PathParams<Rest>
  : unknown;

export function fillPath(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`Missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}
