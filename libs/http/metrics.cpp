#include "libs/http/metrics.hpp"

#include <mutex>

#include <fmt/format.h>

namespace mp::http {
namespace {

template <class Map, class Make>
auto& FindOrInsert(std::shared_mutex& mutex, Map& map, const std::string& key, Make make) {
  {
    std::shared_lock lock(mutex);
    auto it = map.find(key);
    if (it != map.end()) return *it->second;
  }
  std::unique_lock lock(mutex);
  auto [it, inserted] = map.try_emplace(key, nullptr);
  if (inserted) it->second = make();
  return *it->second;
}

std::string BaseName(const std::string& name_with_labels) {
  return name_with_labels.substr(0, name_with_labels.find('{'));
}

}  // namespace

void Metrics::ObserveRequest(std::string_view method, std::string_view route, unsigned status,
                             std::chrono::nanoseconds took) {
  thread_local std::string key;
  key.assign(method);
  key.push_back(' ');
  key.append(route.empty() ? std::string_view("unmatched") : route);
  auto& series = FindOrInsert(mutex_, routes_, key, [&] {
    auto created = std::make_unique<RouteSeries>();
    created->labels = fmt::format(R"(method="{}",route="{}")", method, route.empty() ? "unmatched" : route);
    return created;
  });
  double seconds = std::chrono::duration<double>(took).count();
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      series.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  series.count.fetch_add(1, std::memory_order_relaxed);
  series.sum_ns.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
  std::lock_guard lock(series.status_mutex);
  ++series.statuses[status];
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::unique_lock lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::atomic<std::uint64_t>& Metrics::Counter(const std::string& name_with_labels, const std::string& help) {
  return FindOrInsert(mutex_, counters_, name_with_labels,
                      [&] {
                        auto counter = std::make_unique<NamedCounter>();
                        counter->help = help;
                        return counter;
                      })
      .value;
}

std::string Metrics::Render() const {
  std::shared_lock lock(mutex_);
  std::string out;
  out += "# HELP http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE http_requests_total counter\n";
  for (const auto& [key, series] : routes_) {
    std::lock_guard status_lock(series->status_mutex);
    for (const auto& [status, count] : series->statuses) {
      out += fmt::format("http_requests_total{{service=\"{}\",{},status=\"{}\"}} {}\n", service_,
                         series->labels, status, count);
    }
  }
  out += "# HELP http_request_duration_seconds Request latency by route and method.\n";
  out += "# TYPE http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : routes_) {
    const std::string& labels = h->labels;
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h->buckets[i].load();
      out += fmt::format("http_request_duration_seconds_bucket{{service=\"{}\",{},le=\"{}\"}} {}\n", service_,
                         labels, kBuckets[i], cumulative);
    }
    out += fmt::format("http_request_duration_seconds_bucket{{service=\"{}\",{},le=\"+Inf\"}} {}\n", service_,
                       labels, h->count.load());
    out += fmt::format("http_request_duration_seconds_sum{{service=\"{}\",{}}} {:.6f}\n", service_, labels,
                       static_cast<double>(h->sum_ns.load()) / 1e9);
    out += fmt::format("http_request_duration_seconds_count{{service=\"{}\",{}}} {}\n", service_, labels,
                       h->count.load());
  }
  std::string last_base;
  for (const auto& [name, counter] : counters_) {
    std::string base = BaseName(name);
    if (base != last_base) {
      out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", base, counter->help, base);
      last_base = base;
    }
    out += fmt::format("{} {}\n", name, counter->value.load());
  }
  last_base.clear();
  for (const auto& gauge : gauges_) {
    std::string base = BaseName(gauge.name);
    // A value read from its owner whose name ends in _total is a running count (Prometheus convention):
    // typed counter, so rate() and the dashboards treat it as one. The series of one family (added one
    // after the other, e.g. outbox_dropped_total{reason=...}) share one HELP and TYPE: a second is an error.
    if (base != last_base) {
      const char* type = base.ends_with("_total") ? "counter" : "gauge";
      out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", base, gauge.help, base, type);
      last_base = base;
    }
    out += fmt::format("{} {}\n", gauge.name, gauge.read());
  }
  return out;
}

}  // namespace mp::http
