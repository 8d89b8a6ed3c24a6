// mp-user: customer and provider profiles, admin user management and provider search.
//   mp-user [serve]         run the HTTP service, the event consumer and the outbox relay
//   mp-user ensure-indexes  create the MongoDB indexes and exit
#include "services/user/src/service.hpp"

int main(int argc, char** argv) { return mp::service::Main(mp::user::Service(), argc, argv); }
