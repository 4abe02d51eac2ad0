#include "extract/key_ranges.h"

#include <charconv>

#include "extract/snapshot_sql.h"

namespace sluice::extract {
namespace {

using nlohmann::ordered_json;

constexpr uint64_t kSignBit = uint64_t{1} << 63;

bool integer_kind(const schema::ColumnSchema& c) {
  switch (c.kind) {
    case schema::ColumnKind::kTinyInt:
    case schema::ColumnKind::kSmallInt:
    case schema::ColumnKind::kMediumInt:
    case schema::ColumnKind::kInt:
    case schema::ColumnKind::kBigInt:
      return !c.is_boolean;
    default:
      return false;
  }
}

// A bookmark integer in unsigned order (signed values offset by 2^63); nullopt if not one.
std::optional<uint64_t> ordered_of(const ordered_json& v, bool is_signed) {
  if (is_signed && v.is_number_integer()) return static_cast<uint64_t>(v.get<int64_t>()) ^ kSignBit;
  if (!is_signed && v.is_number_unsigned()) return v.get<uint64_t>();
  if (!is_signed && v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
  return std::nullopt;
}

std::optional<uint64_t> ordered_of_text(std::string_view s, bool is_signed) {
  if (is_signed) {
    int64_t x = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), x);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return static_cast<uint64_t>(x) ^ kSignBit;
  }
  uint64_t x = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), x);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return x;
}

}  // namespace

core::Result<std::unique_ptr<KeyRangePlanner>> KeyRangePlanner::make(mysql::Connection& conn,
                                                                     const SnapshotSpec& spec, size_t readers) {
  std::unique_ptr<KeyRangePlanner> p(new KeyRangePlanner(spec));
  p->cursor_ = spec.after;
  if (spec.key.size() != 1 || !spec.estimated_rows || *spec.estimated_rows == 0) return p;
  const schema::ColumnSchema& c = spec.table->columns[spec.key[0]];
  if (!integer_kind(c) || !spec.upto.is_object() || !spec.upto.contains(c.name)) return p;
  bool is_signed = !c.is_unsigned;
  auto end = ordered_of(spec.upto[c.name], is_signed);
  if (!end) return p;
  uint64_t first = 0;
  if (!spec.after.is_null()) {
    auto after = spec.after.is_object() && spec.after.contains(c.name)
                     ? ordered_of(spec.after[c.name], is_signed)
                     : std::nullopt;
    if (!after) return p;
    if (*after >= *end) {
      p->done_ = true;
      return p;
    }
    first = *after + 1;
  } else {
    auto min = conn.query_value("SELECT MIN(" + mysql::Connection::quote_identifier(c.name) + ") FROM " +
                                qualified_name(*spec.table));
    if (!min) return core::fail(min.error().with_context("reading the smallest key of " + spec.table->stream_id()));
    if (!*min) {
      p->done_ = true;
      return p;
    }
    auto m = ordered_of_text(**min, is_signed);
    if (!m) return p;
    first = *m;
  }
  uint64_t ranges = (*spec.estimated_rows + spec.chunk_rows - 1) / spec.chunk_rows;
  ranges = std::max<uint64_t>(ranges, 4 * readers);
  p->integer_ = true;
  p->is_signed_ = is_signed;
  p->next_lo_ = first;
  p->end_ = *end;
  p->step_ = first > *end ? 1 : (*end - first) / ranges + 1;
  if (first > *end) p->done_ = true;
  return p;
}

ordered_json KeyRangePlanner::integer_key(uint64_t ordered) const {
  const std::string& name = spec_.table->columns[spec_.key[0]].name;
  ordered_json j = ordered_json::object();
  if (is_signed_) {
    j[name] = static_cast<int64_t>(ordered ^ kSignBit);
  } else {
    j[name] = ordered;
  }
  return j;
}

std::optional<KeyRange> KeyRangePlanner::next_integer() {
  uint64_t hi = end_ - next_lo_ < step_ ? end_ : next_lo_ + step_ - 1;
  KeyRange r{index_++, cursor_, integer_key(hi)};
  cursor_ = r.hi;
  if (hi == end_) {
    done_ = true;
  } else {
    next_lo_ = hi + 1;
  }
  return r;
}

core::Result<std::optional<KeyRange>> KeyRangePlanner::next_probed(mysql::Connection& conn) {
  const schema::TableSchema& t = *spec_.table;
  auto where = key_range_predicate(conn, t, spec_.key, cursor_, spec_.upto);
  if (!where) return core::fail(where.error());
  std::string sql = select_sql(t, spec_.key) + " WHERE " + *where + order_clause(t, spec_.key) + " LIMIT 1 OFFSET " +
                    std::to_string(spec_.chunk_rows - 1);
  auto rows = conn.query(sql);
  if (!rows) return core::fail(rows.error().with_context("splitting " + t.stream_id() + " into key ranges"));
  KeyRange r{index_++, cursor_, spec_.upto};
  if (!rows->empty() && (*rows)[0].size() == spec_.key.size()) {
    std::vector<std::optional<std::string_view>> cells;
    for (const auto& c : (*rows)[0]) cells.push_back(c ? std::optional<std::string_view>(*c) : std::nullopt);
    r.hi = key_json(t, spec_.key, cells);
  }
  if (r.hi == spec_.upto) done_ = true;
  cursor_ = r.hi;
  return std::optional<KeyRange>(std::move(r));
}

core::Result<std::optional<KeyRange>> KeyRangePlanner::next(mysql::Connection& conn) {
  std::lock_guard lock(mu_);
  if (done_) return std::optional<KeyRange>();
  if (integer_) return next_integer();
  return next_probed(conn);
}

}  // namespace sluice::extract
