// mp-auth: accounts, passwords and tokens.
//   mp-auth [serve]        run the HTTP service and the outbox relay (applies migrations first)
//   mp-auth migrate        apply database migrations and exit
//   mp-auth create-admin --username U --email E --password P
#include "services/auth/src/service.hpp"

int main(int argc, char** argv) { return mp::service::Main(mp::auth::Service(), argc, argv); }
