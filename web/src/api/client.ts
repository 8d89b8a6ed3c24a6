// The typed API: one function per route the app uses, grouped by area. Every function resolves with the
// envelope's `data` (lists with `X-Total-Count`) or rejects with an ApiError.

import { endpoints } from './endpoints';
import type { HttpClient } from './http';
import type {
  AdminOrderUpdate,
  AdminUser,
  AdminUserDetail,
  AdminUserUpdate,
  AvailableOrdersQuery,
  CustomerProfile,
  CustomerProfileUpdate,
  Inbox,
  InboxItem,
  InboxOwner,
  LoginRequest,
  Me,
  NoticeSent,
  OrderActionResult,
  OrderDeleted,
  OrderDetail,
  OrderReview,
  OrderStatus,
  Page,
  PageQuery,
  PaymentHistoryItem,
  PaymentResult,
  ProviderProfile,
  ProviderProfileUpdate,
  ProviderRating,
  PublishOrderRequest,
  RefundResult,
  RefundStatus,
  RegisteredUser,
  RegistrationRequest,
  Review,
  ReviewCreated,
  Refund,
  TokenPair,
} from './types';

async function page<T>(promise: Promise<{ data: T[]; total: number | null }>): Promise<Page<T>> {
  const { data, total } = await promise;
  const items = Array.isArray(data) ? data : [];
  return { items, total: total ?? items.length };
}

async function data<T>(promise: Promise<{ data: T }>): Promise<T> {
  return (await promise).data;
}

function pageQuery(query: PageQuery = {}) {
  return { limit: query.limit, offset: query.offset };
}

export function createApi(http: HttpClient) {
  const inboxEndpoints = {
    customer: {
      list: endpoints.customerInbox,
      unread: endpoints.customerUnread,
      readAll: endpoints.customerReadAll,
      read: endpoints.customerRead,
    },
    provider: {
      list: endpoints.providerInbox,
      unread: endpoints.providerUnread,
      readAll: endpoints.providerReadAll,
      read: endpoints.providerRead,
    },
  } as const;

  return {
    auth: {
      register: (body: RegistrationRequest) =>
        data(http.to(endpoints.register).send<RegisteredUser>({ body, auth: false })),
      login: (body: LoginRequest) => data(http.to(endpoints.login).send<TokenPair>({ body, auth: false })),
      me: () => data(http.to(endpoints.me).send<Me>()),
      /** Revokes the access token and, when given, the refresh token. Never retried after a 401. */
      logout: (refreshToken: string | null) =>
        data(
          http.to(endpoints.logout).send<unknown>({
            body: refreshToken ? { refresh_token: refreshToken } : {},
            retryOnUnauthorized: false,
          }),
        ),
    },

    profiles: {
      customer: () => data(http.to(endpoints.customerProfile).send<CustomerProfile>()),
      updateCustomer: (body: CustomerProfileUpdate) =>
        data(http.to(endpoints.updateCustomerProfile).send<CustomerProfile>({ body })),
      provider: () => data(http.to(endpoints.providerProfile).send<ProviderProfile>()),
      updateProvider: (body: ProviderProfileUpdate) =>
        data(http.to(endpoints.updateProviderProfile).send<ProviderProfile>({ body })),
    },

    customerOrders: {
      publish: (body: PublishOrderRequest) => data(http.to(endpoints.publishOrder).send<OrderActionResult>({ body })),
      active: (query?: PageQuery) =>
        page(http.to(endpoints.customerActiveOrders).send<OrderDetail[]>({ query: pageQuery(query) })),
      history: (query?: PageQuery) =>
        page(http.to(endpoints.customerHistory).send<OrderDetail[]>({ query: pageQuery(query) })),
      get: (orderId: number) =>
        data(http.to(endpoints.customerOrder).send<OrderDetail>({ params: { order_id: orderId } })),
      cancel: (orderId: number) =>
        data(http.to(endpoints.cancelOrder).send<OrderActionResult>({ params: { order_id: orderId } })),
    },

    providerOrders: {
      available: (query: AvailableOrdersQuery = {}) =>
        page(http.to(endpoints.availableOrders).send<OrderDetail[]>({ query: { ...query } })),
      getAvailable: (orderId: number) =>
        data(http.to(endpoints.availableOrder).send<OrderDetail>({ params: { order_id: orderId } })),
      accept: (orderId: number) =>
        data(http.to(endpoints.acceptOrder).send<OrderActionResult>({ params: { order_id: orderId } })),
      setStatus: (orderId: number, newStatus: 'in_progress' | 'completed') =>
        data(
          http.to(endpoints.updateOrderStatus).send<OrderActionResult>({
            params: { order_id: orderId },
            body: { new_status: newStatus },
          }),
        ),
      get: (orderId: number) =>
        data(http.to(endpoints.providerOrder).send<OrderDetail>({ params: { order_id: orderId } })),
      history: (query?: PageQuery) =>
        page(http.to(endpoints.providerHistory).send<OrderDetail[]>({ query: pageQuery(query) })),
    },

    adminOrders: {
      list: (query: PageQuery & { status?: OrderStatus } = {}) =>
        page(
          http.to(endpoints.adminOrders).send<OrderDetail[]>({ query: { ...pageQuery(query), status: query.status } }),
        ),
      pendingReview: (query?: PageQuery) =>
        page(http.to(endpoints.adminPendingReview).send<OrderDetail[]>({ query: pageQuery(query) })),
      get: (orderId: number) =>
        data(http.to(endpoints.adminOrder).send<OrderDetail>({ params: { order_id: orderId } })),
      update: (orderId: number, body: AdminOrderUpdate) =>
        data(http.to(endpoints.adminUpdateOrder).send<OrderDetail>({ params: { order_id: orderId }, body })),
      remove: (orderId: number) =>
        data(http.to(endpoints.adminDeleteOrder).send<OrderDeleted>({ params: { order_id: orderId } })),
      approve: (orderId: number) =>
        data(
          http.to(endpoints.adminApproveOrder).send<OrderActionResult>({
            params: { order_id: orderId },
            body: { approved: true },
          }),
        ),
      reject: (orderId: number, reason: string) =>
        data(
          http.to(endpoints.adminApproveOrder).send<OrderActionResult>({
            params: { order_id: orderId },
            body: { approved: false, reject_reason: reason },
          }),
        ),
    },

    adminUsers: {
      list: (query: PageQuery & { role_id?: number } = {}) =>
        page(
          http.to(endpoints.adminUsers).send<AdminUser[]>({
            query: { ...pageQuery(query), role_id: query.role_id || undefined },
          }),
        ),
      get: (userId: number) =>
        data(http.to(endpoints.adminUser).send<AdminUserDetail>({ params: { user_id: userId } })),
      update: (userId: number, body: AdminUserUpdate) =>
        data(http.to(endpoints.adminUpdateUser).send<AdminUserDetail>({ params: { user_id: userId }, body })),
      remove: (userId: number) =>
        data(
          http
            .to(endpoints.adminDeleteUser)
            .send<{ user_id: number; message: string }>({ params: { user_id: userId } }),
        ),
    },

    payments: {
      /** `idempotencyKey` makes a retried click safe: the server answers a repeated key with the first result. */
      pay: (orderId: number, idempotencyKey: string) =>
        data(
          http.to(endpoints.pay).send<PaymentResult>({
            body: { order_id: orderId },
            headers: { 'Idempotency-Key': idempotencyKey },
          }),
        ),
      list: (query?: PageQuery) =>
        page(http.to(endpoints.payments).send<PaymentHistoryItem[]>({ query: pageQuery(query) })),
      requestRefund: (orderId: number, reason: string) =>
        data(http.to(endpoints.requestRefund).send<RefundResult>({ body: { order_id: orderId, reason } })),
    },

    adminRefunds: {
      list: (query: PageQuery & { status?: RefundStatus } = {}) =>
        page(http.to(endpoints.adminRefunds).send<Refund[]>({ query: { ...pageQuery(query), status: query.status } })),
      approve: (refundId: number, reason?: string) =>
        data(
          http.to(endpoints.adminDecideRefund).send<RefundResult>({
            params: { refund_id: refundId },
            body: reason ? { approved: true, reason } : { approved: true },
          }),
        ),
      reject: (refundId: number, reason: string) =>
        data(
          http.to(endpoints.adminDecideRefund).send<RefundResult>({
            params: { refund_id: refundId },
            body: { approved: false, reason },
          }),
        ),
    },

    reviews: {
      create: (orderId: number, stars: number, content: string | null) =>
        data(http.to(endpoints.createReview).send<ReviewCreated>({ body: { order_id: orderId, stars, content } })),
      forOrder: (orderId: number) =>
        data(http.to(endpoints.orderReview).send<OrderReview>({ params: { order_id: orderId } })),
      myRating: () => data(http.to(endpoints.myRating).send<ProviderRating>()),
      mine: (query?: PageQuery) => page(http.to(endpoints.myReviews).send<Review[]>({ query: pageQuery(query) })),
    },

    inbox: {
      list: (owner: InboxOwner, query?: PageQuery) =>
        data(http.to(inboxEndpoints[owner].list).send<Inbox>({ query: pageQuery(query) })),
      unreadCount: async (owner: InboxOwner) =>
        (await data(http.to(inboxEndpoints[owner].unread).send<{ unread: number }>())).unread,
      markRead: (owner: InboxOwner, id: string) =>
        data(http.to(inboxEndpoints[owner].read).send<InboxItem>({ params: { notification_id: id } })),
      markAllRead: (owner: InboxOwner) => data(http.to(inboxEndpoints[owner].readAll).send<{ updated: number }>()),
    },

    notices: {
      send: (target: InboxOwner, userId: number, message: string) =>
        data(
          http.to(target === 'customer' ? endpoints.noticeToCustomer : endpoints.noticeToProvider).send<NoticeSent>({
            params: { user_id: userId },
            body: { message },
          }),
        ),
    },
  };
}

export type Api = ReturnType<typeof createApi>;
