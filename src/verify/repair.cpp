#include "verify/repair.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace sluice::verify {
namespace {

constexpr size_t kKeysPerQuery = 200;

core::EpochTime now_utc() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return core::EpochTime{us / 1000000, static_cast<uint32_t>(us % 1000000)};
}

core::Status delete_extras(const TableJob& job, const sinks::StreamInfo& info, std::span<const RowDiff> diffs,
                           sinks::Sink& sink, sinks::StreamHandle handle, RepairCounts& counts) {
  // The before image of a delete: the key, the other columns NULL (not every sink takes absent
  // values; the row is deleted either way).
  std::vector<core::Value> before(job.columns.size());
  for (const RowDiff& d : diffs) {
    if (d.kind != RowDiff::Kind::kExtra) continue;
    std::fill(before.begin(), before.end(), core::Value::null());
    for (size_t k : job.key) {
      const schema::ColumnSchema& c = job.table->columns[k];
      auto at = std::find(job.columns.begin(), job.columns.end(), k) - job.columns.begin();
      auto v = d.key.find(c.name);
      if (v != d.key.end()) before[static_cast<size_t>(at)] = key_value(c, *v);
    }
    change::RowChange row;
    row.op = change::Op::kDelete;
    row.before = before;
    row.database = info.database;
    row.table = info.table;
    row.extracted = now_utc();
    row.commit_time = row.extracted;
    SLUICE_TRY(sink.write_row(handle, row));
    ++counts.deleted;
  }
  return core::ok();
}

}  // namespace

core::Value key_value(const schema::ColumnSchema& column, const nlohmann::ordered_json& v) {
  if (v.is_number_unsigned()) return core::Value::from_uint(v.get<uint64_t>());
  if (v.is_number_integer()) return core::Value::from_int(v.get<int64_t>());
  if (v.is_number_float()) return core::Value::from_double(v.get<double>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return core::Value::with_text(
        column.kind == schema::ColumnKind::kDecimal ? core::ValueKind::kDecimal : core::ValueKind::kString,
        s);
  }
  return core::Value::null();
}

core::Result<RepairCounts> repair_table(mysql::Connection& conn, const TableJob& job,
                                        const sinks::StreamInfo& info, std::span<const RowDiff> diffs,
                                        sinks::Sink& sink) {
  RepairCounts counts;
  auto handle = sink.open_stream(info);
  if (!handle) return core::fail(handle.error());
  std::vector<nlohmann::ordered_json> keys;
  for (const RowDiff& d : diffs) {
    if (d.kind != RowDiff::Kind::kExtra) keys.push_back(d.key);
  }
  core::EpochTime extracted = now_utc();
  for (size_t at = 0; at < keys.size(); at += kKeysPerQuery) {
    std::span<const nlohmann::ordered_json> batch(keys.data() + at,
                                                  std::min(kKeysPerQuery, keys.size() - at));
    auto write = [&](std::span<const core::Value> values) -> core::Status {
      change::RowChange row;
      row.op = change::Op::kSnapshot;
      row.after = values;
      row.database = info.database;
      row.table = info.table;
      row.extracted = extracted;
      ++counts.written;
      return sink.write_row(*handle, row);
    };
    SLUICE_TRY(read_source_keys(conn, job, batch, write));
  }
  SLUICE_TRY(delete_extras(job, info, diffs, sink, *handle, counts));
  return counts;
}

}  // namespace sluice::verify
