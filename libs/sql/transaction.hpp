#pragma once

#include "libs/sql/connection.hpp"
#include "libs/sql/pool.hpp"

namespace mp::sql {

// Transaction tx(conn); ...; tx.Commit();  Leaving the scope without Commit() rolls back, so an exception
// never leaves a half-written change behind.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) { connection_.Begin(); }
  explicit Transaction(PooledConnection& connection) : Transaction(connection.get()) {}
  ~Transaction() {
    if (!done_ && connection_.in_transaction()) {
      try {
        connection_.Rollback();
      } catch (...) {
        // The connection stays marked in_transaction (or broken), so the pool closes it, and closing rolls
        // back on the server.
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit() {
    connection_.Commit();
    done_ = true;
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace mp::sql
