// mp-order: service orders and their lifecycle.
//   mp-order [serve]    run the HTTP service and the event consumer (applies migrations first)
//   mp-order migrate    apply database migrations and exit
#include "services/order/src/service.hpp"

int main(int argc, char** argv) { return mp::service::Main(mp::order::Service(), argc, argv); }
