// One's own profile as a form (the customer's and the provider's page): loaded, filled into the form (again
// after each load), checked before it is sent, and the saved profile shown in return; `saved` says that the
// last save went through.

import { type Ref, ref, watch } from 'vue';
import type { Problems } from '../validation';
import { useForm } from './useForm';
import { type Loader, useLoader } from './useLoader';

export function useProfileForm<Profile, Form, Field extends string>(options: {
  load: () => Promise<Profile>;
  toForm: (profile?: Profile) => Form;
  fields: readonly Field[];
  validate: (form: Form) => Problems<Field>;
  /** Sends the form; `loaded` is the profile as last loaded or saved. */
  save: (form: Form, loaded: Profile | null) => Promise<Profile>;
}) {
  const profile = useLoader(options.load);
  const form = ref(options.toForm()) as Ref<Form>;
  const { errors, busy, submit } = useForm(options.fields);
  const saved = ref(false);

  watch(
    () => profile.data.value,
    (value) => {
      if (value) form.value = options.toForm(value);
    },
  );

  async function save(): Promise<void> {
    saved.value = false;
    await submit(options.validate(form.value), async () => {
      profile.data.value = await options.save(form.value, profile.data.value);
      saved.value = true;
    });
  }

  return { profile, form, errors, busy, saved, save };
}

/** What ProfileFormCard shows of a profile form. */
export interface ProfileFormState {
  profile: Loader<unknown>;
  errors: { formError(): string };
  busy: Readonly<Ref<boolean>>;
  saved: Readonly<Ref<boolean>>;
  save(): Promise<void>;
}
