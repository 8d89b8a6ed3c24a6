// mp-payment: simulated payments of completed orders, refunds and the ledger.
//   mp-payment [serve]    run the HTTP service and the outbox relay (applies migrations first)
//   mp-payment migrate    apply database migrations and exit
#include "services/payment/src/service.hpp"

int main(int argc, char** argv) { return mp::service::Main(mp::payment::Service(), argc, argv); }
