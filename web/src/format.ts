// Display helpers: money, dates and the names of enum values in the current language.

import type { InboxOwner, Location, OrderStatus, PaymentStatus, RefundStatus, ServiceType } from './api/types';
import { htmlLang, locale, t } from './i18n';

export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(htmlLang(locale.value), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(htmlLang(locale.value), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatRating(value: number): string {
  return value.toLocaleString(htmlLang(locale.value), { minimumFractionDigits: 1, maximumFractionDigits: 2 });
}

export const statusLabel = (status: OrderStatus) => t(`status.${status}`);
export const paymentLabel = (status: PaymentStatus) => t(`payment.${status}`);
export const serviceTypeLabel = (type: ServiceType) => t(`serviceType.${type}`);
export const locationLabel = (location: Location) => t(`location.${location}`);
export const refundStatusLabel = (status: RefundStatus) => t(`refundStatus.${status}`);
export const ownerLabel = (owner: InboxOwner) => t(`role.${owner}`);

/** The choices of a select: each value with its label, after a first choice of '' (e.g. "Any") when named. */
export function toOptions<V extends string | number>(
  values: readonly V[],
  label: (value: V) => string,
  blankLabel?: string,
): { value: V | ''; label: string }[] {
  const options = values.map((value) => ({ value, label: label(value) }));
  return blankLabel === undefined ? options : [{ value: '', label: blankLabel }, ...options];
}

export function roleLabel(roleId: number): string {
  if (roleId === 1) return t('role.customer');
  if (roleId === 2) return t('role.provider');
  if (roleId === 3) return t('role.admin');
  return t('role.unknown');
}

export function reviewCount(count: number): string {
  return count === 1 ? t('rating.countOne') : t('rating.count', { count });
}
