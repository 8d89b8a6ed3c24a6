// One's own profile as a form (the customer's and the provider's page): loaded, filled into the form (again
// after each load), checked before it is sent, and the saved profile shown in return; `saved` says that the
// last save went through.

import { type Ref, ref, watch } from 'vue';
import type { Problems } from '../validation';
import { useForm } from './useForm';
import { type Loader, useLoader } from './useLoader';

/** A profile as a form (CUSTOMER_PROFILE_FORM, PROVIDER_PROFILE_FORM in validation.ts). */
export interface ProfileFormKind<Profile, Form, Field extends string> {
  toForm: (profile?: Profile) => Form;
  fields: readonly Field[];
  validate: (form: Form) => Problems<Field>;
}

export function useProfileForm<Profile, Form, Field extends string>(
  kind: ProfileFormKind<Profile, Form, Field>,
  options: {
    load: () => Promise<Profile>;
    /** Sends the form; `loaded` is the profile as last loaded or saved. */
    save: (form: Form, loaded: Profile | null) => Promise<Profile>;
  },
) {
  const profile = useLoader(options.load);
  const form = ref(kind.toForm()) as Ref<Form>;
  const { errors, busy, submit } = useForm(kind.fields);
  const saved = ref(false);

  watch(
    () => profile.data.value,
    (value) => {
      if (value) form.value = kind.toForm(value);
    },
  );

  async function save(): Promise<void> {
    saved.value = false;
    await submit(kind.validate(form.value), async () => {
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
