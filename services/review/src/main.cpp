// mp-review: reviews of finished orders and the providers' ratings.
//   mp-review [serve]         run the HTTP service, the outbox relay and the ratings consumer
//   mp-review ensure-indexes  create the MongoDB indexes and exit
#include "services/review/src/service.hpp"

int main(int argc, char** argv) { return mp::service::Main(mp::review::Service(), argc, argv); }
