// The app's API singleton. Views and stores import `api`; main.ts sets what happens when the session expires.

import { createApi } from './client';
import { HttpClient } from './http';
import { tokenStore } from './tokens';

export const API_BASE = '/api/v1';

export const http = new HttpClient({ baseUrl: API_BASE, tokens: tokenStore });
export const api = createApi(http);

export { ApiError, isApiError, SESSION_EXPIRED, NETWORK_ERROR } from './http';
export type { FieldProblem } from './http';
export { tokenStore, roleFromAccessToken } from './tokens';
export * from './types';
