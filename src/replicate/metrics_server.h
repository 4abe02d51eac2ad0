#pragma once
/// Prometheus metrics of a running `sluice replicate` (`replicate.metrics_listen`): GET /metrics
/// on HOST:PORT answers the text exposition format 0.0.4 of the roles this process runs, read
/// from their StatusBoards at each scrape, plus the transaction log's size. Served by
/// cpp-httplib on its own threads (one listener, one worker), stopped and joined on destruction.
/// Metric names and labels: docs/replication.md#metrics.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/replicate_config.h"
#include "core/result.h"
#include "replicate/status.h"

namespace httplib {
class Server;
}

namespace sluice::replicate {

/// The exposition text of `roles` (one PipelineStatus per role) of pipeline `pipeline`, whose
/// log holds `log_bytes` in `log_segments` segments.
std::string metrics_text(const std::string& pipeline, const std::vector<PipelineStatus>& roles,
                         uint64_t log_bytes, size_t log_segments);

class MetricsServer {
 public:
  /// Listens on `address` for `boards` (not owned; they outlive the server). kIo with one line
  /// when the address cannot be bound (a port in use names the address).
  static core::Result<std::unique_ptr<MetricsServer>> start(const config::ListenAddress& address,
                                                            std::string pipeline, std::string journal_dir,
                                                            std::vector<const StatusBoard*> boards);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

 private:
  MetricsServer() = default;
  std::string scrape() const;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string pipeline_, journal_dir_;
  std::vector<const StatusBoard*> boards_;
};

}  // namespace sluice::replicate
