// One thing a button or form does: `busy` while it runs (the button is disabled meanwhile), and its failure
// kept in `error` for an alert next to the button. `onError` also gets the failure: a form passes its
// showError (422 details go under the fields), a page reloads what changed under it.

import { ref, shallowRef } from 'vue';

export function useAction() {
  const busy = ref(false);
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

  return { busy, error, run };
}
