// Routes in history mode. Each role's area is loaded on demand (dynamic imports); guards send a visitor to
// the login page and a signed-in user away from other roles' areas.

import {
  type RouteComponent,
  type RouteLocationNormalized,
  type RouteRecordRaw,
  createRouter,
  createWebHistory,
} from 'vue-router';
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

type Area = 'customer' | 'provider' | 'admin';

// The views of the role areas, each its own chunk, by file: views/<area>/<Name>.vue, or views/shared/ for a
// page more than one area has.
const views = import.meta.glob<RouteComponent>('../views/{customer,provider,admin,shared}/*.vue', {
  import: 'default',
});

/** A page of a role's area: its path below the area's root ('' for the root itself), its name after the area's. */
interface Page {
  path: string;
  name: string;
  view: string;
  title: MessageKey;
  nav?: NavLink;
  props?: (route: RouteLocationNormalized) => Record<string, unknown>;
}

const page = (path: string, name: string, view: string, title: MessageKey, nav?: NavLink): Page => {
  return { path, name, view, title, nav };
};
const link = (label: MessageKey, testid: string, badge?: boolean): NavLink => ({ label, testid, badge });
/** The page of one item of the list at `list`: its number is the prop `id` (next to the `extra` props). */
const detail = (list: string, name: string, view: string, title: MessageKey, extra = {}): Page => {
  return {
    path: `${list}/:id(\\d+)`,
    name,
    view,
    title,
    props: (route) => ({ id: Number(route.params.id), ...extra }),
  };
};

/** The routes of a role's area: below `/<root>`, named `<root>-…`, views from views/<root>/ or views/shared/. */
function area(root: Area, role: RoleId, pages: Page[]): RouteRecordRaw[] {
  return pages.map(({ path, name, view, title, nav, props }) => {
    const component = views[`../views/${root}/${view}.vue`] ?? views[`../views/shared/${view}.vue`];
    if (!component) throw new Error(`no view ${view} for /${root}`);
    const meta = { role, title, nav };
    return { path: path ? `/${root}/${path}` : `/${root}`, name: `${root}-${name}`, component, props, meta };
  });
}

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
  ...area('customer', 1, [
    page('orders', 'orders', 'CustomerOrdersView', 'customerOrders.title', link('nav.myOrders', 'nav-orders')),
    page('orders/new', 'publish', 'PublishOrderView', 'publish.title', link('nav.newOrder', 'nav-new-order')),
    detail('orders', 'order', 'CustomerOrderDetailView', 'orderDetail.title'),
    page('payments', 'payments', 'CustomerPaymentsView', 'payments.title', link('nav.payments', 'nav-payments')),
    page('inbox', 'inbox', 'InboxView', 'inbox.title', link('nav.inbox', 'nav-inbox', true)),
    page('profile', 'profile', 'CustomerProfileView', 'profile.title', link('nav.profile', 'nav-profile')),
  ]),

  { path: '/provider', redirect: '/provider/available' },
  ...area('provider', 2, [
    page('available', 'available', 'AvailableOrdersView', 'available.title', link('nav.available', 'nav-available')),
    detail('available', 'available-order', 'ProviderOrderDetailView', 'orderDetail.title', { mode: 'available' }),
    page('orders', 'orders', 'ProviderOrdersView', 'providerOrders.title', link('nav.myJobs', 'nav-jobs')),
    detail('orders', 'order', 'ProviderOrderDetailView', 'orderDetail.title', { mode: 'mine' }),
    page('inbox', 'inbox', 'InboxView', 'inbox.title', link('nav.inbox', 'nav-inbox', true)),
    page('profile', 'profile', 'ProviderProfileView', 'profile.title', link('nav.profile', 'nav-profile')),
  ]),

  ...area('admin', 3, [
    page('', 'dashboard', 'AdminDashboardView', 'dashboard.title', link('nav.dashboard', 'nav-dashboard')),
    page('review', 'review', 'AdminReviewQueueView', 'reviewQueue.title', link('nav.reviewQueue', 'nav-review')),
    page('orders', 'orders', 'AdminOrdersView', 'adminOrders.title', link('nav.allOrders', 'nav-admin-orders')),
    detail('orders', 'order', 'AdminOrderDetailView', 'orderDetail.title'),
    page('users', 'users', 'AdminUsersView', 'users.title', link('nav.users', 'nav-users')),
    detail('users', 'user', 'AdminUserDetailView', 'userDetail.title'),
    page('refunds', 'refunds', 'AdminRefundsView', 'refunds.title', link('nav.refunds', 'nav-refunds')),
    page('notices', 'notices', 'AdminNoticeView', 'notice.title', link('nav.notices', 'nav-notices')),
  ]),

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
