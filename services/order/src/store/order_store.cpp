#include "services/order/src/store/order_store.hpp"

#include <stdexcept>

#include "libs/bus/sql_outbox.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::order::store {
namespace {

using domain::Order;

// Every SQL statement of the order service is here or built below from these pieces.
constexpr std::string_view kColumns =
    "id, customer_id, provider_id, title, description, service_type, status, price, location, address, "
    "service_start_time, service_end_time, payment_status, has_review, version, created_at, updated_at, "
    "reject_reason";
// Both writes start with the ten content columns, bound by ContentParams() in this order.
constexpr std::string_view kInsert =
    "INSERT INTO orders (title, description, service_type, status, price, location, address, "
    "service_start_time, "
    "service_end_time, payment_status, customer_id, provider_id, has_review, version, created_at, "
    "updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, ?, ?)";
// The one conditional write every state change goes through.
constexpr std::string_view kUpdate =
    "UPDATE orders SET title = ?, description = ?, service_type = ?, status = ?, price = ?, location = ?, "
    "address = ?, service_start_time = ?, service_end_time = ?, payment_status = ?, provider_id = ?, "
    "has_review = ?, "
    "reject_reason = ?, version = version + 1, updated_at = ? "
    "WHERE id = ? AND status = ? AND version = ?";
constexpr std::string_view kDelete = "DELETE FROM orders WHERE id = ? AND version = ?";
constexpr std::string_view kMarkProcessed =
    "INSERT IGNORE INTO processed_events (event_id, routing_key, processed_at) VALUES (?, ?, ?)";
// Batches keep each purge transaction short (processed_events_at serves the range).
constexpr std::string_view kPurgeProcessed = "DELETE FROM processed_events WHERE processed_at < ? LIMIT ?";
constexpr std::int64_t kPurgeBatch = 5000;

// The ten content columns of kInsert and kUpdate.
std::vector<sql::Value> ContentParams(const Order& o) {
  return {o.title,
          sql::Nullable(o.description),
          o.service_type,
          std::string(domain::Name(o.status)),
          money::Format(o.price),
          o.location,
          sql::Nullable(o.address),
          sql::Nullable(o.service_start_time),
          sql::Nullable(o.service_end_time),
          std::string(domain::Name(o.payment_status))};
}

Order FromRow(const sql::Row& row) {
  Order o;
  o.id = row.Int(0);
  o.customer_id = row.Int(1);
  o.provider_id = row.OptInt(2);
  o.title = row.String(3);
  o.description = row.OptString(4);
  o.service_type = row.String(5);
  o.status = row.Parsed(6, domain::ParseStatus, "orders.status holds an unknown value");
  o.price = row.Parsed(7, money::Parse, "orders.price is not a DECIMAL(10,2)");
  o.location = row.String(8);
  o.address = row.OptString(9);
  o.service_start_time = row.OptTime(10);
  o.service_end_time = row.OptTime(11);
  o.payment_status =
      row.Parsed(12, domain::ParsePaymentStatus, "orders.payment_status holds an unknown value");
  o.has_review = row.Int(13) != 0;
  o.version = row.Int(14);
  o.created_at = row.Time(15);
  o.updated_at = row.Time(16);
  o.reject_reason = row.OptString(17);
  return o;
}

std::optional<Order> LockOrder(sql::Connection& connection, std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kColumns) + " FROM orders WHERE id = ? FOR UPDATE";
  auto rows = connection.Query(sql, {id});
  if (rows.empty()) return std::nullopt;
  return FromRow(rows.front());
}

// Writes `after` over `before` (same id); false when the row no longer matches before's status and version.
bool WriteChange(sql::Connection& connection, const Order& before, Order& after) {
  after.updated_at = time::NowSeconds();
  auto params = ContentParams(after);
  params.insert(params.end(), {sql::Nullable(after.provider_id), std::int64_t{after.has_review ? 1 : 0},
                               sql::Nullable(after.reject_reason), after.updated_at, before.id,
                               std::string(domain::Name(before.status)), before.version});
  auto result = connection.Execute(kUpdate, params);
  if (result.affected_rows != 1) return false;
  after.version = before.version + 1;
  return true;
}

}  // namespace

std::string LikeContains(std::string_view keyword) {
  std::string pattern = "%";
  for (char c : keyword) {
    if (c == '%' || c == '_' || c == '!') pattern.push_back('!');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

Order OrderStore::Create(Order order, const std::function<bus::Event(const Order&)>& event) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  order.created_at = order.updated_at = time::NowSeconds();
  order.status = domain::Status::kPendingReview;
  order.payment_status = domain::PaymentStatus::kUnpaid;
  order.has_review = false;
  order.version = 0;
  auto params = ContentParams(order);
  params.insert(params.end(), {order.customer_id, order.created_at, order.updated_at});
  auto result = connection->Execute(kInsert, params);
  order.id = static_cast<std::int64_t>(result.last_insert_id);
  bus::Enqueue(connection, event(order));
  tx.Commit();
  return order;
}

std::optional<Order> OrderStore::Find(std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kColumns) + " FROM orders WHERE id = ?";
  auto connection = pool_.Acquire();
  auto rows = connection->Query(sql, {id});
  if (rows.empty()) return std::nullopt;
  return FromRow(rows.front());
}

ListResult OrderStore::List(const ListQuery& query) {
  // Built from fixed fragments only; every value is a parameter. At most 2^8 distinct texts, so the
  // per-connection statement cache stays small.
  std::string where = " WHERE 1 = 1";
  std::vector<sql::Value> params;
  // One condition with its parameter.
  auto require = [&](std::string_view condition, sql::Value value) {
    where += condition;
    params.push_back(std::move(value));
  };
  if (query.customer_id) require(" AND customer_id = ?", *query.customer_id);
  if (query.provider_id) require(" AND provider_id = ?", *query.provider_id);
  if (!query.statuses.empty()) {
    where += " AND status IN (";
    for (std::size_t i = 0; i < query.statuses.size(); ++i) {
      where += i ? ", ?" : "?";
      params.emplace_back(std::string(domain::Name(query.statuses[i])));
    }
    where += ")";
  }
  if (query.location) require(" AND location = ?", *query.location);
  if (query.service_type) require(" AND service_type = ?", *query.service_type);
  if (query.min_price) require(" AND price >= ?", money::Format(*query.min_price));
  if (query.max_price) require(" AND price <= ?", money::Format(*query.max_price));
  if (query.keyword) {
    where += " AND (title LIKE ? ESCAPE '!' OR description LIKE ? ESCAPE '!')";
    auto pattern = LikeContains(*query.keyword);
    params.emplace_back(pattern);
    params.emplace_back(pattern);
  }
  std::string order_by = query.newest_updated_first ? " ORDER BY updated_at DESC, id DESC"
                                                    : " ORDER BY created_at DESC, id DESC";

  auto connection = pool_.Acquire();
  ListResult result;
  auto count = connection->Query("SELECT COUNT(*) FROM orders" + where, params);
  result.total = count.empty() ? 0 : count.front().Int(0);
  if (result.total > query.offset) {
    auto page_params = params;
    page_params.emplace_back(query.limit);
    page_params.emplace_back(query.offset);
    auto rows = connection->Query(
        "SELECT " + std::string(kColumns) + " FROM orders" + where + order_by + " LIMIT ? OFFSET ?",
        page_params);
    result.items.reserve(rows.size());
    for (const auto& row : rows) result.items.push_back(FromRow(row));
  }
  return result;
}

std::optional<Order> OrderStore::Change(std::int64_t id, const std::function<Order(const Order&)>& decide,
                                        const EventsFor& events) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto before = LockOrder(connection.get(), id);
  if (!before) return std::nullopt;
  Order after = decide(*before);
  if (!WriteChange(connection.get(), *before, after)) throw ConcurrentChange(id);
  for (const auto& event : events(*before, after)) bus::Enqueue(connection, event);
  tx.Commit();
  return after;
}

std::optional<Order> OrderStore::Delete(std::int64_t id,
                                        const std::function<bus::Event(const Order&)>& event) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto before = LockOrder(connection.get(), id);
  if (!before) return std::nullopt;
  auto result = connection->Execute(kDelete, {id, before->version});
  if (result.affected_rows != 1) throw ConcurrentChange(id);
  bus::Enqueue(connection, event(*before));
  tx.Commit();
  return before;
}

ApplyResult OrderStore::ApplyEvent(const bus::Event& event, std::int64_t order_id,
                                   const std::function<domain::EventOutcome(const Order&)>& decide,
                                   const EventsFor& events) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto marked = connection->Execute(kMarkProcessed, {event.event_id, event.routing_key, time::NowSeconds()});
  // Seen before, or (below) not applicable yet: the transaction rolls back, nothing changes.
  if (marked.affected_rows == 0) return ApplyResult::kAlreadyApplied;
  if (auto before = LockOrder(connection.get(), order_id)) {
    auto decided = decide(*before);
    if (!decided) return ApplyResult::kNotYet;
    if (auto& after = *decided) {
      if (!WriteChange(connection.get(), *before, *after)) throw ConcurrentChange(order_id);
      for (const auto& e : events(*before, *after)) bus::Enqueue(connection, e);
    }
  }
  tx.Commit();
  return ApplyResult::kApplied;
}

std::int64_t OrderStore::PurgeProcessedEvents(time::TimePoint before) {
  auto connection = pool_.Acquire();
  std::int64_t removed = 0;
  for (;;) {
    auto result = connection->Execute(kPurgeProcessed, {before, kPurgeBatch});
    removed += static_cast<std::int64_t>(result.affected_rows);
    if (static_cast<std::int64_t>(result.affected_rows) < kPurgeBatch) return removed;
  }
}

}  // namespace mp::order::store
