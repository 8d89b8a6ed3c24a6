#include "libs/sql/connection.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <mysql.h>

#include "libs/sql/error.hpp"

namespace mp::sql {
namespace {

constexpr std::size_t kStatementCacheSize = 64;
// Most columns fit; longer values (TEXT, JSON) are fetched again at their full length.
constexpr unsigned long kColumnBuffer = 256;

unsigned Seconds(std::chrono::milliseconds ms) {
  return static_cast<unsigned>(std::max<std::int64_t>(1, (ms.count() + 999) / 1000));
}

// The server ended the session: gone away, lost, killed (MariaDB 1927), idle timeout (MySQL 8: 4031).
bool SessionEnded(unsigned code) { return code == 2006 || code == 2013 || code == 1927 || code == 4031; }

// Codes after which the session state is unknown, so the connection must not be reused.
bool BreaksSession(unsigned code) {
  return SessionEnded(code) || code == 2014 || code == 2027 || code == 2055;
}

std::string Abbreviate(std::string_view sql) {
  constexpr std::size_t kMax = 160;
  std::string text(sql.substr(0, kMax));
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (sql.size() > kMax) text += "...";
  return text;
}

// Frees a statement's pending result set on every path, so the statement can be executed again.
class ResultGuard {
 public:
  explicit ResultGuard(MYSQL_STMT* stmt) : stmt_(stmt) {}
  ~ResultGuard() { mysql_stmt_free_result(stmt_); }
  ResultGuard(const ResultGuard&) = delete;
  ResultGuard& operator=(const ResultGuard&) = delete;

 private:
  MYSQL_STMT* stmt_;
};

}  // namespace

Connection::Connection(Options options) : options_(std::move(options)) { Connect(); }

Connection::~Connection() { Disconnect(); }

void Connection::Connect() {
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) throw Error(2008, "mysql_init: out of memory");
  unsigned connect_timeout = Seconds(options_.connect_timeout);
  unsigned read_timeout = Seconds(options_.read_timeout);
  unsigned write_timeout = Seconds(options_.write_timeout);
  my_bool report_truncation = 1;
  mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(mysql_, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_options(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_options(mysql_, MYSQL_REPORT_DATA_TRUNCATION, &report_truncation);
  mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_options(mysql_, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
  if (options_.tls != Tls::kDisabled) {
    my_bool enforce = 1;  // no TLS, no connection
    my_bool verify = options_.tls == Tls::kVerifyIdentity ? 1 : 0;
    mysql_optionsv(mysql_, MYSQL_OPT_SSL_ENFORCE, &enforce);
    mysql_optionsv(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    // Connector/C checks the chain whenever it has a CA file: give it one only when asked to verify.
    if (verify && !options_.tls_ca.empty()) mysql_optionsv(mysql_, MYSQL_OPT_SSL_CA, options_.tls_ca.c_str());
  }
  if (mysql_real_connect(mysql_, options_.host.c_str(), options_.user.c_str(), options_.password.c_str(),
                         options_.database.c_str(), static_cast<unsigned>(options_.port), nullptr,
                         CLIENT_FOUND_ROWS | CLIENT_MULTI_RESULTS) == nullptr) {
    unsigned code = mysql_errno(mysql_);
    std::string message = fmt::format("cannot connect to MySQL at {}:{} as {}: {} (error {})", options_.host,
                                      options_.port, options_.user, mysql_error(mysql_), code);
    mysql_close(mysql_);
    mysql_ = nullptr;
    throw Error(code, message);
  }
  broken_ = false;
  in_transaction_ = false;
}

void Connection::Disconnect() {
  for (auto& cached : statements_) mysql_stmt_close(cached.stmt);
  statements_.clear();
  statement_index_.clear();
  if (mysql_ != nullptr) mysql_close(mysql_);
  mysql_ = nullptr;
}

void Connection::Fail(unsigned code, const char* message, std::string_view sql) {
  if (BreaksSession(code)) broken_ = true;
  throw Error(code, fmt::format("{} (error {}) in: {}", message, code, Abbreviate(sql)));
}

MYSQL_STMT* Connection::Prepare(std::string_view sql) {
  if (auto it = statement_index_.find(sql); it != statement_index_.end()) {
    statements_.splice(statements_.begin(), statements_, it->second);
    return it->second->stmt;
  }
  // A server that dropped an idle session fails the next command. Preparing runs nothing, so outside a
  // transaction it is safe to open a new session and prepare again, once.
  for (int attempt = 0;; ++attempt) {
    MYSQL_STMT* stmt = mysql_stmt_init(mysql_);
    if (stmt == nullptr) Fail(mysql_errno(mysql_), mysql_error(mysql_), sql);
    if (mysql_stmt_prepare(stmt, sql.data(), static_cast<unsigned long>(sql.size())) == 0) {
      if (statements_.size() >= kStatementCacheSize) {
        statement_index_.erase(statements_.back().sql);
        mysql_stmt_close(statements_.back().stmt);
        statements_.pop_back();
      }
      statements_.push_front(CachedStatement{std::string(sql), stmt});
      statement_index_.emplace(statements_.front().sql, statements_.begin());
      return stmt;
    }
    unsigned code = mysql_stmt_errno(stmt);
    std::string message = mysql_stmt_error(stmt);
    mysql_stmt_close(stmt);
    if (attempt == 0 && !in_transaction_ && SessionEnded(code)) {
      Disconnect();
      Connect();
      continue;
    }
    Fail(code, message.c_str(), sql);
  }
}

void Connection::Evict(std::string_view sql) {
  auto it = statement_index_.find(sql);
  if (it == statement_index_.end()) return;
  mysql_stmt_close(it->second->stmt);
  statements_.erase(it->second);
  statement_index_.erase(it);
}

ExecResult Connection::Run(std::string_view sql, std::span<const Value> params, std::vector<Row>* rows) {
  if (mysql_ == nullptr || broken_) throw Error(2006, "connection is broken: " + Abbreviate(sql));
  MYSQL_STMT* stmt = Prepare(sql);
  if (mysql_stmt_param_count(stmt) != params.size()) {
    throw Error(0, fmt::format("statement takes {} parameters, {} given: {}", mysql_stmt_param_count(stmt),
                               params.size(), Abbreviate(sql)));
  }
  try {
    std::vector<MYSQL_BIND> binds(params.size());
    std::vector<unsigned long> lengths(params.size());
    std::vector<std::string> texts(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      MYSQL_BIND& bind = binds[i];
      std::memset(&bind, 0, sizeof bind);
      const Value& value = params[i];
      if (std::holds_alternative<std::nullptr_t>(value)) {
        bind.buffer_type = MYSQL_TYPE_NULL;
      } else if (const auto* v = std::get_if<std::int64_t>(&value)) {
        bind.buffer_type = MYSQL_TYPE_LONGLONG;
        bind.buffer = const_cast<std::int64_t*>(v);
      } else if (const auto* d = std::get_if<double>(&value)) {
        bind.buffer_type = MYSQL_TYPE_DOUBLE;
        bind.buffer = const_cast<double*>(d);
      } else {
        const std::string* text = std::get_if<std::string>(&value);
        if (text == nullptr) {
          texts[i] = time::FormatSql(std::get<time::TimePoint>(value));
          text = &texts[i];
        }
        lengths[i] = static_cast<unsigned long>(text->size());
        bind.buffer_type = MYSQL_TYPE_STRING;
        bind.buffer = const_cast<char*>(text->data());
        bind.buffer_length = lengths[i];
        bind.length = &lengths[i];
      }
    }
    if (!binds.empty() && mysql_stmt_bind_param(stmt, binds.data()) != 0) {
      Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), sql);
    }
    if (mysql_stmt_execute(stmt) != 0) Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), sql);
    ResultGuard guard(stmt);

    MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
    if (meta != nullptr) {
      unsigned columns = mysql_num_fields(meta);
      mysql_free_result(meta);
      std::vector<MYSQL_BIND> results(columns);
      std::vector<std::string> buffers(columns, std::string(kColumnBuffer, '\0'));
      std::vector<unsigned long> result_lengths(columns);
      std::vector<my_bool> nulls(columns), truncated(columns);
      for (unsigned c = 0; c < columns; ++c) {
        std::memset(&results[c], 0, sizeof results[c]);
        results[c].buffer_type = MYSQL_TYPE_STRING;
        results[c].buffer = buffers[c].data();
        results[c].buffer_length = kColumnBuffer;
        results[c].length = &result_lengths[c];
        results[c].is_null = &nulls[c];
        results[c].error = &truncated[c];
      }
      if (mysql_stmt_bind_result(stmt, results.data()) != 0) {
        Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), sql);
      }
      for (;;) {
        int status = mysql_stmt_fetch(stmt);
        if (status == MYSQL_NO_DATA) break;
        if (status == 1) Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), sql);
        std::vector<std::optional<std::string>> values(columns);
        for (unsigned c = 0; c < columns; ++c) {
          if (nulls[c]) continue;
          if (!truncated[c]) {
            values[c].emplace(buffers[c].data(), result_lengths[c]);
            continue;
          }
          std::string full(result_lengths[c], '\0');
          MYSQL_BIND whole;
          std::memset(&whole, 0, sizeof whole);
          whole.buffer_type = MYSQL_TYPE_STRING;
          whole.buffer = full.data();
          whole.buffer_length = result_lengths[c];
          unsigned long length = 0;
          whole.length = &length;
          if (mysql_stmt_fetch_column(stmt, &whole, c, 0) != 0) {
            Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), sql);
          }
          values[c] = std::move(full);
        }
        if (rows != nullptr) rows->emplace_back(std::move(values));
      }
    }
    return ExecResult{mysql_stmt_affected_rows(stmt), mysql_stmt_insert_id(stmt)};
  } catch (...) {
    // A statement left mid-way (bound to dead buffers, unread rows) must not be reused.
    Evict(sql);
    throw;
  }
}

std::vector<Row> Connection::Query(std::string_view sql, std::initializer_list<Value> params) {
  std::vector<Row> rows;
  Run(sql, std::span<const Value>(params.begin(), params.size()), &rows);
  return rows;
}

std::vector<Row> Connection::Query(std::string_view sql, const std::vector<Value>& params) {
  std::vector<Row> rows;
  Run(sql, params, &rows);
  return rows;
}

ExecResult Connection::Execute(std::string_view sql, std::initializer_list<Value> params) {
  return Run(sql, std::span<const Value>(params.begin(), params.size()), nullptr);
}

ExecResult Connection::Execute(std::string_view sql, const std::vector<Value>& params) {
  return Run(sql, params, nullptr);
}

void Connection::SimpleQuery(std::string_view sql) {
  if (mysql_ == nullptr || broken_) throw Error(2006, "connection is broken: " + Abbreviate(sql));
  if (mysql_real_query(mysql_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    Fail(mysql_errno(mysql_), mysql_error(mysql_), sql);
  }
}

void Connection::ExecuteScript(std::string_view script) {
  if (mysql_ == nullptr || broken_) throw Error(2006, "connection is broken: " + Abbreviate(script));
  // Multi-statements are switched on only for this call, so no other query can ever be stacked.
  if (mysql_set_server_option(mysql_, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
    Fail(mysql_errno(mysql_), mysql_error(mysql_), script);
  }
  std::optional<Error> failure;
  if (mysql_real_query(mysql_, script.data(), static_cast<unsigned long>(script.size())) != 0) {
    failure.emplace(mysql_errno(mysql_), mysql_error(mysql_));
  } else {
    for (;;) {
      MYSQL_RES* result = mysql_store_result(mysql_);
      if (result != nullptr) mysql_free_result(result);
      int status = mysql_next_result(mysql_);
      if (status == -1) break;
      if (status > 0) {
        failure.emplace(mysql_errno(mysql_), mysql_error(mysql_));
        break;
      }
    }
  }
  if (mysql_set_server_option(mysql_, MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0) broken_ = true;
  if (failure) Fail(failure->code(), failure->what(), script);
  if (broken_) Fail(mysql_errno(mysql_), mysql_error(mysql_), script);
}

void Connection::Begin() {
  // START TRANSACTION inside a transaction would silently commit the outer one.
  if (in_transaction_) throw Error(0, "Begin() inside an open transaction");
  SimpleQuery("START TRANSACTION");
  in_transaction_ = true;
}

void Connection::Commit() {
  SimpleQuery("COMMIT");
  in_transaction_ = false;
}

void Connection::Rollback() {
  SimpleQuery("ROLLBACK");
  in_transaction_ = false;
}

bool Connection::Ping() {
  if (mysql_ == nullptr || broken_) return false;
  if (mysql_ping(mysql_) != 0) {
    broken_ = true;
    return false;
  }
  return true;
}

}  // namespace mp::sql
