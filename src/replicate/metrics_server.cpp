#include "replicate/metrics_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "replicate/pipeline_view.h"

namespace sluice::replicate {
namespace {

constexpr State kStates[] = {State::kStarting, State::kOnline, State::kCatchingUp, State::kStopped,
                             State::kFailed};

// A label value with \, " and newline escaped (exposition format 0.0.4).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

// One metric family: its HELP and TYPE lines, then the samples added.
class Family {
 public:
  Family(std::string& out, const char* name, const char* type, const char* help) : out_(out), name_(name) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void add(const std::string& labels, double value) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", value);
    out_ += name_ + "{" + labels + "} " + buf + "\n";
  }
  void add(const std::string& labels, uint64_t value) {
    out_ += name_ + "{" + labels + "} " + std::to_string(value) + "\n";
  }

 private:
  std::string& out_;
  std::string name_;
};

bool runs(State s) { return s == State::kStarting || s == State::kOnline || s == State::kCatchingUp; }

}  // namespace

std::string metrics_text(const std::string& pipeline, const std::vector<PipelineStatus>& roles,
                         uint64_t log_bytes, size_t log_segments) {
  std::string out;
  const std::string p = "pipeline=\"" + label(pipeline) + "\"";
  auto labels = [&](const PipelineStatus& s) { return p + ",role=\"" + label(s.role) + "\""; };
  auto each = [&](Family f, const char* only_role, auto value) {
    for (const PipelineStatus& s : roles) {
      if (only_role == nullptr || s.role == only_role) f.add(labels(s), value(s));
    }
  };
  each(Family(out, "sluice_replicate_up", "gauge",
              "1 while the role runs (starting, online, catching up), 0 once it stopped or failed."),
       nullptr, [](const PipelineStatus& s) { return uint64_t{runs(s.state)}; });
  Family state(out, "sluice_replicate_state", "gauge",
               "The role's state: 1 for the current one (starting, online, catching_up, stopped, failed).");
  for (const PipelineStatus& s : roles) {
    for (State st : kStates) {
      state.add(labels(s) + ",state=\"" + state_name(st) + "\"", uint64_t{s.state == st});
    }
  }
  each(Family(out, "sluice_replicate_lsn_written", "gauge",
              "The last log sequence number appended to the log."),
       "extract", [](const PipelineStatus& s) { return s.lsn_written; });
  each(Family(out, "sluice_replicate_lsn_durable", "gauge",
              "The last log sequence number made durable (fsynced)."),
       "extract", [](const PipelineStatus& s) { return s.lsn_durable; });
  each(Family(out, "sluice_replicate_lsn_applied", "gauge",
              "The last log sequence number committed on the target (its position table)."),
       "apply", [](const PipelineStatus& s) { return s.lsn_applied; });
  Family position(out, "sluice_replicate_source_position", "gauge",
                  "The source binlog offset read (extract) or applied (apply), in the binlog file labelled.");
  for (const PipelineStatus& s : roles) {
    const size_t colon = s.source_position.rfind(':');
    if (colon == std::string::npos) continue;
    position.add(labels(s) + ",file=\"" + label(s.source_position.substr(0, colon)) + "\"",
                 static_cast<uint64_t>(std::strtoull(s.source_position.c_str() + colon + 1, nullptr, 10)));
  }
  each(Family(out, "sluice_replicate_transactions_total", "counter",
              "Source transactions logged (extract) or applied (apply) since the process started."),
       nullptr, [](const PipelineStatus& s) { return s.transactions; });
  each(Family(out, "sluice_replicate_rows_total", "counter",
              "Row changes logged (extract) or applied (apply) since the process started."),
       nullptr, [](const PipelineStatus& s) { return s.rows; });
  each(Family(out, "sluice_replicate_rows_per_second", "gauge",
              "Row changes per second over the last interval."),
       nullptr, [](const PipelineStatus& s) { return s.rows_per_second; });
  each(Family(
           out, "sluice_replicate_apply_lag_seconds", "gauge",
           "Seconds behind the source commit of the oldest transaction read and not yet applied (0: none)."),
       "apply", [](const PipelineStatus& s) { return static_cast<double>(s.lag_seconds); });
  Family(out, "sluice_replicate_log_bytes", "gauge",
         "The transaction log's size on disk (its segment files).")
      .add(p, log_bytes);
  Family(out, "sluice_replicate_log_segments", "gauge", "The transaction log's segment files.")
      .add(p, uint64_t{log_segments});
  return out;
}

core::Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const config::ListenAddress& address,
                                                                  std::string pipeline,
                                                                  std::string journal_dir,
                                                                  std::vector<const StatusBoard*> boards) {
  std::unique_ptr<MetricsServer> m(new MetricsServer());
  m->pipeline_ = std::move(pipeline);
  m->journal_dir_ = std::move(journal_dir);
  m->boards_ = std::move(boards);
  m->server_ = std::make_unique<httplib::Server>();
  httplib::Server& svr = *m->server_;
  svr.new_task_queue = [] { return new httplib::ThreadPool(1); };
  // httplib's default also sets SO_REUSEPORT, which would let a second process bind the same
  // port and take half the scrapes: only SO_REUSEADDR (a restart binds at once).
  svr.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  MetricsServer* self = m.get();
  svr.Get("/metrics", [self](const httplib::Request&, httplib::Response& res) {
    res.set_content(self->scrape(), "text/plain; version=0.0.4; charset=utf-8");
  });
  svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("sluice replicate: metrics at /metrics\n", "text/plain; charset=utf-8");
  });
  errno = 0;
  if (!svr.bind_to_port(address.host, address.port)) {
    const int err = errno;
    return core::fail(core::ErrorCode::kIo,
                      "replicate.metrics_listen " + address.str() + ": cannot listen (" +
                          (err != 0 ? std::string(std::strerror(err)) : std::string("bind failed")) +
                          (err == EADDRINUSE ? "; another process has the port: choose another" : "") + ")");
  }
  m->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  return m;
}

MetricsServer::~MetricsServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string MetricsServer::scrape() const {
  std::vector<PipelineStatus> roles;
  for (const StatusBoard* b : boards_) roles.push_back(b->snapshot());
  const LogSize log = log_size(journal_dir_);
  return metrics_text(pipeline_, roles, log.bytes, log.segments);
}

}  // namespace sluice::replicate
