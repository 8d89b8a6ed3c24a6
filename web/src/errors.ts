// Turns any failure into words a person can act on, in the current language.

import { ApiError, NETWORK_ERROR, SESSION_EXPIRED, isApiError } from './api/http';
import { hasMessage, t } from './i18n';

export function describeError(error: unknown): string {
  if (!isApiError(error)) return t('error.unexpected');
  if (error.code === NETWORK_ERROR) return t('error.network');
  if (error.code === SESSION_EXPIRED) return t('error.sessionExpired');
  if (error.status === 429) return t('error.rateLimited', { seconds: error.retryAfter ?? 60 });
  const key = `apiError.${error.code}`;
  if (hasMessage(key)) return t(key);
  if (error.status === 503) return t('error.unavailable');
  if (error.message) return error.message;
  return t('error.status', { status: error.status });
}

export function isConflict(error: unknown, code?: string): error is ApiError {
  return isApiError(error) && error.status === 409 && (code === undefined || error.code === code);
}
