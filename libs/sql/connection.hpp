#pragma once

#include <cstdint>
#include <initializer_list>
#include <list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "libs/sql/options.hpp"
#include "libs/sql/row.hpp"
#include "libs/sql/value.hpp"

struct st_mysql;
struct st_mysql_stmt;

namespace mp::sql {

struct ExecResult {
  // Rows matched (the connection sets CLIENT_FOUND_ROWS), so an UPDATE that finds its row but changes
  // nothing still reports 1.
  std::uint64_t affected_rows = 0;
  std::uint64_t last_insert_id = 0;
};

// One blocking MariaDB/MySQL session (utf8mb4, time_zone '+00:00'). Not thread-safe: one thread at a time,
// normally through Pool::Acquire(). Every call with parameters is a server-side prepared statement, cached
// per connection by its SQL text.
class Connection {
 public:
  explicit Connection(Options options);  // connects now; throws Error
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::vector<Row> Query(std::string_view sql, std::initializer_list<Value> params = {});
  std::vector<Row> Query(std::string_view sql, const std::vector<Value>& params);
  ExecResult Execute(std::string_view sql, std::initializer_list<Value> params = {});
  ExecResult Execute(std::string_view sql, const std::vector<Value>& params);
  // Several ';'-separated statements in one round trip, for migrations only (trusted text, no parameters).
  void ExecuteScript(std::string_view script);

  void Begin();
  void Commit();
  void Rollback();

  bool Ping();
  bool in_transaction() const { return in_transaction_; }
  // The session can no longer be trusted (connection lost, protocol out of sync): the pool drops it.
  bool broken() const { return broken_; }

 private:
  struct CachedStatement {
    std::string sql;
    st_mysql_stmt* stmt;
  };

  void Connect();
  void Disconnect();
  st_mysql_stmt* Prepare(std::string_view sql);
  void Evict(std::string_view sql);
  ExecResult Run(std::string_view sql, std::span<const Value> params, std::vector<Row>* rows);
  void SimpleQuery(std::string_view sql);
  [[noreturn]] void Fail(unsigned code, const char* message, std::string_view sql);

  Options options_;
  st_mysql* mysql_ = nullptr;
  bool in_transaction_ = false;
  bool broken_ = false;
  // Least recently used at the back; bounded so that ad-hoc SQL cannot exhaust the server's
  // max_prepared_stmt_count.
  std::list<CachedStatement> statements_;
  std::unordered_map<std::string_view, std::list<CachedStatement>::iterator> statement_index_;
};

}  // namespace mp::sql
