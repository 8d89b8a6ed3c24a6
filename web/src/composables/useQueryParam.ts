// A list's filter kept in the page's query string (`?status=pending`), so a reload or a shared link keeps it.
// Reading parses the query (anything unknown reads as the fallback); setting replaces the query, leaving it
// out for the fallback. A select binds it with v-model; the list watches it and goes back to its first page.

import { type WritableComputedRef, computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';

export function useQueryParam<T extends string | number>(
  name: string,
  parse: (raw: string) => T | undefined,
  fallback: T,
): WritableComputedRef<T, string | number> {
  const route = useRoute();
  const router = useRouter();
  return computed({
    get: () => {
      const raw = route.query[name];
      return (typeof raw === 'string' ? parse(raw) : undefined) ?? fallback;
    },
    set: (value) => {
      const parsed = parse(String(value)) ?? fallback;
      void router.replace({ query: parsed === fallback ? {} : { [name]: String(parsed) } });
    },
  });
}
