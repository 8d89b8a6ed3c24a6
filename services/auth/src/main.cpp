// mp-auth: accounts, passwords and tokens.
//   mp-auth [serve]        run the HTTP service and the outbox relay (applies migrations first)
//   mp-auth migrate        apply database migrations and exit
//   mp-auth create-admin --username U --email E --password P
#include <string>

#include "libs/service/main.hpp"
#include "libs/service/mysql_store.hpp"
#include "services/auth/src/api/admin_accounts.hpp"
#include "services/auth/src/api/auth_api.hpp"
#include "services/auth/src/store/migrations.hpp"
#include "services/auth/src/store/user_store.hpp"

int main(int argc, char** argv) {
  using namespace mp;
  service::MySql db("auth_db", auth::store::Migrations());
  std::string username, email, password;
  cli::Command create_admin{"create-admin",
                            "Create an admin account",
                            {{"--username", "Admin username", &username},
                             {"--email", "Admin e-mail", &email},
                             {"--password", "Admin password (at least 8 characters)", &password}}};
  service::Spec spec{.name = "auth",
                     .port = 8000,
                     .about = "mp-auth: accounts, passwords and tokens of Service Marketplace",
                     .signs_tokens = true,
                     .commands = {{create_admin, [&] {
                                     return auth::api::CreateAdmin(db.pool(), username, email, password);
                                   }}}};
  return service::Main(spec, &db, argc, argv, [&db](service::Context& ctx) {
    auth::api::CreateBootstrapAdmin(db.pool(), ctx.env());
    auto& users = ctx.Make<auth::store::UserStore>(db.pool());
    auto& api = ctx.Make<auth::api::AuthApi>(ctx.app(), users, ctx.signer(), ctx.verifier(), ctx.authn(),
                                             ctx.redis(), ctx.relay(), auth::api::Limits{});
    api.Register();
    auth::api::StartRevocationUpkeep(ctx.app(), api, users, ctx.env());
  });
}
