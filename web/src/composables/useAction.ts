// One thing a button or form does: `busy` while it runs (the button is disabled meanwhile), and its failure
// kept in `error` for an alert next to the button. `onError` also gets the failure: a form passes its
// showError (422 details go under the fields), a page reloads what changed under it. On a list, `runFor(key, …)`
// runs it for one item and names that item in `busyFor` meanwhile (its row's buttons are disabled).

import { ref, shallowRef } from 'vue';
import { type RouteLocationRaw, useRouter } from 'vue-router';

export function useAction<Key = never>() {
  const busy = ref(false);
  const busyFor = shallowRef<Key | null>(null);
  const error = shallowRef<unknown>(null);

  /** Runs `action`; true when it succeeded. */
  async function run(action: () => Promise<unknown>, onError?: (error: unknown) => unknown): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      await action();
      return true;
    } catch (caught) {
      error.value = caught;
      await onError?.(caught);
      return false;
    } finally {
      busy.value = false;
    }
  }

  async function runFor(key: Key, action: () => Promise<unknown>, onError?: (error: unknown) => unknown) {
    busyFor.value = key;
    try {
      return await run(action, onError);
    } finally {
      busyFor.value = null;
    }
  }

  return { busy, busyFor, error, run, runFor };
}

/** Deleting what a page shows, then going to its list (`to`); `run()` does both. */
export function useRemoval(remove: () => Promise<unknown>, to: RouteLocationRaw) {
  const router = useRouter();
  const action = useAction();
  const run = () =>
    action.run(async () => {
      await remove();
      await router.push(to);
    });
  return { ...action, run };
}
