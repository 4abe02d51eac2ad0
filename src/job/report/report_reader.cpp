#include "job/report/report_reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::job {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr std::string_view kPrefix = "sluice-report-";
constexpr std::string_view kSuffix = ".json";

/// Reads the counters of `obj`; false names the first missing or mistyped key in `bad`.
bool read_counts(const ordered_json& obj, std::initializer_list<std::pair<const char*, uint64_t*>> keys,
                 std::string& bad) {
  for (const auto& [key, out] : keys) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_unsigned()) {
      bad = key;
      return false;
    }
    *out = it->get<uint64_t>();
  }
  return true;
}

double number_or_zero(const ordered_json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string string_or_empty(const ordered_json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A bookmark as compact JSON for the table, without `sluice_columns` (the column list sluice
// keeps for its schema history: long, and not what a reader of the table looks for; --json has it).
std::string compact(const ordered_json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return "null";
  ordered_json shown = *it;
  if (shown.is_object()) shown.erase("sluice_columns");
  return shown.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

core::Result<TableReport> parse_table(const ordered_json& t, const std::string& path, size_t index) {
  std::string where = path + ": tables[" + std::to_string(index) + "]";
  if (!t.is_object()) return core::fail(core::ErrorCode::kCorrupt, where + " is not an object");
  TableReport out;
  out.stream = string_or_empty(t, "stream");
  out.table = string_or_empty(t, "table");
  out.method = string_or_empty(t, "method");
  std::string bad;
  if (!read_counts(t, {{"rows_inserted", &out.inserted}, {"rows_updated", &out.updated},
                       {"rows_deleted", &out.deleted}, {"bytes", &out.bytes}},
                   bad)) {
    return core::fail(core::ErrorCode::kCorrupt, where + ": '" + bad + "' is missing or not a count");
  }
  if (auto it = t.find("rows_not_committed"); it != t.end() && it->is_number_unsigned()) {
    out.not_committed = it->get<uint64_t>();
  }
  if (auto it = t.find("errors"); it != t.end() && it->is_number_unsigned()) out.errors = it->get<uint64_t>();
  out.duration_seconds = number_or_zero(t, "duration_seconds");
  out.bookmark_before = compact(t, "bookmark_before");
  out.bookmark_after = compact(t, "bookmark_after");
  return out;
}

std::string destination_text(const ordered_json& doc) {
  auto it = doc.find("destination");
  if (it == doc.end() || !it->is_object()) return "?";
  std::string out = string_or_empty(*it, "type");
  std::string path = string_or_empty(*it, "path");
  if (!path.empty()) out += ":" + path;
  return out.empty() ? "?" : out;
}

/// Text columns padded to the widest cell; `right[i]` aligns column i to the right. The last
/// column is not padded.
std::string aligned(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      if (i > 0) line += "  ";
      size_t pad = i + 1 < r.size() ? width[i] - r[i].size() : 0;
      bool to_right = i < right.size() && right[i];
      if (to_right) line.append(pad, ' ');
      line += r[i];
      if (!to_right) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

/// "2024-05-01T12:00:00.123Z" -> "2024-05-01 12:00:00Z" (the table's width, to the second).
std::string started_text(const std::string& iso) {
  if (iso.size() < 19 || iso[10] != 'T') return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + "Z";
}

}  // namespace

std::string human_bytes(uint64_t n) {
  char buf[32];
  if (n >= (uint64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(n) / (1 << 30));
  } else if (n >= (uint64_t{1} << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  }
  return buf;
}

core::Result<JobReport> parse_report(const ordered_json& doc, const std::string& path) {
  if (!doc.is_object()) return core::fail(core::ErrorCode::kCorrupt, path + ": not a JSON object");
  JobReport out;
  out.path = path;
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_string()) {
    return core::fail(core::ErrorCode::kCorrupt, path + ": 'status' is missing; not a sluice loading report");
  }
  out.ok = status->get<std::string>() == "succeeded";
  out.interrupted = status->get<std::string>() == "interrupted";
  out.job_id = string_or_empty(doc, "job_id");
  out.started_at = string_or_empty(doc, "started_at");
  if (out.started_at.empty()) return core::fail(core::ErrorCode::kCorrupt, path + ": 'started_at' is missing");
  out.duration_seconds = number_or_zero(doc, "duration_seconds");
  out.error = one_line(string_or_empty(doc, "error"));
  out.destination = destination_text(doc);
  auto totals = doc.find("totals");
  if (totals == doc.end() || !totals->is_object()) return core::fail(core::ErrorCode::kCorrupt, path + ": 'totals' is missing");
  std::string bad;
  if (!read_counts(*totals, {{"tables", &out.tables}, {"rows_inserted", &out.inserted},
                             {"rows_updated", &out.updated}, {"rows_deleted", &out.deleted},
                             {"bytes", &out.bytes}},
                   bad)) {
    return core::fail(core::ErrorCode::kCorrupt, path + ": totals." + bad + " is missing or not a count");
  }
  auto tables = doc.find("tables");
  if (tables == doc.end() || !tables->is_array()) return core::fail(core::ErrorCode::kCorrupt, path + ": 'tables' is missing");
  for (size_t i = 0; i < tables->size(); ++i) {
    auto t = parse_table((*tables)[i], path, i);
    if (!t) return core::fail(t.error());
    out.table_reports.push_back(std::move(*t));
  }
  out.doc = doc;
  return out;
}

core::Result<ReportListing> read_reports(const std::string& dir, size_t last) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return core::fail(core::ErrorCode::kNotFound,
                      "no loading reports: " + dir + (fs::exists(dir, ec) ? " is not a directory" : " does not exist") +
                          " (run a job into the destination first, or name the directory with --reports DIR)");
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(kPrefix) && name.ends_with(kSuffix)) names.push_back(std::move(name));
  }
  if (ec) return core::fail(core::ErrorCode::kIo, "cannot list the reports in " + dir + ": " + ec.message());
  if (names.empty()) {
    return core::fail(core::ErrorCode::kNotFound,
                      "no loading reports in " + dir + " (no sluice-report-*.json file; has a job run into it?)");
  }
  std::sort(names.begin(), names.end());  // names start with the UTC start time: start order
  ReportListing listing;
  for (auto it = names.rbegin(); it != names.rend() && (last == 0 || listing.reports.size() < last); ++it) {
    std::string path = (fs::path(dir) / *it).string();
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      listing.warnings.push_back("skipping " + path + ": cannot read it");
      continue;
    }
    ordered_json doc = ordered_json::parse(text.str(), nullptr, false);
    if (doc.is_discarded()) {
      listing.warnings.push_back("skipping " + path + ": not valid JSON (a damaged or foreign file)");
      continue;
    }
    auto report = parse_report(doc, path);
    if (!report) {
      listing.warnings.push_back("skipping " + report.error().message);
      continue;
    }
    listing.reports.push_back(std::move(*report));
  }
  std::reverse(listing.reports.begin(), listing.reports.end());
  return listing;
}

namespace {
// The STATUS column: ok, interrupted (a signal stopped it after committing), FAILED.
std::string status_text(const JobReport& r) { return r.ok ? "ok" : r.interrupted ? "interrupted" : "FAILED"; }
}  // namespace

std::string format_jobs_table(const std::vector<JobReport>& reports) {
  std::vector<std::vector<std::string>> rows{{"STARTED (UTC)", "DURATION", "DESTINATION", "STATUS", "TABLES",
                                              "INSERTED", "UPDATED", "DELETED", "BYTES", "ERROR"}};
  for (const JobReport& r : reports) {
    rows.push_back({started_text(r.started_at), seconds_text(r.duration_seconds), r.destination,
                    status_text(r), std::to_string(r.tables), std::to_string(r.inserted),
                    std::to_string(r.updated), std::to_string(r.deleted), human_bytes(r.bytes),
                    r.ok || r.interrupted ? "" : r.error});
  }
  return aligned(rows, {false, true, false, false, true, true, true, true, true, false});
}

std::string format_tables(const JobReport& report) {
  std::string out = "job " + report.job_id + " into " + report.destination + ", started " +
                    started_text(report.started_at) + ", " +
                    (report.ok || report.interrupted ? status_text(report) : "FAILED: " + report.error) +
                    "\n";
  std::vector<std::vector<std::string>> rows{{"STREAM", "METHOD", "INSERTED", "UPDATED", "DELETED",
                                              "NOT COMMITTED", "BYTES", "DURATION", "ERRORS", "BOOKMARK BEFORE",
                                              "BOOKMARK AFTER"}};
  for (const TableReport& t : report.table_reports) {
    rows.push_back({t.stream, t.method, std::to_string(t.inserted), std::to_string(t.updated),
                    std::to_string(t.deleted), std::to_string(t.not_committed), human_bytes(t.bytes),
                    seconds_text(t.duration_seconds), std::to_string(t.errors), t.bookmark_before, t.bookmark_after});
  }
  return out + aligned(rows, {false, false, true, true, true, true, true, true, true, false, false});
}

}  // namespace sluice::job
