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
  r.Add(Verb::get,     "/api/v1/customer/profile",            {customer}, [this](Context& c) { return GetProfile(c, kCustomer); });
  r.Add(Verb::put,     "/api/v1/customer/profile",            {customer}, [this](Context& c) { return UpdateProfile(c, kCustomer); });
  r.Add(Verb::post,    "/api/v1/customer/profile",            {customer}, [this](Context& c) { return CreateProfile(c, kCustomer); });
  r.Add(Verb::get,     "/api/v1/provider/profile",            {provider}, [this](Context& c) { return GetProfile(c, kProvider); });
  r.Add(Verb::put,     "/api/v1/provider/profile",            {provider}, [this](Context& c) { return UpdateProfile(c, kProvider); });
  r.Add(Verb::post,    "/api/v1/provider/profile",            {provider}, [this](Context& c) { return CreateProfile(c, kProvider); });
  r.Add(Verb::get,     "/api/v1/providers/search",                        [this](Context& c) { return SearchProviders(c); });
  r.Add(Verb::get,     "/api/v1/admin/users",                 {admin},    [this](Context& c) { return ListUsers(c); });
  r.Add(Verb::get,     "/api/v1/admin/users/{user_id:int}",   {admin},    [this](Context& c) { return GetUser(c); });
  r.Add(Verb::put,     "/api/v1/admin/users/{user_id:int}",   {admin},    [this](Context& c) { return UpdateUser(c); });
  r.Add(Verb::delete_, "/api/v1/admin/users/{user_id:int}",   {admin},    [this](Context& c) { return DeleteUser(c); });
  // clang-format on
}

// ---- own profile -----------------------------------------------------------------------------------------

asio::awaitable<http::Response> UserApi::GetProfile(Context& context, ProfileType type) {
  const auto user_id = context.User().user_id;
  Json data;
  if (type == kCustomer) {
    auto profile = co_await app_.blocking().Run([&] { return profiles_.FindCustomer(user_id); });
    if (!profile) throw ProfileNotFound(type);
    data = events::CustomerJson(*profile);
  } else {
    auto profile = co_await app_.blocking().Run([&] { return profiles_.FindProvider(user_id); });
    if (!profile) throw ProfileNotFound(type);
    data = events::ProviderJson(*profile);
  }
  co_return http::Ok(data);
}

asio::awaitable<http::Response> UserApi::CreateProfile(Context& context, ProfileType type) {
  const auto user_id = context.User().user_id;
  const Json& body = context.Body();
  const auto now = time::Now();
  store::CreateResult result = store::CreateResult::kExists;
  Json data;
  if (type == kCustomer) {
    auto profile = domain::NewProfile(user_id, ParseCustomerCreate(body), now);
    std::vector<bus::Event> events{events::CustomerCreated(profile, "api")};
    result = co_await app_.blocking().Run([&] { return profiles_.CreateCustomer(profile, events); });
    data = events::CustomerJson(profile);
  } else {
    auto profile = domain::NewProfile(user_id, ParseProviderCreate(body), now);
    std::vector<bus::Event> events{events::ProviderCreated(profile, "api")};
    result = co_await app_.blocking().Run([&] { return profiles_.CreateProvider(profile, events); });
    data = events::ProviderJson(profile);
  }
  if (result == store::CreateResult::kExists) throw ProfileExists(type);
  if (result == store::CreateResult::kUserDeleted) throw UserNotFound();
  notify_outbox_();
  log::Info("profile created", {{"request_id", context.request_id},
                                {"user_id", user_id},
                                {"profile_type", domain::ProfileTypeName(type)}});
  co_return http::Ok(data, Title(type) + " profile created");
}

asio::awaitable<http::Response> UserApi::UpdateProfile(Context& context, ProfileType type) {
  const auto user_id = context.User().user_id;
  const Json& body = context.Body();
  const auto now = time::Now();
  Json data;
  if (type == kCustomer) {
    auto changes = ParseCustomerUpdate(body);
    auto event = events::ProfileUpdated(user_id, changes, now, "api");
    auto updated =
        co_await app_.blocking().Run([&] { return profiles_.UpdateCustomer(user_id, changes, now, event); });
    if (!updated) throw ProfileNotFound(type);
    data = events::CustomerJson(*updated);
  } else {
    auto changes = ParseProviderUpdate(body);
    auto event = events::ProfileUpdated(user_id, changes, now, "api");
    auto updated =
        co_await app_.blocking().Run([&] { return profiles_.UpdateProvider(user_id, changes, now, event); });
    if (!updated) throw ProfileNotFound(type);
    data = events::ProviderJson(*updated);
  }
  notify_outbox_();
  co_return http::Ok(data, Title(type) + " profile updated");
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
  Json items = Json::array();
  for (const auto& profile : result.items) items.push_back(events::ProviderJson(profile));
  auto response = http::Ok(items);
  response.set("X-Total-Count", std::to_string(result.total));
  co_return response;
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

asio::awaitable<void> UserApi::ApplyAdminChanges(std::int64_t user_id, ProfileType type,
                                                 const domain::CustomerChanges& customer,
                                                 const domain::ProviderChanges& provider) {
  const auto now = time::Now();
  // Update the profile; if there is none, make it from the defaults and the changes. A profile created in
  // between (the user.registered consumer) is updated on the second round.
  for (int round = 0; round < 2; ++round) {
    bool updated = false;
    store::CreateResult created = store::CreateResult::kExists;
    if (type == kCustomer) {
      auto event = events::ProfileUpdated(user_id, customer, now, "admin");
      updated = co_await app_.blocking().Run(
          [&] { return profiles_.UpdateCustomer(user_id, customer, now, event).has_value(); });
      if (!updated) {
        auto profile = domain::NewProfile(user_id, customer, now);
        std::vector<bus::Event> events{events::CustomerCreated(profile, "admin")};
        created = co_await app_.blocking().Run([&] { return profiles_.CreateCustomer(profile, events); });
      }
    } else {
      auto event = events::ProfileUpdated(user_id, provider, now, "admin");
      updated = co_await app_.blocking().Run(
          [&] { return profiles_.UpdateProvider(user_id, provider, now, event).has_value(); });
      if (!updated) {
        auto profile = domain::NewProfile(user_id, provider, now);
        std::vector<bus::Event> events{events::ProviderCreated(profile, "admin")};
        created = co_await app_.blocking().Run([&] { return profiles_.CreateProvider(profile, events); });
      }
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
  auto role = http::ReadIntQuery(context, "role_id", 0, 3);
  std::optional<int> role_filter;
  if (role && *role != 0)
    role_filter = static_cast<int>(*role);  // role_id=0 means no filter, as the reference
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
  auto response = http::Ok(result.items);
  response.set("X-Total-Count", std::to_string(result.total));
  co_return response;
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
    co_await ApplyAdminChanges(user_id, *type, update.customer, update.provider);
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
