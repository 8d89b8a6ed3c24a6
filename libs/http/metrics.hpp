#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

// Prometheus text exposition: request counts by route/method/status, latency histograms by route/method,
// and gauges read through callbacks (pool sizes, outbox backlog, ...).
namespace mp::http {

class Metrics {
 public:
  explicit Metrics(std::string service) : service_(std::move(service)) {}

  void ObserveRequest(std::string_view method, std::string_view route, unsigned status,
                      std::chrono::nanoseconds took);
  // A value read when /metrics is scraped. Names follow Prometheus conventions: one ending in _total is
  // a running count and typed counter (it must never go down), any other a gauge.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // A counter incremented by the owner (e.g. "gateway_upstream_errors_total{upstream=...}").
  std::atomic<std::uint64_t>& Counter(const std::string& name_with_labels, const std::string& help);

  std::string Render() const;

  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

 private:
  // One per (method, route): its latency histogram and a counter per status. Statuses are few, so a
  // small locked map is enough; the hot path takes no exclusive lock once a series exists.
  struct RouteSeries {
    std::string labels;  // method="GET",route="/x"
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
    mutable std::mutex status_mutex;
    std::map<unsigned, std::uint64_t> statuses;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  struct NamedCounter {
    std::string help;
    std::atomic<std::uint64_t> value{0};
  };

  std::string service_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<RouteSeries>, std::less<>> routes_;  // "GET /x" -> series
  std::vector<Gauge> gauges_;
  std::map<std::string, std::unique_ptr<NamedCounter>, std::less<>> counters_;
};

}  // namespace mp::http
