// mp-auth: accounts, passwords and tokens.
//   mp-auth [serve]                 run the HTTP service (applies migrations first)
//   mp-auth migrate                 apply database migrations and exit
//   mp-auth create-admin --username U --email E --password P
#include <cstdlib>
#include <iostream>


#include "libs/bus/options.hpp"
#include "libs/bus/outbox.hpp"
#include "libs/bus/topology.hpp"
#include "libs/cache/redis.hpp"
#include "libs/core/cli.hpp"
#include "libs/core/config.hpp"
#include "libs/core/log.hpp"
#include "libs/http/app.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/local_secret.hpp"
#include "libs/security/password.hpp"
#include "libs/service/wiring.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"
#include "services/auth/src/api/auth_api.hpp"
#include "services/auth/src/api/refusals.hpp"
#include "services/auth/src/store/migrations.hpp"
#include "services/auth/src/store/user_store.hpp"

namespace {

using namespace mp;

struct Settings {
  http::AppOptions app;
  sql::Options db;
  cache::RedisOptions redis;
  bus::AmqpOptions amqp;
  std::string jwt_secret;
  std::chrono::seconds restore_interval{30};
  struct {
    std::string username, email, password;
  } bootstrap_admin;
};

Settings ReadSettings() {
  config::Env env;
  Settings s;
  s.app = http::AppOptions::FromEnv(env, "auth", 8000);
  s.db = sql::FromEnv(env, "auth_db");
  s.redis = cache::FromEnv(env);
  s.amqp = bus::FromEnv(env);
  s.jwt_secret = env.Secret("MP_JWT_SECRET", security::kLocalJwtSecret);
  s.restore_interval = std::chrono::seconds(env.Int("MP_REVOCATION_RESTORE_INTERVAL_S", 30, 1, 3600));
  s.bootstrap_admin.username = env.String("MP_BOOTSTRAP_ADMIN_USERNAME", "");
  s.bootstrap_admin.email = env.String("MP_BOOTSTRAP_ADMIN_EMAIL", "");
  s.bootstrap_admin.password = env.String("MP_BOOTSTRAP_ADMIN_PASSWORD", "");
  env.Validate();
  return s;
}

// Creates an admin account with its user.registered event; returns 0, or 3 when it already exists.
int CreateAdmin(sql::Pool& pool, const std::string& username, const std::string& email,
                const std::string& password) {
  auth::domain::RegistrationFields fields{username, email, password, auth::domain::kAdminRole};
  try {
    std::vector<FieldProblem> problems;
    auto account = auth::domain::CheckRegistration(fields, auth::domain::Registration::kAdmin, problems);
    if (!problems.empty()) throw ApiError::Validation(std::move(problems));
    auth::store::UserStore users(pool);
    auto user =
        users.Create(account, security::HashPassword(account.password), [](const auth::domain::User& u) {
          return bus::MakeEvent(
              "auth_events", "user.registered",
              {{"user_id", u.id}, {"username", u.username}, {"email", u.email}, {"role_id", u.role_id}});
        });
    std::cout << "admin created: id=" << user.id << " username=" << user.username << " email=" << user.email
              << "\n";
    return 0;
  } catch (const auth::store::DuplicateAccount& duplicate) {
    std::cerr << "admin not created: " << auth::api::ToApiError(duplicate).error() << "\n";
    return 3;
  } catch (const ApiError& error) {
    std::cerr << "admin not created: " << error.error();
    for (const auto& d : error.details()) std::cerr << "\n  " << d.field << ": " << d.problem;
    std::cerr << "\n";
    return 2;
  }
}

int Serve(Settings settings) {
  sql::Pool pool(settings.db);
  sql::Migrate(pool, auth::store::Migrations());
  if (!settings.bootstrap_admin.email.empty()) {
    auth::store::UserStore users(pool);
    if (!users.FindByEmail(settings.bootstrap_admin.email)) {
      CreateAdmin(pool, settings.bootstrap_admin.username, settings.bootstrap_admin.email,
                  settings.bootstrap_admin.password);
    }
  }
  try {
    bus::DeclareTopology(settings.amqp);
  } catch (const std::exception& ex) {
    // The relay keeps events in the outbox until the broker is back; the topology is declared again then.
    log::Warn("rabbitmq not reachable at start; events wait in the outbox", {{"error", ex.what()}});
  }

  http::App app(settings.app);
  cache::Redis redis(app.io(), settings.redis);
  security::JwtCodec jwt(settings.jwt_secret);
  identity::Authenticator authn(jwt, &redis);
  bus::OutboxRelay relay(pool, settings.amqp);
  auth::store::UserStore users(pool);
  auth::api::AuthApi api(app, users, jwt, authn, redis, relay, {});
  api.Register();

  app.AddErrorTranslator(sql::ToApiError);
  app.metrics().AddGauge("db_pool_in_use", "MariaDB connections in use.",
                         [&] { return double(pool.in_use()); });
  app.metrics().AddGauge("db_pool_size", "MariaDB connections open.", [&] { return double(pool.size()); });
  service::AddRedisGauge(app.metrics(), redis);
  service::AddOutboxGauges(app.metrics(), relay);
  app.SetReadiness([&]() -> boost::asio::awaitable<std::vector<http::ReadyCheck>> {
    bool db = co_await app.blocking().Run([&] { return pool.Ping(); });
    http::ReadyCheck cache = co_await service::RedisCheck(redis);
    co_return std::vector<http::ReadyCheck>{
        {"mysql", db, db ? "ok" : "unreachable", true}, std::move(cache), service::OutboxCheck(relay)};
  });
  // Logged-out tokens are remembered only until they would have expired anyway.
  service::RunEvery(app, "purge of expired revocations", std::chrono::hours(1),
                    [&]() -> boost::asio::awaitable<void> {
                      co_await app.blocking().Run([&] { users.PurgeExpiredRevocations(); });
                    });
  // Redis holds the revocation markers the gateways and services check; MySQL holds their durable copy.
  // Markers Redis lost (a restart without persistence, an outage while they were published) are written
  // again within restore_interval.
  service::RunEvery(app, "check of the revocation markers in redis", settings.restore_interval,
                    [&]() -> boost::asio::awaitable<void> {
                      std::size_t written = co_await api.RestoreRevocations();
                      if (written > 0) {
                        log::Warn("revocation markers redis lacked were written again", {{"markers", written}});
                      }
                    });
  app.OnShutdown([&] { relay.Stop(); });
  relay.Start();
  return app.Run();
}

}  // namespace

int main(int argc, char** argv) {
  std::string username, email, password;
  auto cli = cli::Parse("mp-auth: accounts, passwords and tokens of Service Marketplace",
                        {{"serve", "Run the HTTP service (default)"},
                         {"migrate", "Apply database migrations and exit"},
                         {"create-admin", "Create an admin account",
                          {{"--username", "Admin username", &username},
                           {"--email", "Admin e-mail", &email},
                           {"--password", "Admin password (at least 8 characters)", &password}}}},
                        argc, argv);
  if (cli.exit_code) return *cli.exit_code;

  try {
    Settings settings = ReadSettings();
    if (cli.command == "migrate") {
      sql::Pool pool(settings.db);
      sql::Migrate(pool, auth::store::Migrations());
      std::cout << "migrations applied\n";
      return 0;
    }
    if (cli.command == "create-admin") {
      sql::Pool pool(settings.db);
      sql::Migrate(pool, auth::store::Migrations());
      return CreateAdmin(pool, username, email, password);
    }
    return Serve(std::move(settings));
  } catch (const config::ConfigError& error) {
    std::cerr << "mp-auth: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    log::Error("fatal", {{"error", error.what()}});
    return 1;
  }
}
