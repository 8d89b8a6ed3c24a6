// Routes in history mode. Each role's area is loaded on demand (dynamic imports); guards send a visitor to
// the login page and a signed-in user away from other roles' areas.

import { type RouteLocationNormalized, type RouteRecordRaw, createRouter, createWebHistory } from 'vue-router';
import type { RoleId } from '../api';
import { useSessionStore } from '../stores/session';
import LoginView from '../views/LoginView.vue';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';

/** A page's link in the top bar; `badge` shows the inbox's unread count on it. */
export interface NavLink {
  label: MessageKey;
  testid: string;
  badge?: boolean;
}

declare module 'vue-router' {
  interface RouteMeta {
    role?: RoleId;
    guestOnly?: boolean;
    title?: MessageKey;
    nav?: NavLink;
  }
}

const customer = (title: MessageKey, nav?: NavLink) => ({ role: 1 as const, title, nav });
const provider = (title: MessageKey, nav?: NavLink) => ({ role: 2 as const, title, nav });
const admin = (title: MessageKey, nav?: NavLink) => ({ role: 3 as const, title, nav });

// Within a role's area, the pages with a link come in the order of the top bar's links.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', redirect: () => '/login' },
  { path: '/login', name: 'login', component: LoginView, meta: { guestOnly: true, title: 'login.title' } },
  {
    path: '/register',
    name: 'register',
    component: () => import('../views/RegisterView.vue'),
    meta: { guestOnly: true, title: 'register.title' },
  },

  { path: '/customer', redirect: '/customer/orders' },
  {
    path: '/customer/orders',
    name: 'customer-orders',
    component: () => import('../views/customer/CustomerOrdersView.vue'),
    meta: customer('customerOrders.title', { label: 'nav.myOrders', testid: 'nav-orders' }),
  },
  {
    path: '/customer/orders/new',
    name: 'customer-publish',
    component: () => import('../views/customer/PublishOrderView.vue'),
    meta: customer('publish.title', { label: 'nav.newOrder', testid: 'nav-new-order' }),
  },
  {
    path: '/customer/orders/:id(\\d+)',
    name: 'customer-order',
    component: () => import('../views/customer/CustomerOrderDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: customer('orderDetail.title'),
  },
  {
    path: '/customer/payments',
    name: 'customer-payments',
    component: () => import('../views/customer/CustomerPaymentsView.vue'),
    meta: customer('payments.title', { label: 'nav.payments', testid: 'nav-payments' }),
  },
  {
    path: '/customer/inbox',
    name: 'customer-inbox',
    component: () => import('../views/shared/InboxView.vue'),
    meta: customer('inbox.title', { label: 'nav.inbox', testid: 'nav-inbox', badge: true }),
  },
  {
    path: '/customer/profile',
    name: 'customer-profile',
    component: () => import('../views/customer/CustomerProfileView.vue'),
    meta: customer('profile.title', { label: 'nav.profile', testid: 'nav-profile' }),
  },

  { path: '/provider', redirect: '/provider/available' },
  {
    path: '/provider/available',
    name: 'provider-available',
    component: () => import('../views/provider/AvailableOrdersView.vue'),
    meta: provider('available.title', { label: 'nav.available', testid: 'nav-available' }),
  },
  {
    path: '/provider/available/:id(\\d+)',
    name: 'provider-available-order',
    component: () => import('../views/provider/ProviderOrderDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id), mode: 'available' }),
    meta: provider('orderDetail.title'),
  },
  {
    path: '/provider/orders',
    name: 'provider-orders',
    component: () => import('../views/provider/ProviderOrdersView.vue'),
    meta: provider('providerOrders.title', { label: 'nav.myJobs', testid: 'nav-jobs' }),
  },
  {
    path: '/provider/orders/:id(\\d+)',
    name: 'provider-order',
    component: () => import('../views/provider/ProviderOrderDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id), mode: 'mine' }),
    meta: provider('orderDetail.title'),
  },
  {
    path: '/provider/inbox',
    name: 'provider-inbox',
    component: () => import('../views/shared/InboxView.vue'),
    meta: provider('inbox.title', { label: 'nav.inbox', testid: 'nav-inbox', badge: true }),
  },
  {
    path: '/provider/profile',
    name: 'provider-profile',
    component: () => import('../views/provider/ProviderProfileView.vue'),
    meta: provider('profile.title', { label: 'nav.profile', testid: 'nav-profile' }),
  },

  {
    path: '/admin',
    name: 'admin-dashboard',
    component: () => import('../views/admin/AdminDashboardView.vue'),
    meta: admin('dashboard.title', { label: 'nav.dashboard', testid: 'nav-dashboard' }),
  },
  {
    path: '/admin/review',
    name: 'admin-review',
    component: () => import('../views/admin/AdminReviewQueueView.vue'),
    meta: admin('reviewQueue.title', { label: 'nav.reviewQueue', testid: 'nav-review' }),
  },
  {
    path: '/admin/orders',
    name: 'admin-orders',
    component: () => import('../views/admin/AdminOrdersView.vue'),
    meta: admin('adminOrders.title', { label: 'nav.allOrders', testid: 'nav-admin-orders' }),
  },
  {
    path: '/admin/orders/:id(\\d+)',
    name: 'admin-order',
    component: () => import('../views/admin/AdminOrderDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: admin('orderDetail.title'),
  },
  {
    path: '/admin/users',
    name: 'admin-users',
    component: () => import('../views/admin/AdminUsersView.vue'),
    meta: admin('users.title', { label: 'nav.users', testid: 'nav-users' }),
  },
  {
    path: '/admin/users/:id(\\d+)',
    name: 'admin-user',
    component: () => import('../views/admin/AdminUserDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: admin('userDetail.title'),
  },
  {
    path: '/admin/refunds',
    name: 'admin-refunds',
    component: () => import('../views/admin/AdminRefundsView.vue'),
    meta: admin('refunds.title', { label: 'nav.refunds', testid: 'nav-refunds' }),
  },
  {
    path: '/admin/notices',
    name: 'admin-notices',
    component: () => import('../views/admin/AdminNoticeView.vue'),
    meta: admin('notice.title', { label: 'nav.notices', testid: 'nav-notices' }),
  },

  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundView.vue'),
    meta: { title: 'notFound.title' },
  },
];

/** The top bar's links of a role's area. */
export function navLinks(role: RoleId | null): (NavLink & { to: string })[] {
  return routes.flatMap((route) =>
    route.meta?.nav && route.meta.role === role ? [{ to: route.path, ...route.meta.nav }] : [],
  );
}

/** Where a navigation may go, given who is signed in: true, or the path to go to instead. */
export function guard(
  to: Pick<RouteLocationNormalized, 'meta' | 'fullPath' | 'name'>,
  session: { isAuthenticated: boolean; role: RoleId | null; homePath: string },
): true | string | { name: string; query: Record<string, string> } {
  if (to.name === 'home') return session.isAuthenticated ? session.homePath : '/login';
  if (to.meta.guestOnly && session.isAuthenticated) return session.homePath;
  if (to.meta.role === undefined) return true;
  if (!session.isAuthenticated) return { name: 'login', query: { redirect: to.fullPath } };
  if (session.role !== to.meta.role) return session.homePath;
  return true;
}

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });

  router.beforeEach(async (to) => {
    const session = useSessionStore();
    if (session.isAuthenticated && !session.user) {
      try {
        await session.restore();
      } catch {
        // Expired sessions are handled by the API client (back to login); other failures keep the role from
        // the token, and the page shows its own error.
      }
    }
    return guard(to, session);
  });

  router.afterEach((to) => {
    const title = to.meta.title ? `${t(to.meta.title)} · ${t('app.name')}` : t('app.name');
    document.title = title;
  });

  return router;
}
