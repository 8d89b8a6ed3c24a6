// mp-notification: customers' and providers' inboxes, filled from the marketplace's events and by admins.
//   mp-notification [serve]         run the HTTP service and the event consumer
//   mp-notification ensure-indexes  create the MongoDB indexes and exit
#include "services/notification/src/service.hpp"

int main(int argc, char** argv) { return mp::service::Main(mp::notification::Service(), argc, argv); }
