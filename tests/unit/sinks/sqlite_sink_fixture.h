#pragma once
// Shared by the SQLite, JSONL and report sink tests: a stream with a column of every value kind,
// rows built from core::Value, and small process helpers (fork a writer, kill it with SIGKILL).

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/value.h"
#include "sinks/sink.h"
#include "support/test_util.h"

namespace sluice::test {

inline schema::ColumnSchema column(std::string name, schema::ColumnKind kind, bool is_unsigned = false) {
  schema::ColumnSchema c;
  c.name = std::move(name);
  c.kind = kind;
  c.is_unsigned = is_unsigned;
  return c;
}

/// A keyed stream `shop-every` with one column per value kind (names say the kind).
inline sinks::StreamInfo every_kind_stream() {
  using K = schema::ColumnKind;
  sinks::StreamInfo info;
  info.stream_id = "shop-every";
  info.stream = "every";
  info.database = "shop";
  info.table = "every";
  info.columns = {column("id", K::kBigInt),       column("tiny", K::kTinyInt),   column("ubig", K::kBigInt, true),
                  column("dec", K::kDecimal),     column("flt", K::kFloat),      column("dbl", K::kDouble),
                  column("bits", K::kBit),        column("yr", K::kYear),        column("d", K::kDate),
                  column("tm", K::kTime),         column("dt", K::kDateTime),    column("ts", K::kTimestamp),
                  column("s", K::kVarchar),       column("b", K::kBlob),         column("j", K::kJson),
                  column("e", K::kEnum),          column("st", K::kSet),         column("g", K::kGeometry),
                  column("v", K::kVector),        column("n", K::kVarchar)};
  info.columns[6].precision = 3;
  info.key_properties = {"id"};
  info.method = change::Method::kLogBased;
  info.deleted_at_column = true;
  return info;
}

inline core::Value temporal(core::ValueKind kind, core::Temporal t, uint8_t fsp) {
  core::Value v;
  v.kind = kind;
  v.t = t;
  v.fsp = fsp;
  return v;
}

/// Owns the bytes the values of one every-kind row point into.
struct EveryRow {
  std::string geometry;
  std::string vector;
  std::vector<core::Value> values;
};

/// Row 1: extremes of every kind. Row 2 (`second`): other values (42 unsigned, zero date,
/// positive TIME beyond 24 h, unknown ENUM label, NULL...).
inline EveryRow every_kind_row(int64_t id, bool second = false) {
  using core::Value;
  using core::ValueKind;
  EveryRow r;
  // MySQL geometry: 4-byte SRID 0, then WKB POINT(1 2) little-endian.
  r.geometry.assign("\0\0\0\0\x01\x01\0\0\0", 9);
  double xy[2] = {1.0, 2.0};
  r.geometry.append(reinterpret_cast<const char*>(xy), 16);
  float fv[2] = {1.5f, -2.0f};
  r.vector.assign(reinterpret_cast<const char*>(fv), 8);
  Value dec = Value::with_text(ValueKind::kDecimal, second ? "-0.000001" : "12345678901234.123456");
  dec.fsp = 6;
  Value bit = Value::from_uint(5);
  bit.kind = ValueKind::kBit;
  bit.bits = 3;
  Value year = Value::from_uint(second ? 0 : 2024);
  year.kind = ValueKind::kYear;
  Value ts;
  ts.kind = ValueKind::kTimestamp;
  ts.ts = core::EpochTime{1700000000, 123000};
  ts.fsp = 3;
  Value e = second ? Value::from_uint(3) : Value::with_text(ValueKind::kEnum, "medium");
  e.kind = ValueKind::kEnum;
  if (!second) e.flags = core::kValueFlagLabels;
  Value set = Value::with_text(ValueKind::kSet, "a,c");
  set.flags = core::kValueFlagLabels;
  r.values = {Value::from_int(id),
              Value::from_int(second ? 127 : -128),
              Value::from_uint(second ? 42 : 18446744073709551615ull),
              dec,
              Value::from_float(1.1f),
              Value::from_double(second ? 0.1 : 1e300),
              bit,
              year,
              temporal(ValueKind::kDate, second ? core::Temporal{} : core::Temporal{2024, 2, 29, 0, 0, 0, 0, false}, 0),
              temporal(ValueKind::kTime,
                       second ? core::Temporal{0, 0, 0, 0, 0, 25, 500000, false} : core::Temporal{0, 0, 0, 59, 59, 838, 0, true},
                       second ? 6 : 0),
              temporal(ValueKind::kDateTime, core::Temporal{2024, 1, 2, 4, 5, 3, 123456, false}, 6),
              ts,
              Value::with_text(ValueKind::kString, "h\xc3\xa9llo \xf0\x9f\x98\x80 \"q\"\n"),
              Value::with_text(ValueKind::kBytes, std::string_view("\x00\x01\xff", 3)),
              Value::with_text(ValueKind::kJson, "{\"a\":[1,2.5,\"x\"]}"),
              e,
              set,
              Value::with_text(ValueKind::kGeometry, r.geometry),
              Value::with_text(ValueKind::kVector, r.vector),
              second ? Value::with_text(ValueKind::kString, "") : Value::null()};
  return r;
}

/// A row of `values` with op and times.
inline change::RowChange make_row(const std::vector<core::Value>& values,
                                  change::Op op = change::Op::kSnapshot, int64_t commit_seconds = 0) {
  change::RowChange row;
  row.op = op;
  (op == change::Op::kDelete ? row.before : row.after) = values;
  row.extracted = core::EpochTime{1700000100, 0};
  row.commit_time = core::EpochTime{commit_seconds, 0};
  return row;
}

/// Runs `body` in a forked child; returns the child's exit code (or 128 + signal).
inline int in_child(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Runs `sql` on `db` with the sqlite3 command-line tool (an independent reader); rows as lines.
inline std::vector<std::string> sqlite3_rows(const std::string& db, const std::string& sql) {
  CommandResult r = run_command({"sqlite3", "-batch", "-noheader", "-list", "-separator", "|", db, sql});
  if (r.exit_code != 0) return {"sqlite3 failed: " + r.err};
  return split_lines(r.out);
}

}  // namespace sluice::test
