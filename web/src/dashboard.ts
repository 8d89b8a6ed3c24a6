// The admin dashboard's numbers, computed from a page of the admin order list.

import { ORDER_STATUSES, type OrderDetail, type OrderStatus } from './api/types';

export interface DashboardSummary {
  counts: Record<OrderStatus, number>;
  /** Orders the counts are based on (the newest ones), and how many exist in all. */
  sampled: number;
  total: number;
  recent: OrderDetail[];
}

export function dashboardSummary(orders: OrderDetail[], total: number, recentCount = 8): DashboardSummary {
  const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
  for (const order of orders) {
    if (order.status in counts) counts[order.status] += 1;
  }
  const recent = [...orders]
    .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || b.id - a.id)
    .slice(0, recentCount);
  return { counts, sampled: orders.length, total: Math.max(total, orders.length), recent };
}
