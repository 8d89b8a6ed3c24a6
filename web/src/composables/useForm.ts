// Sending a form: `submit(problems, send)` shows the client-side problems under their fields and sends nothing
// when there are any; otherwise it runs `send`, `busy` meanwhile, and shows a failure under the fields and in
// the form's alert (`onError` may add to that). True when it was sent.

import type { Problems } from '../validation';
import { useAction } from './useAction';
import { useFormErrors } from './useFormErrors';

export function useForm<Field extends string>(fields: readonly Field[]) {
  const errors = useFormErrors(fields);
  const { busy, run } = useAction();

  function submit(
    problems: Problems<Field>,
    send: () => Promise<unknown>,
    onError?: (error: unknown) => unknown,
  ): Promise<boolean> {
    if (errors.showProblems(problems)) return Promise.resolve(false);
    return run(send, async (error) => {
      errors.showError(error);
      await onError?.(error);
    });
  }

  return { errors, busy, submit };
}
