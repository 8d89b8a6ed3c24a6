// Form checks, as pure functions: the same rules as the API (docs/openapi.yaml, spec api-v1.md) so that a
// mistake is shown under its field before anything is sent. The server still checks everything.
// A problem is a message key plus parameters; the view translates it.

import {
  LOCATIONS,
  type Location,
  ROLE,
  SERVICE_TYPES,
  type PublishOrderRequest,
  type ServiceType,
  type AdminOrderUpdate,
  type AdminUserUpdate,
  type OrderStatus,
  ORDER_STATUSES,
  type CustomerProfile,
  type CustomerProfileUpdate,
  type ProviderProfile,
  type ProviderProfileUpdate,
  type RoleId,
} from './api/types';
import type { MessageKey } from './i18n/en';

export interface Problem {
  key: MessageKey;
  params?: Record<string, string | number>;
}

export type Problems<Field extends string = string> = Partial<Record<Field, Problem>>;

export const LIMITS = {
  usernameMin: 3,
  usernameMax: 100,
  emailMax: 254,
  passwordMin: 8,
  passwordMax: 128,
  titleMax: 255,
  descriptionMax: 5000,
  addressMax: 255,
  priceMin: 0.01,
  priceMax: 99_999_999.99,
  reviewMax: 2000,
  refundReasonMax: 500,
  rejectReasonMax: 1000,
  noticeMax: 2000,
  keywordMax: 100,
  skillsMax: 30,
  skillMax: 50,
  portfolioMax: 20,
  portfolioItemMax: 500,
  availabilityMax: 200,
  experienceMax: 80,
  hourlyRateMax: 100_000,
  budgetMax: 99_999_999.99,
  serviceAreasMax: 5,
} as const;

export function hasProblems(problems: Problems): boolean {
  return Object.values(problems).some((problem) => problem !== undefined);
}

/** Length in characters as the server counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

function isBlank(text: string | null | undefined): boolean {
  return text === null || text === undefined || text.trim() === '';
}

// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function tooLong(max: number): Problem {
  return { key: 'validation.tooLong', params: { max } };
}

function required(): Problem {
  return { key: 'validation.required' };
}

/** A money amount typed by a person: digits with at most 2 decimals ("120", "120.5", "0.01"). */
export function parseMoney(text: string | number | null | undefined): number | null {
  if (typeof text === 'number') return Number.isFinite(text) ? parseMoney(String(text)) : null;
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(trimmed)) return null;
  return Number(trimmed);
}

function moneyProblem(text: string, min: number, max: number): Problem | undefined {
  if (isBlank(text)) return required();
  const value = parseMoney(text);
  if (value === null || value < min || value > max) {
    return { key: 'validation.money', params: { min: formatLimit(min), max: formatLimit(max) } };
  }
  return undefined;
}

function formatLimit(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function integerProblem(text: string, min: number, max: number): Problem | undefined {
  if (isBlank(text)) return required();
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < min || Number(trimmed) > max) {
    return { key: 'validation.integerRange', params: { min, max } };
  }
  return undefined;
}

/** `datetime-local` input value ("2026-12-01T09:00") → ISO-8601 UTC with second precision, or null. */
export function localInputToIso(value: string | null | undefined): string | null {
  if (isBlank(value)) return null;
  const date = new Date(value as string);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO timestamp → the local `datetime-local` input value ("2026-12-01T09:00"), or "" when absent. */
export function isoToLocalInput(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

// ---- accounts ---------------------------------------------------------------------------------------------

export interface LoginForm {
  email: string;
  password: string;
}

export function validateLogin(form: LoginForm): Problems<keyof LoginForm> {
  return {
    email: isBlank(form.email) ? required() : undefined,
    password: form.password === '' ? required() : undefined,
  };
}

export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim()) && text.trim().length <= LIMITS.emailMax;
}

export function usernameProblem(username: string): Problem | undefined {
  if (isBlank(username)) return required();
  const length = charCount(username);
  if (length < LIMITS.usernameMin || length > LIMITS.usernameMax) {
    return { key: 'validation.lengthBetween', params: { min: LIMITS.usernameMin, max: LIMITS.usernameMax } };
  }
  if (username !== username.trim() || username.includes('@') || CONTROL_CHARS.test(username)) {
    return { key: 'validation.username' };
  }
  return undefined;
}

function emailProblem(email: string): Problem | undefined {
  if (isBlank(email)) return required();
  return isEmail(email) ? undefined : { key: 'validation.email' };
}

export interface RegistrationForm {
  username: string;
  email: string;
  password: string;
  role_id: number;
}

export function validateRegistration(form: RegistrationForm): Problems<keyof RegistrationForm> {
  const passwordLength = charCount(form.password);
  return {
    username: usernameProblem(form.username),
    email: emailProblem(form.email),
    password:
      form.password === ''
        ? required()
        : passwordLength < LIMITS.passwordMin || passwordLength > LIMITS.passwordMax
          ? { key: 'validation.lengthBetween', params: { min: LIMITS.passwordMin, max: LIMITS.passwordMax } }
          : undefined,
    role_id:
      form.role_id === ROLE.customer || form.role_id === ROLE.provider ? undefined : { key: 'validation.choose' },
  };
}

// ---- orders -----------------------------------------------------------------------------------------------

/** What the order form holds: everything as typed (strings), enums possibly unchosen (""). */
export interface OrderForm {
  title: string;
  description: string;
  service_type: ServiceType | '';
  price: string;
  location: Location | '';
  address: string;
  service_start_time: string;
  service_end_time: string;
}

export const ORDER_FORM_FIELDS = [
  'title',
  'description',
  'service_type',
  'price',
  'location',
  'address',
  'service_start_time',
  'service_end_time',
] as const satisfies readonly (keyof OrderForm)[];

export function emptyOrderForm(): OrderForm {
  return {
    title: '',
    description: '',
    service_type: '',
    price: '',
    location: '',
    address: '',
    service_start_time: '',
    service_end_time: '',
  };
}

export function validateOrderForm(form: OrderForm): Problems<keyof OrderForm> {
  const problems: Problems<keyof OrderForm> = {};
  if (isBlank(form.title)) problems.title = required();
  else if (charCount(form.title) > LIMITS.titleMax) problems.title = tooLong(LIMITS.titleMax);
  if (charCount(form.description) > LIMITS.descriptionMax) problems.description = tooLong(LIMITS.descriptionMax);
  if (!(SERVICE_TYPES as readonly string[]).includes(form.service_type))
    problems.service_type = { key: 'validation.choose' };
  const price = moneyProblem(form.price, LIMITS.priceMin, LIMITS.priceMax);
  if (price) problems.price = price;
  if (!(LOCATIONS as readonly string[]).includes(form.location)) problems.location = { key: 'validation.choose' };
  if (charCount(form.address) > LIMITS.addressMax) problems.address = tooLong(LIMITS.addressMax);
  const start = localInputToIso(form.service_start_time);
  const end = localInputToIso(form.service_end_time);
  if (!isBlank(form.service_start_time) && start === null) problems.service_start_time = { key: 'validation.dateTime' };
  if (!isBlank(form.service_end_time) && end === null) problems.service_end_time = { key: 'validation.dateTime' };
  if (start && end && Date.parse(end) <= Date.parse(start)) {
    problems.service_end_time = { key: 'validation.endAfterStart' };
  }
  return problems;
}

/** The publish body of a form that passed validateOrderForm. Empty optional fields are left out. */
export function toPublishRequest(form: OrderForm): PublishOrderRequest {
  const body: PublishOrderRequest = {
    title: form.title.trim(),
    service_type: form.service_type as ServiceType,
    price: parseMoney(form.price) as number,
    location: form.location as Location,
  };
  if (!isBlank(form.description)) body.description = form.description;
  if (!isBlank(form.address)) body.address = form.address.trim();
  const start = localInputToIso(form.service_start_time);
  const end = localInputToIso(form.service_end_time);
  if (start) body.service_start_time = start;
  if (end) body.service_end_time = end;
  return body;
}

export interface AdminOrderForm extends OrderForm {
  status: OrderStatus;
}

export const ADMIN_ORDER_FORM_FIELDS = [...ORDER_FORM_FIELDS, 'status'] as const;

/** Only the fields that differ from `original`, as an admin update body (empty object: nothing changed). */
export function toAdminOrderUpdate(form: AdminOrderForm, original: AdminOrderForm): AdminOrderUpdate {
  const next = { ...toPublishRequest(form), status: form.status } as AdminOrderUpdate;
  const before = { ...toPublishRequest(original), status: original.status } as AdminOrderUpdate;
  const update: AdminOrderUpdate = {};
  for (const key of ADMIN_ORDER_FORM_FIELDS) {
    if (next[key] !== before[key] && next[key] !== undefined) {
      (update as Record<string, unknown>)[key] = next[key];
    }
  }
  return update;
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

export interface AvailableFilterForm {
  location: Location | '';
  service_type: ServiceType | '';
  min_price: string;
  max_price: string;
  keyword: string;
}

export function validateAvailableFilters(form: AvailableFilterForm): Problems<keyof AvailableFilterForm> {
  const problems: Problems<keyof AvailableFilterForm> = {};
  if (!isBlank(form.min_price)) problems.min_price = moneyProblem(form.min_price, 0, LIMITS.priceMax);
  if (!isBlank(form.max_price)) problems.max_price = moneyProblem(form.max_price, 0, LIMITS.priceMax);
  const min = parseMoney(form.min_price);
  const max = parseMoney(form.max_price);
  if (!problems.max_price && min !== null && max !== null && max < min)
    problems.max_price = { key: 'validation.maxBelowMin' };
  if (charCount(form.keyword.trim()) > LIMITS.keywordMax) problems.keyword = tooLong(LIMITS.keywordMax);
  return problems;
}

// ---- reviews, refunds, decisions, notices -----------------------------------------------------------------

export interface ReviewForm {
  stars: number;
  content: string;
}

export function validateReview(form: ReviewForm): Problems<keyof ReviewForm> {
  return {
    stars: Number.isInteger(form.stars) && form.stars >= 1 && form.stars <= 5 ? undefined : { key: 'validation.stars' },
    content: charCount(form.content) > LIMITS.reviewMax ? tooLong(LIMITS.reviewMax) : undefined,
  };
}

function requiredText(text: string, max: number): Problem | undefined {
  if (isBlank(text)) return required();
  return charCount(text) > max ? tooLong(max) : undefined;
}

export function validateRefundRequest(reason: string): Problems<'reason'> {
  return { reason: requiredText(reason, LIMITS.refundReasonMax) };
}

export function validateRejectReason(reason: string): Problems<'reject_reason'> {
  return { reject_reason: requiredText(reason, LIMITS.rejectReasonMax) };
}

/** An admin's refund decision: a reason is needed to reject, optional to approve (at most 500 either way). */
export function validateRefundDecision(approved: boolean, reason: string): Problems<'reason'> {
  if (!approved) return { reason: requiredText(reason, LIMITS.refundReasonMax) };
  return { reason: charCount(reason) > LIMITS.refundReasonMax ? tooLong(LIMITS.refundReasonMax) : undefined };
}

export interface NoticeForm {
  target: 'customer' | 'provider';
  user_id: string;
  message: string;
}

export function validateNotice(form: NoticeForm): Problems<keyof NoticeForm> {
  return {
    target: form.target === 'customer' || form.target === 'provider' ? undefined : { key: 'validation.choose' },
    user_id: /^[1-9]\d{0,17}$/.test(form.user_id.trim()) ? undefined : { key: 'validation.userId' },
    message: requiredText(form.message, LIMITS.noticeMax),
  };
}

// ---- profiles ---------------------------------------------------------------------------------------------

export interface CustomerProfileForm {
  location: Location;
  address: string;
  budget_preference: string;
}

export const CUSTOMER_PROFILE_FIELDS = ['location', 'address', 'budget_preference'] as const;

/** The form's values for a saved profile, or a new form's. */
export function customerProfileForm(profile?: CustomerProfile): CustomerProfileForm {
  return {
    location: profile?.location ?? 'NORTH',
    address: profile?.address ?? '',
    budget_preference: String(profile?.budget_preference ?? 0),
  };
}

/** The update body of a form that passed validateCustomerProfile. A blank address is sent (to clear it) only
 * when `clearAddress` says so. */
export function toCustomerProfileUpdate(form: CustomerProfileForm, clearAddress = false): CustomerProfileUpdate {
  const body: CustomerProfileUpdate = {
    location: form.location,
    budget_preference: parseMoney(form.budget_preference) ?? 0,
  };
  if (!isBlank(form.address) || clearAddress) body.address = form.address.trim();
  return body;
}

export function validateCustomerProfile(form: CustomerProfileForm): Problems<keyof CustomerProfileForm> {
  return {
    location: (LOCATIONS as readonly string[]).includes(form.location) ? undefined : { key: 'validation.choose' },
    address: charCount(form.address) > LIMITS.addressMax ? tooLong(LIMITS.addressMax) : undefined,
    budget_preference: moneyProblem(form.budget_preference, 0, LIMITS.budgetMax),
  };
}

/** A customer's profile as a form: the form of a profile (empty without one), its fields, its check. */
export const CUSTOMER_PROFILE_FORM = {
  toForm: customerProfileForm,
  fields: CUSTOMER_PROFILE_FIELDS,
  validate: validateCustomerProfile,
};

/** Splits "plumbing, wiring" (or one per line) into trimmed, non-empty items. */
export function splitList(text: string, separator: RegExp = /[,\n]/): string[] {
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export interface ProviderProfileForm {
  skills: string;
  experience_years: string;
  hourly_rate: string;
  availability: string;
  portfolio: string;
  service_areas: Location[];
}

export const PROVIDER_PROFILE_FIELDS = [
  'skills',
  'experience_years',
  'hourly_rate',
  'availability',
  'portfolio',
  'service_areas',
] as const;

/** The form's values for a saved profile, or a new form's. */
export function providerProfileForm(profile?: ProviderProfile): ProviderProfileForm {
  return {
    skills: profile?.skills.join(', ') ?? '',
    experience_years: String(profile?.experience_years ?? 0),
    hourly_rate: String(profile?.hourly_rate ?? 0),
    availability: profile?.availability ?? '',
    portfolio: profile?.portfolio.join('\n') ?? '',
    service_areas: [...(profile?.service_areas ?? [])],
  };
}

/** The update body of a form that passed validateProviderProfile; a blank availability is left out. */
export function toProviderProfileUpdate(form: ProviderProfileForm): ProviderProfileUpdate {
  const body: ProviderProfileUpdate = {
    skills: splitList(form.skills, /,/),
    experience_years: Number(form.experience_years.trim()),
    hourly_rate: parseMoney(form.hourly_rate) ?? 0,
    portfolio: splitList(form.portfolio, /\n/),
    service_areas: [...form.service_areas],
  };
  if (!isBlank(form.availability)) body.availability = form.availability.trim();
  return body;
}

function listProblem(items: string[], maxItems: number, maxLength: number): Problem | undefined {
  if (items.length > maxItems) return { key: 'validation.tooMany', params: { max: maxItems } };
  if (items.some((item) => charCount(item) > maxLength || CONTROL_CHARS.test(item))) {
    return { key: 'validation.itemTooLong', params: { max: maxLength } };
  }
  return undefined;
}

export function validateProviderProfile(form: ProviderProfileForm): Problems<keyof ProviderProfileForm> {
  return {
    skills: listProblem(splitList(form.skills, /,/), LIMITS.skillsMax, LIMITS.skillMax),
    experience_years: integerProblem(form.experience_years, 0, LIMITS.experienceMax),
    hourly_rate: moneyProblem(form.hourly_rate, 0, LIMITS.hourlyRateMax),
    availability: charCount(form.availability) > LIMITS.availabilityMax ? tooLong(LIMITS.availabilityMax) : undefined,
    portfolio: listProblem(splitList(form.portfolio, /\n/), LIMITS.portfolioMax, LIMITS.portfolioItemMax),
    service_areas:
      form.service_areas.length > LIMITS.serviceAreasMax ||
      form.service_areas.some((area) => !(LOCATIONS as readonly string[]).includes(area))
        ? { key: 'validation.choose' }
        : undefined,
  };
}

/** A provider's profile as a form, like CUSTOMER_PROFILE_FORM. */
export const PROVIDER_PROFILE_FORM = {
  toForm: providerProfileForm,
  fields: PROVIDER_PROFILE_FIELDS,
  validate: validateProviderProfile,
};

export interface AdminUserForm {
  username: string;
  email: string;
  role_id: number;
}

/** Only the account fields that differ from the user as loaded (empty object: nothing changed). */
export function toAdminUserUpdate(form: AdminUserForm, loaded: AdminUserForm): AdminUserUpdate {
  const update: AdminUserUpdate = {};
  if (form.username !== loaded.username) update.username = form.username;
  if (form.email.trim() !== loaded.email) update.email = form.email.trim();
  if (form.role_id !== loaded.role_id) update.role_id = form.role_id as RoleId;
  return update;
}

export function validateAdminUser(form: AdminUserForm): Problems<keyof AdminUserForm> {
  return {
    username: usernameProblem(form.username),
    email: emailProblem(form.email),
    role_id: [ROLE.customer, ROLE.provider, ROLE.admin].includes(form.role_id as 1 | 2 | 3)
      ? undefined
      : { key: 'validation.choose' },
  };
}
