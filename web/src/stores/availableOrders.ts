// A provider's view of the orders open for acceptance: filters, the page, and accepting (first one wins).

import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { api, isApiError } from '../api';
import type { AvailableOrdersQuery, OrderDetail } from '../api';
import { type AvailableFilterForm, parseMoney } from '../validation';

export function emptyFilters(): AvailableFilterForm {
  return { location: '', service_type: '', min_price: '', max_price: '', keyword: '' };
}

export function toAvailableQuery(filters: AvailableFilterForm, limit: number, offset: number): AvailableOrdersQuery {
  const query: AvailableOrdersQuery = { limit, offset };
  if (filters.location) query.location = filters.location;
  if (filters.service_type) query.service_type = filters.service_type;
  const min = parseMoney(filters.min_price);
  const max = parseMoney(filters.max_price);
  if (min !== null) query.min_price = min;
  if (max !== null) query.max_price = max;
  if (filters.keyword.trim()) query.keyword = filters.keyword.trim();
  return query;
}

export type AcceptOutcome =
  { kind: 'accepted'; orderId: number } | { kind: 'taken'; orderId: number } | { kind: 'failed'; error: unknown };

export const useAvailableOrdersStore = defineStore('availableOrders', () => {
  const filters = reactive<AvailableFilterForm>(emptyFilters());
  const applied = ref<AvailableFilterForm>(emptyFilters());
  const limit = ref(10);
  const offset = ref(0);
  const items = ref<OrderDetail[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref<unknown>(null);
  const accepting = ref<number | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const page = await api.providerOrders.available(toAvailableQuery(applied.value, limit.value, offset.value));
      items.value = page.items;
      total.value = page.total;
      // A page emptied by others accepting: step back to the last page that has orders.
      if (page.items.length === 0 && offset.value > 0 && page.total > 0) {
        offset.value = Math.max(0, Math.floor((page.total - 1) / limit.value) * limit.value);
        await load();
      }
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  }

  function applyFilters(): Promise<void> {
    applied.value = { ...filters };
    offset.value = 0;
    return load();
  }

  function resetFilters(): Promise<void> {
    Object.assign(filters, emptyFilters());
    return applyFilters();
  }

  function goTo(nextOffset: number): Promise<void> {
    offset.value = Math.max(0, nextOffset);
    return load();
  }

  /** Accepts an order. A lost race (409) is an expected outcome: the list is refreshed so it disappears. */
  async function accept(orderId: number): Promise<AcceptOutcome> {
    accepting.value = orderId;
    try {
      await api.providerOrders.accept(orderId);
      items.value = items.value.filter((order) => order.id !== orderId);
      total.value = Math.max(0, total.value - 1);
      return { kind: 'accepted', orderId };
    } catch (caught) {
      if (isApiError(caught) && caught.status === 409) {
        await load();
        return { kind: 'taken', orderId };
      }
      return { kind: 'failed', error: caught };
    } finally {
      accepting.value = null;
    }
  }

  return {
    filters,
    applied,
    limit,
    offset,
    items,
    total,
    loading,
    error,
    accepting,
    load,
    applyFilters,
    resetFilters,
    goTo,
    accept,
  };
});
