#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "libs/core/time.hpp"

struct _bson_t;  // NOLINT(bugprone-reserved-identifier): libbson's bson_t, kept out of this header

// BSON documents built from typed C++ values. Filters, updates and sorts are written in code with keys
// chosen by the programmer and values of C++ types, so a client's JSON never becomes an operator
// (no `{"$ne": ...}` injection):
//   Document filter{{"customer_id", user_id}, {"is_read", false}};
//   Document update{{"$set", Document{{"is_read", true}, {"read_at", time::Now()}}}};
namespace mp::mongo {

class Value;

// A 12-byte MongoDB ObjectId.
class ObjectId {
 public:
  static ObjectId Generate();  // a new, process-unique id (increasing within the process)
  // Exactly 24 hexadecimal digits (either case); nullopt otherwise.
  static std::optional<ObjectId> Parse(std::string_view text);

  std::string ToString() const;  // 24 lowercase hex digits
  const std::uint8_t* bytes() const { return bytes_; }
  friend bool operator==(const ObjectId& a, const ObjectId& b);

 private:
  ObjectId() = default;
  std::uint8_t bytes_[12] = {};
  friend class Document;
  friend class Value;
};

// An owned BSON document (RAII over bson_t). Copyable; moves are cheap.
class Document {
 public:
  Document();
  Document(std::initializer_list<std::pair<std::string_view, Value>> fields);
  // Copies a document produced by libbson/libmongoc.
  static Document Copy(const _bson_t* bson);
  Document(const Document& other);
  Document(Document&& other) noexcept;
  Document& operator=(Document other) noexcept;
  ~Document();

  // Appends a field (keys are not checked for duplicates: append each once).
  Document& Append(std::string_view key, const Value& value);

  bool empty() const;
  const _bson_t* get() const { return bson_; }
  _bson_t* get() { return bson_; }
  // Relaxed view of the document; see mongo::ToJson.
  nlohmann::json ToJson() const;

 private:
  _bson_t* bson_;
};

// An owned BSON array (keys "0", "1", ...).
class Array {
 public:
  Array();
  Array(std::initializer_list<Value> values);
  Array(const Array& other);
  Array(Array&& other) noexcept;
  Array& operator=(Array other) noexcept;
  ~Array();

  Array& Append(const Value& value);
  std::size_t size() const { return size_; }
  const _bson_t* get() const { return bson_; }

 private:
  _bson_t* bson_;
  std::size_t size_ = 0;
};

// One typed BSON value. `int` is stored as int32, `long`/`long long` (std::int64_t) as int64, a
// time::TimePoint as a UTC datetime (millisecond precision), an empty optional as null.
class Value {
 public:
  Value(std::nullptr_t) : value_(nullptr) {}
  Value(bool v) : value_(v) {}
  Value(int v) : value_(static_cast<std::int32_t>(v)) {}
  Value(long v) : value_(static_cast<std::int64_t>(v)) {}
  Value(long long v) : value_(static_cast<std::int64_t>(v)) {}
  Value(double v) : value_(v) {}
  Value(const char* v) : value_(std::string(v)) {}
  Value(std::string_view v) : value_(std::string(v)) {}
  Value(std::string v) : value_(std::move(v)) {}
  Value(const ObjectId& v) : value_(v) {}
  Value(time::TimePoint v) : value_(v) {}
  Value(Document v) : value_(std::move(v)) {}
  Value(Array v) : value_(std::move(v)) {}
  template <class T>
  Value(const std::optional<T>& v) : Value(v ? Value(*v) : Value(nullptr)) {}

  // Appends this value under `key` to a bson_t.
  void AppendTo(_bson_t* bson, std::string_view key) const;

 private:
  std::variant<std::nullptr_t, bool, std::int32_t, std::int64_t, double, std::string, ObjectId,
               time::TimePoint, Document, Array>
      value_;
};

// A document as JSON, for reading fields: numbers, strings, booleans, null, documents and arrays map
// naturally; an ObjectId becomes its 24-hex string; a datetime becomes integer milliseconds since the Unix
// epoch (see TimeFromMillis); any other type becomes its relaxed extended JSON ({"$binary": ...}, ...).
nlohmann::json ToJson(const _bson_t* bson);

// The time::TimePoint of a datetime field read through ToJson (integer milliseconds since the epoch).
time::TimePoint TimeFromMillis(std::int64_t millis);

}  // namespace mp::mongo
