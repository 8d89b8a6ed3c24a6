// Loads something for a page and keeps its loading and error state; a newer load wins over an older one.

import { type Ref, type WatchSource, computed, ref, shallowRef, watch } from 'vue';
import type { Page, PageQuery } from '../api';

export function useLoader<T>(load: () => Promise<T>, options: { immediate?: boolean } = {}) {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  let latest = 0;

  async function reload(): Promise<void> {
    const mine = ++latest;
    loading.value = true;
    error.value = null;
    try {
      const value = await load();
      if (mine === latest) data.value = value;
    } catch (caught) {
      if (mine === latest) error.value = caught;
    } finally {
      if (mine === latest) loading.value = false;
    }
  }

  if (options.immediate !== false) void reload();
  return { data, loading, error, reload };
}

export type Loader<T> = ReturnType<typeof useLoader<T>>;

/**
 * A loader of one page of a limit/offset list; `go(offset)` loads another page. A change of `filter` (what the
 * list is narrowed by) starts again at the first page.
 */
export function usePagedLoader<T>(
  load: (page: Required<PageQuery>) => Promise<Page<T>>,
  limit: number,
  filter?: WatchSource,
) {
  const offset = ref(0);
  const loader = useLoader(() => load({ limit, offset: offset.value }));

  function go(next: number): void {
    offset.value = next;
    void loader.reload();
  }

  if (filter) watch(filter, () => go(0));

  return { ...loader, limit, offset, go };
}

export type PagedLoader<T> = ReturnType<typeof usePagedLoader<T>>;

/** What PagedList shows: a PagedLoader, or a page a store keeps (through storePage). */
export interface PagedSource<T> {
  /** The page; null until there is one to show. */
  data: Readonly<Ref<Page<T> | null>>;
  loading: Readonly<Ref<boolean>>;
  error: Readonly<Ref<unknown>>;
  offset: Readonly<Ref<number>>;
  readonly limit: number;
  reload(): unknown;
  go(offset: number): unknown;
}

/** The page state a store keeps itself (the inbox, the available orders), because other actions change it. */
export interface StorePageState<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
  loading: boolean;
  error: unknown;
}

/**
 * A store's page as a PagedList source; `go(offset)` asks the store for another page. While a load finds
 * nothing shown yet the page is null (loading, not "empty"). `error` picks the error the list shows (by default
 * the store's).
 */
export function storePage<T>(
  state: StorePageState<T>,
  go: (offset: number) => unknown,
  error: () => unknown = () => state.error,
): PagedSource<T> {
  return {
    data: computed(() =>
      state.loading && state.items.length === 0 ? null : { items: state.items, total: state.total },
    ),
    loading: computed(() => state.loading),
    error: computed(error),
    offset: computed(() => state.offset),
    get limit() {
      return state.limit;
    },
    reload: () => go(state.offset),
    go,
  };
}

/** Calls `probe` until `done` says yes or the tries run out (for changes the server applies shortly after). */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { tries = 6, intervalMs = 700 }: { tries?: number; intervalMs?: number } = {},
): Promise<T> {
  let value = await probe();
  for (let attempt = 1; attempt < tries && !done(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await probe();
  }
  return value;
}
