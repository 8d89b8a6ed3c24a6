// Who is signed in: tokens (through the token store), the role and the account. Login decodes the role from
// the access token so that the first screen needs no extra call; /auth/me then fills in the account.

import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api, roleFromAccessToken, tokenStore } from '../api';
import type { Me, RegistrationRequest, RoleId } from '../api';

export const HOME_BY_ROLE: Record<RoleId, string> = {
  1: '/customer/orders',
  2: '/provider/available',
  3: '/admin',
};

function asRole(value: number | null | undefined): RoleId | null {
  return value === 1 || value === 2 || value === 3 ? value : null;
}

export const useSessionStore = defineStore('session', () => {
  const user = shallowRef<Me | null>(null);
  const role = ref<RoleId | null>(asRole(roleFromAccessToken(tokenStore.read()?.accessToken)));
  /** Set when the server ended the session (refresh refused); the login page says so. */
  const expired = ref(false);

  tokenStore.subscribe((tokens) => {
    if (tokens === null) {
      user.value = null;
      role.value = null;
    }
  });

  const isAuthenticated = computed(() => role.value !== null && tokenStore.read() !== null);
  const homePath = computed(() => (role.value ? HOME_BY_ROLE[role.value] : '/login'));
  const inboxOwner = computed(() => (role.value === 1 ? 'customer' : role.value === 2 ? 'provider' : null));

  async function login(email: string, password: string): Promise<void> {
    const tokens = await api.auth.login({ email: email.trim(), password });
    tokenStore.write({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? null });
    expired.value = false;
    role.value = asRole(roleFromAccessToken(tokens.access_token));
    await loadUser();
  }

  async function register(request: RegistrationRequest): Promise<void> {
    await api.auth.register({ ...request, username: request.username, email: request.email.trim() });
  }

  async function loadUser(): Promise<void> {
    const me = await api.auth.me();
    user.value = me;
    role.value = asRole(me.role_id);
  }

  /** On start: a session kept from before the reload gets its account back (refreshing the token if needed). */
  async function restore(): Promise<void> {
    if (!tokenStore.read() || user.value) return;
    await loadUser();
  }

  async function logout(): Promise<void> {
    const tokens = tokenStore.read();
    try {
      if (tokens) await api.auth.logout(tokens.refreshToken);
    } catch {
      // The token may already be invalid; the local session ends either way.
    } finally {
      tokenStore.clear();
      expired.value = false;
    }
  }

  function markExpired(): void {
    expired.value = true;
    user.value = null;
    role.value = null;
  }

  return {
    user,
    role,
    expired,
    isAuthenticated,
    homePath,
    inboxOwner,
    login,
    register,
    loadUser,
    restore,
    logout,
    markExpired,
  };
});
