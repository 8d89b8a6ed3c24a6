#include "services/auth/src/api/admin_accounts.hpp"

#include <iostream>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/core/error.hpp"
#include "libs/core/log.hpp"
#include "libs/security/password.hpp"
#include "libs/service/wiring.hpp"
#include "services/auth/src/api/refusals.hpp"
#include "services/auth/src/domain/account.hpp"

namespace mp::auth::api {

int CreateAdmin(sql::Pool& pool, const std::string& username, const std::string& email,
                const std::string& password) {
  domain::RegistrationFields fields{username, email, password, domain::kAdminRole};
  try {
    std::vector<FieldProblem> problems;
    auto account = domain::CheckRegistration(fields, domain::Registration::kAdmin, problems);
    if (!problems.empty()) throw ApiError::Validation(std::move(problems));
    store::UserStore users(pool);
    auto user = users.Create(account, security::HashPassword(account.password), [](const domain::User& u) {
      return bus::MakeEvent(
          "auth_events", "user.registered",
          {{"user_id", u.id}, {"username", u.username}, {"email", u.email}, {"role_id", u.role_id}});
    });
    std::cout << "admin created: id=" << user.id << " username=" << user.username << " email=" << user.email
              << "\n";
    return 0;
  } catch (const store::DuplicateAccount& duplicate) {
    std::cerr << "admin not created: " << ToApiError(duplicate).error() << "\n";
    return 3;
  } catch (const ApiError& error) {
    std::cerr << "admin not created: " << error.error();
    for (const auto& d : error.details()) std::cerr << "\n  " << d.field << ": " << d.problem;
    std::cerr << "\n";
    return 2;
  }
}

void CreateBootstrapAdmin(sql::Pool& pool, config::Env& env) {
  std::string username = env.String("MP_BOOTSTRAP_ADMIN_USERNAME", "");
  std::string email = env.String("MP_BOOTSTRAP_ADMIN_EMAIL", "");
  std::string password = env.String("MP_BOOTSTRAP_ADMIN_PASSWORD", "");
  if (email.empty() || store::UserStore(pool).FindByEmail(email)) return;
  CreateAdmin(pool, username, email, password);
}

void StartRevocationUpkeep(http::App& app, AuthApi& api, store::UserStore& users, config::Env& env) {
  auto restore_interval = std::chrono::seconds(env.Int("MP_REVOCATION_RESTORE_INTERVAL_S", 30, 1, 3600));
  // Logged-out tokens are remembered only until they would have expired anyway.
  service::RunEvery(app, "purge of expired revocations", std::chrono::hours(1),
                    [&app, &users]() -> boost::asio::awaitable<void> {
                      co_await app.blocking().Run([&] { users.PurgeExpiredRevocations(); });
                    });
  // Redis holds the revocation markers the gateways and services check; MySQL holds their durable copy.
  service::RunEvery(
      app, "check of the revocation markers in redis", restore_interval,
      [&api]() -> boost::asio::awaitable<void> {
        std::size_t written = co_await api.RestoreRevocations();
        if (written > 0) {
          log::Warn("revocation markers redis lacked were written again", {{"markers", written}});
        }
      });
}

}  // namespace mp::auth::api
