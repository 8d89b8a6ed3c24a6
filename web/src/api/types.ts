// Shapes of the public API (docs/openapi.yaml, components/schemas), as the client uses them.

export const ROLE = { customer: 1, provider: 2, admin: 3 } as const;
export type RoleId = (typeof ROLE)[keyof typeof ROLE];

export const ORDER_STATUSES = [
  'pending_review',
  'pending',
  'accepted',
  'in_progress',
  'completed',
  'reviewed',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_STATUSES = ['unpaid', 'paid', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const SERVICE_TYPES = [
  'cleaning_repair',
  'it_technology',
  'education_training',
  'life_health',
  'design_consulting',
  'other',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const LOCATIONS = ['NORTH', 'SOUTH', 'EAST', 'WEST', 'MID'] as const;
export type Location = (typeof LOCATIONS)[number];

export const REFUND_STATUSES = ['pending', 'completed', 'rejected'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export type PaymentRecordStatus = 'pending' | 'completed' | 'failed' | 'refunded';

/** A list answer: the page of items plus `X-Total-Count` (the count ignoring limit/offset). */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageQuery {
  limit?: number;
  offset?: number;
}

export interface RegistrationRequest {
  username: string;
  email: string;
  password: string;
  role_id: 1 | 2;
}

export interface RegisteredUser {
  id: number;
  username: string;
  email: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface TokenPair {
  access_token: string;
  token_type: 'bearer';
  expires_in?: number;
  refresh_token?: string;
}

export interface Me {
  id: number;
  username: string;
  email: string;
  role_id: number;
  created_at: string;
}

export interface CustomerProfile {
  user_id: number;
  location: Location;
  address: string | null;
  budget_preference: number;
  created_at: string | null;
  updated_at: string | null;
}

export interface CustomerProfileUpdate {
  location?: Location;
  address?: string | null;
  budget_preference?: number;
}

export interface ProviderProfile {
  user_id: number;
  skills: string[];
  experience_years: number;
  hourly_rate: number;
  availability: string | null;
  portfolio: string[];
  service_areas: Location[];
  rating: number;
  total_reviews: number;
  created_at: string | null;
  updated_at: string | null;
}

export interface ProviderProfileUpdate {
  skills?: string[];
  experience_years?: number;
  hourly_rate?: number;
  availability?: string | null;
  portfolio?: string[];
  service_areas?: Location[];
}

export interface AdminUser {
  user_id: number;
  username: string;
  email: string;
  role_id: number;
  role_name: 'customer' | 'provider' | 'admin' | 'unknown';
  has_profile: boolean;
  created_at: string;
}

export interface AdminUserDetail {
  user_id: number;
  username: string;
  email: string;
  role_id: number;
  role_name: AdminUser['role_name'];
  created_at: string;
  profile: CustomerProfile | ProviderProfile | null;
}

export interface AdminUserUpdate extends CustomerProfileUpdate, ProviderProfileUpdate {
  username?: string;
  email?: string;
  role_id?: RoleId;
}

export interface OrderDetail {
  id: number;
  customer_id: number;
  title: string;
  description: string | null;
  service_type: ServiceType;
  status: OrderStatus;
  price: number;
  location: Location;
  address: string | null;
  service_start_time: string | null;
  service_end_time: string | null;
  created_at: string;
  updated_at: string;
  provider_id: number | null;
  payment_status: PaymentStatus;
  has_review: boolean;
}

export interface PublishOrderRequest {
  title: string;
  description?: string | null;
  service_type: ServiceType;
  price: number;
  location: Location;
  address?: string | null;
  service_start_time?: string | null;
  service_end_time?: string | null;
}

export interface AdminOrderUpdate extends Partial<PublishOrderRequest> {
  status?: OrderStatus;
}

export interface OrderActionResult {
  order_id: number;
  status: OrderStatus;
  message: string;
}

export interface OrderDeleted {
  order_id: number;
  message: string;
}

export interface AvailableOrdersQuery extends PageQuery {
  location?: Location;
  service_type?: ServiceType;
  min_price?: number;
  max_price?: number;
  keyword?: string;
}

export interface Payment {
  payment_id: number;
  order_id: number;
  customer_id: number;
  provider_id: number | null;
  amount: number;
  status: PaymentRecordStatus;
  payment_method: 'simulated';
  transaction_id: string;
  created_at: string;
  updated_at: string;
}

export interface PaymentResult extends Payment {
  message: string;
}

export interface Refund {
  refund_id: number;
  payment_id: number;
  order_id: number;
  customer_id: number;
  provider_id: number | null;
  amount: number;
  status: RefundStatus;
  reason: string;
  decision_reason: string | null;
  decided_by: number | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RefundResult extends Refund {
  message: string;
}

export interface PaymentHistoryItem extends Payment {
  refunds: Refund[];
}

export interface ReviewRequest {
  order_id: number;
  stars: number;
  content?: string | null;
}

export interface ReviewCreated {
  review_id: string;
  order_id: number;
  stars: number;
  content: string | null;
  message: string;
}

export interface Review {
  order_id: number;
  customer_id: number;
  stars: number;
  content: string | null;
  created_at: string;
}

export interface OrderReview extends Review {
  review_id: string;
  provider_id: number;
}

export interface ProviderRating {
  provider_id: number;
  average_rating: number;
  total_reviews: number;
}

export type InboxOwner = 'customer' | 'provider';

export interface InboxItem {
  id: string;
  customer_id: number | null;
  provider_id: number | null;
  order_id: number | null;
  message: string;
  created_at: string;
  is_read: boolean;
}

export interface Inbox {
  items: InboxItem[];
  total: number;
  unread: number;
}

export interface NoticeSent {
  user_id: number;
  message: string;
}
