#include "libs/mongo/document.hpp"

// clang (the linter's parser, not GCC) warns on every pointer to libbson's bson_t, which its headers declare
// 128-byte aligned; GCC lays the type out with that alignment.
#ifdef __clang__
#pragma clang diagnostic ignored "-Walign-mismatch"
#endif

#include <cstring>
#include <stdexcept>

#include <bson/bson.h>

namespace mp::mongo {
namespace {

int KeyLength(std::string_view key) {
  if (key.size() > static_cast<std::size_t>(INT32_MAX)) throw std::length_error("BSON key too long");
  return static_cast<int>(key.size());
}

void Check(bool appended, std::string_view key) {
  // libbson refuses only when the document would exceed its maximum size (2 GiB).
  if (!appended) throw std::length_error("BSON document too large at key " + std::string(key));
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// One value the simple mapping does not cover, in relaxed extended JSON.
nlohmann::json ExtendedJsonValue(const bson_iter_t& iter) {
  bson_t wrapper = BSON_INITIALIZER;
  bson_append_value(&wrapper, "v", 1, bson_iter_value(const_cast<bson_iter_t*>(&iter)));
  std::size_t length = 0;
  char* text = bson_as_relaxed_extended_json(&wrapper, &length);
  bson_destroy(&wrapper);
  if (text == nullptr) return nullptr;
  nlohmann::json parsed = nlohmann::json::parse(text, text + length, nullptr, false);
  bson_free(text);
  if (parsed.is_discarded() || !parsed.contains("v")) return nullptr;
  return parsed["v"];
}

nlohmann::json IterToJson(bson_iter_t& iter, bool array);

nlohmann::json ValueToJson(const bson_iter_t& iter) {
  switch (bson_iter_type(&iter)) {
    case BSON_TYPE_DOUBLE: return bson_iter_double(&iter);
    case BSON_TYPE_UTF8: {
      std::uint32_t length = 0;
      const char* text = bson_iter_utf8(&iter, &length);
      return std::string(text, length);
    }
    case BSON_TYPE_DOCUMENT:
    case BSON_TYPE_ARRAY: {
      bson_iter_t child;
      if (!bson_iter_recurse(&iter, &child)) return nullptr;
      return IterToJson(child, bson_iter_type(&iter) == BSON_TYPE_ARRAY);
    }
    case BSON_TYPE_OID: {
      char hex[25];
      bson_oid_to_string(bson_iter_oid(&iter), hex);
      return std::string(hex, 24);
    }
    case BSON_TYPE_BOOL: return bson_iter_bool(&iter);
    case BSON_TYPE_DATE_TIME: return bson_iter_date_time(&iter);
    case BSON_TYPE_NULL:
    case BSON_TYPE_UNDEFINED: return nullptr;
    case BSON_TYPE_INT32: return bson_iter_int32(&iter);
    case BSON_TYPE_INT64: return bson_iter_int64(&iter);
    default: return ExtendedJsonValue(iter);
  }
}

nlohmann::json IterToJson(bson_iter_t& iter, bool array) {
  nlohmann::json out = array ? nlohmann::json::array() : nlohmann::json::object();
  while (bson_iter_next(&iter)) {
    if (array) {
      out.push_back(ValueToJson(iter));
    } else {
      out[std::string(bson_iter_key(&iter), bson_iter_key_len(&iter))] = ValueToJson(iter);
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------- ObjectId

ObjectId ObjectId::Generate() {
  bson_oid_t oid;
  bson_oid_init(&oid, nullptr);
  ObjectId id;
  std::memcpy(id.bytes_, oid.bytes, sizeof id.bytes_);
  return id;
}

std::optional<ObjectId> ObjectId::Parse(std::string_view text) {
  if (text.size() != 24) return std::nullopt;
  for (char c : text) {
    if (!IsHex(c)) return std::nullopt;
  }
  std::string copy(text);
  bson_oid_t oid;
  bson_oid_init_from_string(&oid, copy.c_str());
  ObjectId id;
  std::memcpy(id.bytes_, oid.bytes, sizeof id.bytes_);
  return id;
}

std::string ObjectId::ToString() const {
  bson_oid_t oid;
  std::memcpy(oid.bytes, bytes_, sizeof bytes_);
  char hex[25];
  bson_oid_to_string(&oid, hex);
  return std::string(hex, 24);
}

bool operator==(const ObjectId& a, const ObjectId& b) {
  return std::memcmp(a.bytes_, b.bytes_, sizeof a.bytes_) == 0;
}

// ---------------------------------------------------------------------------------------------- Document

Document::Document() : bson_(bson_new()) {}

Document::Document(std::initializer_list<std::pair<std::string_view, Value>> fields) : Document() {
  for (const auto& [key, value] : fields) Append(key, value);
}

Document Document::Copy(const bson_t* bson) {
  Document document;
  bson_destroy(document.bson_);
  document.bson_ = bson_copy(bson);
  return document;
}

Document::Document(const Document& other) : bson_(bson_copy(other.bson_)) {}

// A moved-from document is empty, not null, so it stays usable.
Document::Document(Document&& other) noexcept : bson_(other.bson_) { other.bson_ = bson_new(); }

Document& Document::operator=(Document other) noexcept {
  std::swap(bson_, other.bson_);
  return *this;
}

Document::~Document() {
  if (bson_ != nullptr) bson_destroy(bson_);
}

Document& Document::Append(std::string_view key, const Value& value) {
  value.AppendTo(bson_, key);
  return *this;
}

bool Document::empty() const { return bson_count_keys(bson_) == 0; }

nlohmann::json Document::ToJson() const { return mongo::ToJson(bson_); }

// ------------------------------------------------------------------------------------------------- Array

Array::Array() : bson_(bson_new()) {}

Array::Array(std::initializer_list<Value> values) : Array() {
  for (const auto& value : values) Append(value);
}

Array::Array(const Array& other) : bson_(bson_copy(other.bson_)), size_(other.size_) {}

Array::Array(Array&& other) noexcept : bson_(other.bson_), size_(other.size_) {
  other.bson_ = bson_new();
  other.size_ = 0;
}

Array& Array::operator=(Array other) noexcept {
  std::swap(bson_, other.bson_);
  std::swap(size_, other.size_);
  return *this;
}

Array::~Array() {
  if (bson_ != nullptr) bson_destroy(bson_);
}

Array& Array::Append(const Value& value) {
  char buffer[16];
  const char* key = nullptr;
  std::size_t length = bson_uint32_to_string(static_cast<std::uint32_t>(size_), &key, buffer, sizeof buffer);
  value.AppendTo(bson_, std::string_view(key, length));
  ++size_;
  return *this;
}

// ------------------------------------------------------------------------------------------------- Value

void Value::AppendTo(bson_t* bson, std::string_view key) const {
  const char* k = key.data();
  const int n = KeyLength(key);
  bool ok = std::visit(
      [&](const auto& v) -> bool {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          return bson_append_null(bson, k, n);
        } else if constexpr (std::is_same_v<T, bool>) {
          return bson_append_bool(bson, k, n, v);
        } else if constexpr (std::is_same_v<T, std::int32_t>) {
          return bson_append_int32(bson, k, n, v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return bson_append_int64(bson, k, n, v);
        } else if constexpr (std::is_same_v<T, double>) {
          return bson_append_double(bson, k, n, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          if (v.size() > static_cast<std::size_t>(INT32_MAX)) throw std::length_error("BSON string too long");
          return bson_append_utf8(bson, k, n, v.data(), static_cast<int>(v.size()));
        } else if constexpr (std::is_same_v<T, ObjectId>) {
          bson_oid_t oid;
          std::memcpy(oid.bytes, v.bytes(), sizeof oid.bytes);
          return bson_append_oid(bson, k, n, &oid);
        } else if constexpr (std::is_same_v<T, time::TimePoint>) {
          auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(v.time_since_epoch()).count();
          return bson_append_date_time(bson, k, n, millis);
        } else if constexpr (std::is_same_v<T, Document>) {
          return bson_append_document(bson, k, n, v.get());
        } else {
          static_assert(std::is_same_v<T, Array>);
          return bson_append_array(bson, k, n, v.get());
        }
      },
      value_);
  Check(ok, key);
}

// --------------------------------------------------------------------------------------------- reading

nlohmann::json ToJson(const bson_t* bson) {
  bson_iter_t iter;
  if (bson == nullptr || !bson_iter_init(&iter, bson)) return nlohmann::json::object();
  return IterToJson(iter, false);
}

time::TimePoint TimeFromMillis(std::int64_t millis) {
  return time::TimePoint(
      std::chrono::duration_cast<time::Clock::duration>(std::chrono::milliseconds(millis)));
}

}  // namespace mp::mongo
