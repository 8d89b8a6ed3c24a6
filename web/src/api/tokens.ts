// Where the session's tokens live: in memory, mirrored to sessionStorage so that a reload keeps the session
// while closing the tab ends it (see README, "Token storage").

import type { TokenStore, Tokens } from './http';

type Listener = (tokens: Tokens | null) => void;

export interface ObservableTokenStore extends TokenStore {
  subscribe(listener: Listener): () => void;
}

export function createTokenStore(storage: Storage | null, key = 'mp.session'): ObservableTokenStore {
  let current: Tokens | null = load();
  const listeners = new Set<Listener>();

  function load(): Tokens | null {
    try {
      const raw = storage?.getItem(key);
      if (!raw) return null;
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null) return null;
      const { accessToken, refreshToken } = parsed as Record<string, unknown>;
      if (typeof accessToken !== 'string' || accessToken === '') return null;
      return { accessToken, refreshToken: typeof refreshToken === 'string' ? refreshToken : null };
    } catch {
      return null;
    }
  }

  function save() {
    try {
      if (current) storage?.setItem(key, JSON.stringify(current));
      else storage?.removeItem(key);
    } catch {
      // Storage full or disabled: the session still works for this page.
    }
    for (const listener of listeners) listener(current);
  }

  return {
    read: () => current,
    write(tokens) {
      current = { ...tokens };
      save();
    },
    clear() {
      current = null;
      save();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The `role` claim of a JWT access token, or null if it cannot be read (the server still decides). */
export function roleFromAccessToken(token: string | null | undefined): number | null {
  if (!token) return null;
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const claims: unknown = JSON.parse(atob(padded));
    if (typeof claims !== 'object' || claims === null) return null;
    const role = (claims as Record<string, unknown>).role;
    return typeof role === 'number' && Number.isInteger(role) ? role : null;
  } catch {
    return null;
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.sessionStorage : null;
  } catch {
    return null;
  }
}

export const tokenStore = createTokenStore(safeSessionStorage());
