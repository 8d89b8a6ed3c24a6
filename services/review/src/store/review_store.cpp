#include "services/review/src/store/review_store.hpp"

#include <chrono>

#include "libs/mongo/outbox.hpp"

namespace mp::review::store {

using mongo::Document;

namespace {

// Millisecond precision, as MongoDB stores a datetime, so what Add returns equals what a later read gives.
time::TimePoint StoredTime(time::TimePoint t) {
  return mongo::TimeFromMillis(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

domain::Review FromDocument(const nlohmann::json& doc) {
  domain::Review review;
  review.order_id = doc.at("order_id").get<std::int64_t>();
  review.customer_id = doc.at("customer_id").get<std::int64_t>();
  review.provider_id = doc.at("provider_id").get<std::int64_t>();
  review.stars = doc.at("stars").get<int>();
  if (auto content = doc.find("content"); content != doc.end() && content->is_string()) {
    review.content = content->get<std::string>();
  }
  review.created_at = mongo::TimeFromMillis(doc.at("created_at").get<std::int64_t>());
  return review;
}

// The fields a review is read with (never the outbox).
Document ReviewFields() {
  return Document{{"order_id", 1}, {"customer_id", 1}, {"provider_id", 1},
                  {"stars", 1},    {"content", 1},     {"created_at", 1}};
}

}  // namespace

std::vector<std::string> OutboxCollections() { return {kReviews, kProviderRatings}; }

std::string SnapshotId(std::int64_t provider_id, std::int64_t total_reviews) {
  std::string count = std::to_string(total_reviews);
  if (count.size() < 12) count.insert(0, 12 - count.size(), '0');
  return std::to_string(provider_id) + ":" + count;
}

ReviewStore::ReviewStore(mongo::Database& database) : database_(database) {}

void ReviewStore::EnsureIndexes() {
  // One review per order needs no index of its own: the order id is the `_id`.
  database_.collection(kReviews).CreateIndexes(
      {{.name = "provider_created_at", .keys = Document{{"provider_id", 1}, {"created_at", -1}}}});
  // Redundant with the `_id` scheme, but states the invariant and serves "newest snapshot first".
  database_.collection(kProviderRatings)
      .CreateIndexes({{.name = "provider_total_unique",
                       .keys = Document{{"provider_id", 1}, {"total_reviews", -1}},
                       .unique = true}});
  mongo::EmbeddedOutbox::EnsureIndexes(database_, OutboxCollections());
}

bool ReviewStore::Add(const domain::Review& review, const bus::Event& created) {
  Document document{{"_id", review.order_id},
                    {"order_id", review.order_id},
                    {"customer_id", review.customer_id},
                    {"provider_id", review.provider_id},
                    {"stars", review.stars},
                    {"content", review.content},
                    {"created_at", StoredTime(review.created_at)}};
  mongo::AppendOutbox(document, {created});
  try {
    database_.collection(kReviews).InsertOne(document);
  } catch (const mongo::Error& error) {
    if (error.duplicate_key()) return false;
    throw;
  }
  return true;
}

std::optional<domain::Review> ReviewStore::FindByOrder(std::int64_t order_id) {
  mongo::FindOptions options;
  options.projection = ReviewFields();
  auto doc = database_.collection(kReviews).FindOne(Document{{"_id", order_id}}, options);
  if (!doc) return std::nullopt;
  return FromDocument(*doc);
}

ReviewPage ReviewStore::ListByProvider(std::int64_t provider_id, std::int64_t limit, std::int64_t offset) {
  auto reviews = database_.collection(kReviews);
  mongo::FindOptions options;
  options.sort = Document{{"created_at", -1}, {"_id", -1}};
  options.skip = offset;
  options.limit = limit;
  options.projection = ReviewFields();
  ReviewPage page;
  for (const auto& doc : reviews.Find(Document{{"provider_id", provider_id}}, options)) {
    page.items.push_back(FromDocument(doc));
  }
  page.total = reviews.Count(Document{{"provider_id", provider_id}});
  return page;
}

domain::RatingTotals ReviewStore::Rating(std::int64_t provider_id) {
  mongo::FindOptions options;
  options.sort = Document{{"total_reviews", -1}};
  options.limit = 1;
  options.projection = Document{{"total_reviews", 1}, {"stars_sum", 1}};
  auto doc = database_.collection(kProviderRatings).FindOne(Document{{"provider_id", provider_id}}, options);
  if (!doc) return {};
  return {doc->at("total_reviews").get<std::int64_t>(), doc->at("stars_sum").get<std::int64_t>()};
}

domain::RatingTotals ReviewStore::Tally(std::int64_t provider_id) {
  // No aggregation: FerretDB v1's $group/$sum over a field returns 0. The provider's reviews are read with
  // their stars only and summed here.
  mongo::FindOptions options;
  options.projection = Document{{"stars", 1}};
  domain::RatingTotals totals;
  for (const auto& doc :
       database_.collection(kReviews).Find(Document{{"provider_id", provider_id}}, options)) {
    ++totals.total_reviews;
    totals.stars_sum += doc.at("stars").get<std::int64_t>();
  }
  return totals;
}

RatingUpdate ReviewStore::RecomputeRating(std::int64_t provider_id, time::TimePoint now,
                                          const RatingEventFor& event_for) {
  const domain::RatingTotals totals = Tally(provider_id);
  if (totals.total_reviews == 0) return {false, totals};
  const domain::RatingTotals stored = Rating(provider_id);
  if (stored.total_reviews >= totals.total_reviews) return {false, stored};  // nothing new (or a newer one)

  const auto at = StoredTime(now);
  bus::Event event = event_for(provider_id, totals, at);
  Document snapshot{{"_id", SnapshotId(provider_id, totals.total_reviews)},
                    {"provider_id", provider_id},
                    {"total_reviews", totals.total_reviews},
                    {"stars_sum", totals.stars_sum},
                    {"rating", domain::AverageRating(totals)},
                    {"updated_at", at}};
  mongo::AppendOutbox(snapshot, {event});
  auto ratings = database_.collection(kProviderRatings);
  try {
    ratings.InsertOne(snapshot);
  } catch (const mongo::Error& error) {
    // Another replica stored the snapshot of this many reviews first: the same reviews, the same rating.
    if (error.duplicate_key()) return {false, totals};
    throw;
  }
  // Older snapshots are history once their rating.updated left the outbox; one still waiting for the relay
  // stays until a later prune.
  ratings.DeleteMany(Document{{"provider_id", provider_id},
                              {"total_reviews", Document{{"$lt", totals.total_reviews}}},
                              {"outbox.0", Document{{"$exists", false}}}});
  return {true, totals};
}

}  // namespace mp::review::store
