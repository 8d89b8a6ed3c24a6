// The steps of an order's life for the status timeline, derived from its status and payment status.

import type { OrderDetail } from './api/types';

export type StepKey =
  'published' | 'approved' | 'accepted' | 'in_progress' | 'completed' | 'paid' | 'reviewed' | 'refunded' | 'cancelled';

export type StepState = 'done' | 'current' | 'todo' | 'stopped';

export interface TimelineStep {
  key: StepKey;
  state: StepState;
}

const MAIN_PATH: StepKey[] = ['published', 'approved', 'accepted', 'in_progress', 'completed', 'paid', 'reviewed'];

type TimelineOrder = Pick<OrderDetail, 'status' | 'payment_status' | 'provider_id' | 'has_review'>;

function stepsDone(order: TimelineOrder): number {
  const paid = order.payment_status === 'paid' || order.payment_status === 'refunded';
  switch (order.status) {
    case 'pending_review':
      return 1;
    case 'pending':
      return 2;
    case 'accepted':
      return 3;
    case 'in_progress':
      return 4;
    case 'completed':
      if (order.has_review) return 7;
      return paid ? 6 : 5;
    case 'reviewed':
      return 7;
    default:
      return 0;
  }
}

export function orderTimeline(order: TimelineOrder): TimelineStep[] {
  if (order.status === 'cancelled') {
    const reached: StepKey[] = order.provider_id !== null ? ['published', 'approved', 'accepted'] : ['published'];
    return [...reached.map((key) => ({ key, state: 'done' as const })), { key: 'cancelled', state: 'stopped' }];
  }
  const done = stepsDone(order);
  const refunded = order.payment_status === 'refunded';
  const steps: TimelineStep[] = MAIN_PATH.map((key, index) => ({
    key,
    state: index < done ? 'done' : index === done && !refunded ? 'current' : 'todo',
  }));
  if (refunded) {
    // A refund ends the order: a review that never came is no longer expected.
    const result = steps.filter((step) => step.state === 'done');
    result.push({ key: 'refunded', state: 'done' });
    return result;
  }
  return steps;
}
