// mp-gateway: the public /api/v1 edge of Service Marketplace.
//   mp-gateway [serve]   run it
//   mp-gateway routes    print the public route table (method, path, service, access)
#include "libs/service/main.hpp"
#include "services/gateway/src/docs_site.hpp"
#include "services/gateway/src/gateway.hpp"

int main(int argc, char** argv) {
  using namespace mp;
  service::Spec spec{.name = "gateway",
                     .port = 8080,
                     .about = "mp-gateway: the public /api/v1 edge of Service Marketplace",
                     .events = false,
                     .commands = {{{"routes", "Print the public route table"}, gateway::PrintRoutes}}};
  return service::Main(spec, nullptr, argc, argv, [](service::Context& ctx) {
    auto& env = ctx.env();
    auto& edge = ctx.Make<gateway::Gateway>(ctx.app(), gateway::GatewayOptions::FromEnv(env), ctx.authn(),
                                            ctx.redis());
    auto& docs = ctx.Make<gateway::DocsSite>(
        env.String("MP_OPENAPI_FILE", "docs/openapi.yaml"),
        env.String("MP_SWAGGER_DIR", "tools/swagger/node_modules/swagger-ui-dist"));
    auto& web = ctx.Make<gateway::WebApp>(env.String("MP_WEB_DIR", "web/dist"));
    if (web.loaded()) edge.ServeWebApp(web);
    edge.Register();
    edge.StartBackground();
    docs.Register(ctx.app().router());
    ctx.SetReadiness([&edge] { return edge.Readiness(); });
  });
}
