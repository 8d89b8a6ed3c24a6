// The errors of one form: client-side problems and the server's 422 `details` under their fields, anything
// else (or details about fields the form does not show) in one alert next to the submit button.
// Messages are kept as keys or server text and rendered on demand, so switching language updates them.

import { reactive, shallowRef } from 'vue';
import { isApiError } from '../api';
import { describeError } from '../errors';
import { t } from '../i18n';
import { type Problems, hasProblems } from '../validation';
import type { Problem } from '../validation';

type FieldMessage = { problem: Problem } | { text: string };

export function useFormErrors<Field extends string>(fields: readonly Field[]) {
  const byField = reactive(new Map<string, FieldMessage>());
  const failure = shallowRef<unknown>(null);
  const extra = shallowRef<string[]>([]);

  function clear(): void {
    byField.clear();
    failure.value = null;
    extra.value = [];
  }

  /** Shows client-side problems; true when there were any (then nothing should be sent). */
  function showProblems(problems: Problems<Field>): boolean {
    clear();
    for (const [field, problem] of Object.entries(problems) as [Field, Problem | undefined][]) {
      if (problem) byField.set(field, { problem });
    }
    return hasProblems(problems);
  }

  function showError(error: unknown): void {
    clear();
    failure.value = error;
    if (isApiError(error) && error.details.length > 0) {
      const unplaced: string[] = [];
      for (const detail of error.details) {
        if ((fields as readonly string[]).includes(detail.field)) {
          if (!byField.has(detail.field)) byField.set(detail.field, { text: detail.problem });
        } else {
          unplaced.push(detail.field ? `${detail.field}: ${detail.problem}` : detail.problem);
        }
      }
      extra.value = unplaced;
    }
  }

  function fieldError(field: Field): string | undefined {
    const message = byField.get(field);
    if (!message) return undefined;
    return 'text' in message ? message.text : t(message.problem.key, message.problem.params);
  }

  /** The alert text: the failure in words, or for field errors a pointer to the fields. */
  function formError(): string {
    if (failure.value === null) return '';
    const placed = isApiError(failure.value) && failure.value.details.length > 0 && extra.value.length === 0;
    if (placed) return t('form.fixFields');
    if (extra.value.length > 0) return `${describeError(failure.value)} ${extra.value.join('; ')}`;
    return describeError(failure.value);
  }

  return { clear, showProblems, showError, fieldError, formError, failure };
}
