// Loads something for a page and keeps its loading and error state; a newer load wins over an older one.

import { ref, shallowRef } from 'vue';
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

/** A loader of one page of a limit/offset list; `go(offset)` loads another page (`go(0)` after a filter change). */
export function usePagedLoader<T>(load: (page: Required<PageQuery>) => Promise<Page<T>>, limit: number) {
  const offset = ref(0);
  const loader = useLoader(() => load({ limit, offset: offset.value }));

  function go(next: number): void {
    offset.value = next;
    void loader.reload();
  }

  return { ...loader, limit, offset, go };
}

export type PagedLoader<T> = ReturnType<typeof usePagedLoader<T>>;

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
