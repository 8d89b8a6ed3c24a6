#include "services/user/src/api/user_api.hpp"

#include <string>
#include <utility>
#include <vector>

#include "libs/core/log.hpp"
#include "libs/http/envelope.hpp"
#include "services/user/src/api/profile_json.hpp"
#include "services/user/src/api/refusals.hpp"
#include "services/user/src/domain/admin_update.hpp"
#include "services/user/src/domain/search.hpp"
#include "services/user/src/events/profile_events.hpp"
#include "services/user/src/events/profile_shape.hpp"

namespace mp::user::api {

namespace asio = boost::asio;
using domain::ProfileType;
using http::Context;
using http::Verb;
using Json = nlohmann::json;

namespace {

constexpr ProfileType kCustomer = ProfileType::kCustomer;
constexpr ProfileType kProvider = ProfileType::kProvider;

clients::Caller CallerOf(const Context& context) { return {context.User().token, context.request_id}; }

// What the profile routes do differently for each kind of profile: the store's calls, the bodies they read
// and the events and JSON they write.
template <class Profile, class ProfileChanges>
struct ProfileKind {
  using Changes = ProfileChanges;
  ProfileType type;
  std::optional<Profile> (store::ProfileStore::*find)(std::int64_t);
  store::CreateResult (store::ProfileStore::*create)(const Profile&, const std::vector<bus::Event>&);
  std::optional<Profile> (store::ProfileStore::*update)(std::int64_t, const Changes&, time::TimePoint,
                                                        const bus::Event&);
  Changes (*parse_create)(const Json&);
  Changes (*parse_update)(const Json&);
  bus::Event (*created)(const Profile&, std::string_view);
  Json (*json)(const Profile&);
};

constexpr ProfileKind<domain::CustomerProfile, domain::CustomerChanges> kCustomerKind{
    kCustomer,
    &store::ProfileStore::FindCustomer,
    &store::ProfileStore::CreateCustomer,
    &store::ProfileStore::UpdateCustomer,
    &ParseCustomerCreate,
    &ParseCustomerUpdate,
    &events::CustomerCreated,
    &events::CustomerJson};
constexpr ProfileKind<domain::ProviderProfile, domain::ProviderChanges> kProviderKind{
    kProvider,
    &store::ProfileStore::FindProvider,
    &store::ProfileStore::CreateProvider,
    &store::ProfileStore::UpdateProvider,
    &ParseProviderCreate,
    &ParseProviderUpdate,
    &events::ProviderCreated,
    &events::ProviderJson};

}  // namespace

UserApi::UserApi(http::App& app, store::ProfileStore& profiles, clients::AuthClient& users,
                 const identity::Authenticator& authn, std::function<void()> notify_outbox)
    : app_(app),
      profiles_(profiles),
      users_(users),
      authn_(authn),
      notify_outbox_(std::move(notify_outbox)) {}

void UserApi::Register() {
  auto& r = app_.router();
  auto customer = authn_.RequireRole(identity::kCustomer);
  auto provider = authn_.RequireRole(identity::kProvider);
  auto admin = authn_.RequireRole(identity::kAdmin);
  // clang-format off
  r.Add(Verb::get,     "/api/v1/customer/profile",            {customer}, [this](Context& c) { return GetProfile(c, kCustomerKind); });
  r.Add(Verb::put,     "/api/v1/customer/profile",            {customer}, [this](Context& c) { return UpdateProfile(c, kCustomerKind); });
  r.Add(Verb::post,    "/api/v1/customer/profile",            {customer}, [this](Context& c) { return CreateProfile(c, kCustomerKind); });
  r.Add(Verb::get,     "/api/v1/provider/profile",            {provider}, [this](Context& c) { return GetProfile(c, kProviderKind); });
  r.Add(Verb::put,     "/api/v1/provider/profile",            {provider}, [this](Context& c) { return UpdateProfile(c, kProviderKind); });
  r.Add(Verb::post,    "/api/v1/provider/profile",            {provider}, [this](Context& c) { return CreateProfile(c, kProviderKind); });
  r.Add(Verb::get,     "/api/v1/providers/search",                        [this](Context& c) { return SearchProviders(c); });
  r.Add(Verb::get,     "/api/v1/admin/users",                 {admin},    [this](Context& c) { return ListUsers(c); });
  r.Add(Verb::get,     "/api/v1/admin/users/{user_id:int}",   {admin},    [this](Context& c) { return GetUser(c); });
  r.Add(Verb::put,     "/api/v1/admin/users/{user_id:int}",   {admin},    [this](Context& c) { return UpdateUser(c); });
  r.Add(Verb::delete_, "/api/v1/admin/users/{user_id:int}",   {admin},    [this](Context& c) { return DeleteUser(c); });
  // clang-format on
}

// ---- own profile -----------------------------------------------------------------------------------------

template <class Kind>
asio::awaitable<http::Response> UserApi::GetProfile(Context& context, const Kind& kind) {
  const auto user_id = context.User().user_id;
  auto profile = co_await app_.blocking().Run([&] { return (profiles_.*kind.find)(user_id); });
  if (!profile) throw ProfileNotFound(kind.type);
  co_return http::Ok(kind.json(*profile));
}

template <class Kind>
asio::awaitable<http::Response> UserApi::CreateProfile(Context& context, const Kind& kind) {
  const auto user_id = context.User().user_id;
  const auto changes = kind.parse_create(context.Body());
  const auto profile = domain::NewProfile(user_id, changes, time::Now());
  std::vector<bus::Event> events{kind.created(profile, "api")};
  auto result = co_await app_.blocking().Run([&] { return (profiles_.*kind.create)(profile, events); });
  if (result == store::CreateResult::kExists) throw ProfileExists(kind.type);
  if (result == store::CreateResult::kUserDeleted) throw UserNotFound();
  notify_outbox_();
  log::Info("profile created", {{"request_id", context.request_id},
                                {"user_id", user_id},
                                {"profile_type", domain::ProfileTypeName(kind.type)}});
  co_return http::Ok(kind.json(profile), Title(kind.type) + " profile created");
}

template <class Kind>
asio::awaitable<http::Response> UserApi::UpdateProfile(Context& context, const Kind& kind) {
  const auto user_id = context.User().user_id;
  const auto changes = kind.parse_update(context.Body());
  const auto now = time::Now();
  auto event = events::ProfileUpdated(user_id, changes, now, "api");
  auto updated =
      co_await app_.blocking().Run([&] { return (profiles_.*kind.update)(user_id, changes, now, event); });
  if (!updated) throw ProfileNotFound(kind.type);
  notify_outbox_();
  co_return http::Ok(kind.json(*updated), Title(kind.type) + " profile updated");
}

// ---- public search ---------------------------------------------------------------------------------------

asio::awaitable<http::Response> UserApi::SearchProviders(Context& context) {
  auto page = http::ReadPage(context);
  domain::SearchQuery query;
  query.skills = context.QueryAll("skills");
  query.min_rating = context.Query("min_rating");
  query.max_hourly_rate = context.Query("max_hourly_rate");
  query.location = context.Query("location");
  std::vector<FieldProblem> problems;
  auto search = domain::ParseSearch(query, problems);
  if (!problems.empty()) throw ApiError::Validation(std::move(problems));
  search.limit = page.limit;
  search.offset = page.offset;
  auto result = co_await app_.blocking().Run([&] { return profiles_.SearchProviders(search); });
  co_return http::OkList(result.items, result.total, events::ProviderJson);
}

// ---- admin: users ----------------------------------------------------------------------------------------

asio::awaitable<Json> UserApi::ProfileForRole(std::int64_t user_id, std::int64_t role_id) {
  auto type = domain::ProfileTypeForRole(role_id);
  if (!type) co_return Json(nullptr);
  if (*type == kCustomer) {
    auto profile = co_await app_.blocking().Run([&] { return profiles_.FindCustomer(user_id); });
    co_return events::CustomerJson(profile ? *profile : domain::DefaultCustomer(user_id));
  }
  auto profile = co_await app_.blocking().Run([&] { return profiles_.FindProvider(user_id); });
  co_return events::ProviderJson(profile ? *profile : domain::DefaultProvider(user_id));
}

template <class Kind>
asio::awaitable<void> UserApi::ApplyAdminChanges(std::int64_t user_id, const Kind& kind,
                                                 const typename Kind::Changes& changes) {
  const auto now = time::Now();
  // Update the profile; if there is none, make it from the defaults and the changes. A profile created in
  // between (the user.registered consumer) is updated on the second round.
  for (int round = 0; round < 2; ++round) {
    auto event = events::ProfileUpdated(user_id, changes, now, "admin");
    const bool updated = co_await app_.blocking().Run(
        [&] { return (profiles_.*kind.update)(user_id, changes, now, event).has_value(); });
    store::CreateResult created = store::CreateResult::kExists;
    if (!updated) {
      auto profile = domain::NewProfile(user_id, changes, now);
      std::vector<bus::Event> events{kind.created(profile, "admin")};
      created = co_await app_.blocking().Run([&] { return (profiles_.*kind.create)(profile, events); });
    }
    if (updated || created == store::CreateResult::kCreated) {
      notify_outbox_();
      co_return;
    }
    if (created == store::CreateResult::kUserDeleted) throw UserNotFound();
  }
  throw ProfileChanged();
}

asio::awaitable<http::Response> UserApi::ListUsers(Context& context) {
  auto page = http::ReadPage(context);
  const auto role_filter = identity::RoleFilter(context);
  auto result = co_await users_.List(role_filter, page.limit, page.offset, CallerOf(context));
  std::vector<std::int64_t> ids;
  for (const auto& item : result.items) {
    if (item.is_object() && item.value("user_id", Json()).is_number_integer()) {
      ids.push_back(item["user_id"].get<std::int64_t>());
    }
  }
  auto owners = co_await app_.blocking().Run([&] { return profiles_.Owners(ids); });
  for (auto& item : result.items) {
    if (!item.is_object()) continue;
    auto id = item.value("user_id", std::int64_t{0});
    auto type = domain::ProfileTypeForRole(item.value("role_id", std::int64_t{0}));
    item["has_profile"] = type == kCustomer   ? owners.customers.contains(id)
                          : type == kProvider ? owners.providers.contains(id)
                                              : false;
  }
  co_return http::OkList(result.items, result.total);
}

asio::awaitable<http::Response> UserApi::GetUser(Context& context) {
  const auto user_id = context.IntParam("user_id");
  auto user = co_await users_.Get(user_id, CallerOf(context));
  auto profile = co_await ProfileForRole(user_id, user.at("role_id").get<std::int64_t>());
  user.erase("has_profile");
  user["profile"] = std::move(profile);
  co_return http::Ok(user);
}

asio::awaitable<http::Response> UserApi::UpdateUser(Context& context) {
  const auto user_id = context.IntParam("user_id");
  // Everything is checked before anything is written: the body here, the role against the profile fields,
  // then auth's own checks; auth writes first, the profile only after auth succeeded.
  auto update = ParseAdminUpdate(context.Body());
  const auto caller = CallerOf(context);
  Json user;
  if (update.has_profile_fields()) {
    std::int64_t role_id = 0;
    if (update.account.role_id) {
      role_id = *update.account.role_id;
    } else {
      user = co_await users_.Get(user_id, caller);
      role_id = user.at("role_id").get<std::int64_t>();
    }
    auto problems = domain::ProfileFieldProblems(update, role_id);
    if (!problems.empty()) throw ApiError::Validation(std::move(problems));
  }
  if (update.has_auth_fields()) user = co_await users_.Update(user_id, update.account, caller);
  const auto role_id = user.at("role_id").get<std::int64_t>();
  if (update.has_profile_fields()) {
    auto type = domain::ProfileToChange(update, role_id);
    if (!type) throw ToApiError(type.refusal());
    if (*type == kCustomer) {
      co_await ApplyAdminChanges(user_id, kCustomerKind, update.customer);
    } else {
      co_await ApplyAdminChanges(user_id, kProviderKind, update.provider);
    }
  }
  auto profile = co_await ProfileForRole(user_id, role_id);
  user.erase("has_profile");
  user["profile"] = std::move(profile);
  log::Info("user updated by admin", {{"request_id", context.request_id},
                                      {"admin_id", context.User().user_id},
                                      {"user_id", user_id},
                                      {"auth_fields", update.has_auth_fields()},
                                      {"profile_fields", update.has_profile_fields()}});
  co_return http::Ok(user, "User updated");
}

asio::awaitable<http::Response> UserApi::DeleteUser(Context& context) {
  const auto user_id = context.IntParam("user_id");
  // Auth first (it emits user.deleted); a 404 or 409 there changes nothing here.
  co_await users_.Delete(user_id, CallerOf(context));
  // The user.deleted consumer removes the profiles too, so a failure here (or a crash) is completed there.
  std::int64_t removed = 0;
  try {
    removed = co_await app_.blocking().Run([&] { return profiles_.DeleteUser(user_id, time::Now()); });
    notify_outbox_();
  } catch (const std::exception& ex) {
    log::Warn("profiles not removed now; the user.deleted consumer will",
              {{"request_id", context.request_id}, {"user_id", user_id}, {"error", ex.what()}});
  }
  log::Info("user deleted by admin", {{"request_id", context.request_id},
                                      {"admin_id", context.User().user_id},
                                      {"user_id", user_id},
                                      {"profiles_removed", removed}});
  co_return http::Ok({{"user_id", user_id}, {"message", "User deleted successfully"}}, "User deleted");
}

}  // namespace mp::user::api
