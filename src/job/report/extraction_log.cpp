#include "job/report/extraction_log.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "job/report/report_sink.h"

namespace sluice::job {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLogPrefix = "sluice-log-";
constexpr std::string_view kLogSuffix = ".log";
constexpr std::string_view kCatalogPrefix = "sluice-catalog-";
constexpr size_t kMaxQuery = 2000;

std::string utc_now(bool compact) { return utc_text(std::chrono::system_clock::now(), compact); }

std::string catalog_path(const std::string& dir, const std::string& job_id) {
  return (fs::path(dir) / (std::string(kCatalogPrefix) + job_id + ".json")).string();
}

// Deletes the oldest logs (and their catalogs) so that `keep` remain.
void prune(const std::string& dir, size_t keep) {
  std::vector<std::string> logs = list_logs(dir);
  std::error_code ec;
  for (size_t i = 0; i + keep < logs.size(); ++i) {
    fs::remove(logs[i], ec);
    fs::remove(catalog_path(dir, log_job_id(logs[i])), ec);
  }
}

}  // namespace

std::string new_job_id() { return utc_now(true) + "-" + std::to_string(::getpid()); }

core::Result<std::unique_ptr<ExtractionLog>> ExtractionLog::open(const std::string& dir,
                                                                 const std::string& job_id, size_t keep) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string path = log_path(dir, job_id);
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    return core::fail(core::ErrorCode::kIo, "cannot create the extraction log " + path + ": " +
                                                std::strerror(errno) + "; check the folder's permissions");
  }
  prune(dir, keep == 0 ? 1 : keep);
  return std::unique_ptr<ExtractionLog>(new ExtractionLog(dir, job_id, std::move(path), f));
}

ExtractionLog::ExtractionLog(std::string dir, std::string job_id, std::string path, std::FILE* file)
    : dir_(std::move(dir)), job_id_(std::move(job_id)), path_(std::move(path)), file_(file) {}

ExtractionLog::~ExtractionLog() { std::fclose(file_); }

void ExtractionLog::line(std::string_view text) {
  std::string stamp = utc_now(false);
  std::lock_guard guard(mu_);
  std::fprintf(file_, "%s %.*s\n", stamp.c_str(), static_cast<int>(text.size()), text.data());
  std::fflush(file_);
}

void ExtractionLog::query(std::string_view sql) {
  std::string text = "query: ";
  if (sql.size() <= kMaxQuery) {
    text += sql;
  } else {
    text += sql.substr(0, kMaxQuery);
    text += "...";
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  line(text);
}

void ExtractionLog::save_catalog(const std::string& catalog_json) {
  std::string path = catalog_path(dir_, job_id_);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << catalog_json << '\n';
  out.close();
  line(out ? "catalog in use saved as " + path : "warning: could not save the catalog in use as " + path);
}

std::string ExtractionLog::previous_catalog() const {
  std::vector<std::string> logs = list_logs(dir_);
  for (auto it = logs.rbegin(); it != logs.rend(); ++it) {
    if (*it == path_) continue;
    if (std::string catalog = catalog_of_log(*it); !catalog.empty()) return catalog;
  }
  return {};
}

std::string log_path(const std::string& dir, const std::string& job_id) {
  return (fs::path(dir) / (std::string(kLogPrefix) + job_id + std::string(kLogSuffix))).string();
}

void append_to_log(const std::string& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return;
  std::fprintf(f, "%s %.*s\n", utc_now(false).c_str(), static_cast<int>(text.size()), text.data());
  std::fclose(f);
}

std::vector<std::string> list_logs(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(kLogPrefix) && name.ends_with(kLogSuffix)) out.push_back(it->path().string());
  }
  // Job ids start with the UTC start time: name order is start order.
  std::sort(out.begin(), out.end());
  return out;
}

std::string log_job_id(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  if (!name.starts_with(kLogPrefix) || !name.ends_with(kLogSuffix)) return name;
  return name.substr(kLogPrefix.size(), name.size() - kLogPrefix.size() - kLogSuffix.size());
}

std::string catalog_of_log(const std::string& log_path) {
  std::string path = catalog_path(fs::path(log_path).parent_path().string(), log_job_id(log_path));
  std::error_code ec;
  return fs::exists(path, ec) ? path : std::string();
}

}  // namespace sluice::job
