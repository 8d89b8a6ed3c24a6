// The admin dashboard's numbers. The counts are exact: each one is the `X-Total-Count` of a one-item page of
// the admin order list filtered by that status (the API has no aggregate route), and the grand total is the
// count of the unfiltered list, whose first page also gives the latest activity.

import { ORDER_STATUSES, type OrderDetail, type OrderStatus } from './api/types';

export interface DashboardSummary {
  counts: Record<OrderStatus, number>;
  /** All orders (the unfiltered list's count). */
  total: number;
  recent: OrderDetail[];
}

/** The page size of each per-status request: only its `X-Total-Count` is used. */
export const STATUS_COUNT_LIMIT = 1;
/** How many of the newest orders the activity list shows. */
export const RECENT_LIMIT = 8;

/** A count as the API gave it; anything that is not a whole number ≥ 0 counts as 0. */
function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/**
 * `statusTotals`: the full count of each status (a missing status counts 0); `total`: the count of all orders;
 * `latest`: the newest orders, shown most recently changed first.
 */
export function dashboardSummary(
  statusTotals: Partial<Record<OrderStatus, number>>,
  total: number,
  latest: OrderDetail[],
  recentCount = RECENT_LIMIT,
): DashboardSummary {
  const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, count(statusTotals[status])])) as Record<
    OrderStatus,
    number
  >;
  const recent = [...latest]
    .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || b.id - a.id)
    .slice(0, recentCount);
  return { counts, total: Math.max(count(total), latest.length), recent };
}

/** Pairs each status with the count its request returned (`pages` in the order of ORDER_STATUSES). */
export function statusTotals(pages: readonly { total: number }[]): Record<OrderStatus, number> {
  return Object.fromEntries(ORDER_STATUSES.map((status, index) => [status, count(pages[index]?.total)])) as Record<
    OrderStatus,
    number
  >;
}
