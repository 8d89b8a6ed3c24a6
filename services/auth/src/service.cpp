#include "services/auth/src/service.hpp"

#include <memory>
#include <string>

#include "libs/service/mysql_store.hpp"
#include "services/auth/src/api/admin_accounts.hpp"
#include "services/auth/src/api/auth_api.hpp"
#include "services/auth/src/store/migrations.hpp"
#include "services/auth/src/store/user_store.hpp"

namespace mp::auth {

service::Definition Service() {
  auto db = std::make_unique<service::MySql>("auth_db", store::Migrations());
  struct Admin {
    std::string username, email, password;
  };
  auto admin = std::make_shared<Admin>();  // create-admin's options, filled by the command line
  cli::Command create_admin{"create-admin",
                            "Create an admin account",
                            {{"--username", "Admin username", &admin->username},
                             {"--email", "Admin e-mail", &admin->email},
                             {"--password", "Admin password (at least 8 characters)", &admin->password}}};
  auto wire = [db = db.get()](service::Context& ctx) {
    api::CreateBootstrapAdmin(db->pool(), ctx.env());
    auto& users = ctx.Make<store::UserStore>(db->pool());
    auto& routes = ctx.Make<api::AuthApi>(ctx.app(), users, ctx.signer(), ctx.verifier(), ctx.authn(),
                                          ctx.redis(), ctx.relay(), api::Limits{});
    routes.Register();
    api::StartRevocationUpkeep(ctx.app(), routes, users, ctx.env());
  };
  service::Spec spec{.name = "auth",
                     .port = 8000,
                     .about = "mp-auth: accounts, passwords and tokens of Service Marketplace",
                     .signs_tokens = true,
                     .commands = {{create_admin, [db = db.get(), admin] {
                                     return api::CreateAdmin(db->pool(), admin->username, admin->email,
                                                             admin->password);
                                   }}}};
  return {std::move(spec), std::move(db), wire};
}

}  // namespace mp::auth
