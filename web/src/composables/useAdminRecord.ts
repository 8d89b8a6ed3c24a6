// An admin's page of one record (an order, a user) by its id: loaded (a Loader), loaded again when the id changes, and
// each loaded or saved record given to `fill` (to fill the forms). `send(changes)` saves a change set, or says
// that nothing was changed when it is empty, in `saved`; `deletion` deletes the record and goes to `list`.

import { ref, watch } from 'vue';
import { type MessageKey, t } from '../i18n';
import { useRemoval } from './useAction';
import { useLoader } from './useLoader';

/** The admin API of a kind of record. */
interface AdminResource<Item, Changes> {
  get(id: number): Promise<Item>;
  update(id: number, changes: Changes): Promise<Item>;
  remove(id: number): Promise<unknown>;
}

export function useAdminRecord<Item, Changes extends object>(
  resource: AdminResource<Item, Changes>,
  id: () => number,
  options: { list: string; savedText: MessageKey; fill: (record: Item) => void },
) {
  const record = useLoader(() => resource.get(id()));
  const saved = ref('');
  const deletion = useRemoval(() => resource.remove(id()), { name: options.list });

  watch(
    () => record.data.value,
    (value) => {
      if (value) options.fill(value);
    },
  );
  watch(id, () => void record.reload());

  async function send(changes: Changes): Promise<void> {
    if (Object.keys(changes).length === 0) {
      saved.value = t('adminOrder.nothingChanged');
      return;
    }
    record.data.value = await resource.update(id(), changes);
    saved.value = t(options.savedText);
  }

  return { ...record, saved, deletion, send };
}
