// A small typed i18n: one flat dictionary per language (en is the reference; zh must have every key, which
// the type checker enforces), `{name}` placeholders, and the choice kept in localStorage.

import { readonly, ref } from 'vue';
import { en, type MessageKey } from './en';
import { zh } from './zh';

export type { MessageKey } from './en';
export type Locale = 'en' | 'zh';
export type MessageParams = Record<string, string | number>;

export const LOCALES: readonly Locale[] = ['en', 'zh'];
export const LOCALE_STORAGE_KEY = 'mp.locale';

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, zh };

function storedLocale(): Locale {
  try {
    const value = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    return value === 'zh' || value === 'en' ? value : 'en';
  } catch {
    return 'en';
  }
}

const current = ref<Locale>(storedLocale());

export const locale = readonly(current);

export function htmlLang(value: Locale): string {
  return value === 'zh' ? 'zh-CN' : 'en';
}

export function setLocale(value: Locale): void {
  current.value = value;
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, value);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = htmlLang(value);
}

export function interpolate(text: string, params?: MessageParams): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[current.value][key] ?? en[key] ?? key, params);
}

/** Whether `key` is a message key (for keys built from server data, like error codes). */
export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

export function useI18n() {
  return { t, locale, setLocale };
}
