#include "cli/last_start.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "job/sink_factory.h"

namespace sluice::cli {
namespace {

std::string path_of(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / ("sluice-run-" + name + ".last-start")).string();
}

}  // namespace

std::string run_dir(const config::JobConfig& config) { return job::default_report_dir(*config.destination); }

std::optional<schedule::Instant> read_last_start(const std::string& dir, const std::string& name) {
  std::ifstream in(path_of(dir, name));
  std::string text;
  if (!(in >> text)) return std::nullopt;
  auto t = schedule::parse_instant(text);
  if (!t) return std::nullopt;
  return *t;
}

void write_last_start(const std::string& dir, const std::string& name, schedule::Instant start) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = path_of(dir, name);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << schedule::format_utc(start) << '\n';
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::fprintf(stderr, "sluice run: warning: cannot save the last start in %s: %s\n", path.c_str(),
                 ec.message().c_str());
  }
}

}  // namespace sluice::cli
