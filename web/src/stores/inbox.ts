// The signed-in customer's or provider's inbox: the current page, and the unread count for the badge.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api';
import type { InboxItem, InboxOwner } from '../api';

export const INBOX_PAGE_SIZE = 20;

export const useInboxStore = defineStore('inbox', () => {
  const owner = ref<InboxOwner | null>(null);
  const items = ref<InboxItem[]>([]);
  const total = ref(0);
  const unread = ref(0);
  const offset = ref(0);
  const limit = INBOX_PAGE_SIZE;
  const loading = ref(false);
  const error = ref<unknown>(null);

  function use(next: InboxOwner | null): void {
    if (owner.value === next) return;
    owner.value = next;
    items.value = [];
    total.value = 0;
    unread.value = 0;
    offset.value = 0;
    error.value = null;
  }

  async function load(nextOffset = offset.value): Promise<void> {
    if (!owner.value) return;
    loading.value = true;
    error.value = null;
    try {
      const inbox = await api.inbox.list(owner.value, { limit, offset: nextOffset });
      items.value = inbox.items;
      total.value = inbox.total;
      unread.value = inbox.unread;
      offset.value = nextOffset;
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  }

  async function refreshUnread(): Promise<void> {
    if (!owner.value) return;
    try {
      unread.value = await api.inbox.unreadCount(owner.value);
    } catch {
      // The badge keeps its last value; the inbox page shows errors.
    }
  }

  async function markRead(id: string): Promise<void> {
    if (!owner.value) return;
    const updated = await api.inbox.markRead(owner.value, id);
    const item = items.value.find((entry) => entry.id === id);
    if (item && !item.is_read) {
      item.is_read = updated.is_read;
      unread.value = Math.max(0, unread.value - 1);
    }
  }

  async function markAllRead(): Promise<void> {
    if (!owner.value) return;
    await api.inbox.markAllRead(owner.value);
    for (const item of items.value) item.is_read = true;
    unread.value = 0;
  }

  return {
    owner,
    items,
    total,
    unread,
    offset,
    limit,
    loading,
    error,
    use,
    load,
    refreshUnread,
    markRead,
    markAllRead,
  };
});
