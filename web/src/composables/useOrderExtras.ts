// What an order's page shows besides the order: its review (when it has one) and its events from the inbox.
// Either stays empty when it fails to load; the page works without them.

import { shallowRef } from 'vue';
import { api } from '../api';
import type { InboxItem, InboxOwner, OrderDetail, OrderReview } from '../api';

export function useOrderExtras(owner: InboxOwner) {
  const review = shallowRef<OrderReview | null>(null);
  const events = shallowRef<InboxItem[]>([]);

  async function load(order: OrderDetail): Promise<void> {
    const [orderReview, inbox] = await Promise.allSettled([
      order.has_review ? api.reviews.forOrder(order.id) : Promise.resolve(null),
      api.inbox.list(owner, { limit: 200 }),
    ]);
    review.value = orderReview.status === 'fulfilled' ? orderReview.value : null;
    events.value = inbox.status === 'fulfilled' ? inbox.value.items.filter((item) => item.order_id === order.id) : [];
  }

  return { review, events, load };
}
