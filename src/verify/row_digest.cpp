#include "verify/row_digest.h"

#include <charconv>
#include <unordered_map>

#include "verify/canonical.h"

namespace sluice::verify {

std::string_view kind_name(RowDiff::Kind kind) {
  switch (kind) {
    case RowDiff::Kind::kMissing:
      return "missing";
    case RowDiff::Kind::kExtra:
      return "extra";
    case RowDiff::Kind::kChanged:
      return "changed";
  }
  return "?";
}

namespace {

bool integer_kind(schema::ColumnKind k) {
  using K = schema::ColumnKind;
  return k == K::kTinyInt || k == K::kSmallInt || k == K::kMediumInt || k == K::kInt || k == K::kBigInt ||
         k == K::kYear;
}

/// A key column's canonical rendering as bookmark JSON: integers as numbers, NULL as null, the rest
/// (CHAR/VARCHAR) as its text.
nlohmann::ordered_json key_part_json(const schema::ColumnSchema& column, std::string_view canon) {
  if (canon.empty() || canon.front() != '\x02') return nullptr;
  canon.remove_prefix(1);
  if (integer_kind(column.kind)) {
    const char* end = canon.data() + canon.size();
    int64_t i = 0;
    if (std::from_chars(canon.data(), end, i).ptr == end) return i;
    uint64_t u = 0;
    if (std::from_chars(canon.data(), end, u).ptr == end) return u;
  }
  return std::string(canon);
}

uint64_t mix(uint64_t a, uint64_t b) {
  a ^= b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2);
  return a;
}

}  // namespace

void ChunkDigest::add(std::span<const sinks::ReadCell> cells) {
  uint64_t row = 0;
  for (size_t c = 0; c < shape_->columns.size(); ++c) {
    canonical(scratch_, shape_->columns[c], cells[c]);
    uint64_t h = hash_bytes(scratch_);
    column_hashes_.push_back(h);
    row = mix(row, h);
  }
  // The key as "<length>:<canonical>" per column; its bookmark JSON is made only for a row that
  // differs (key_json).
  key_scratch_.clear();
  for (size_t k : shape_->key) {
    canonical(scratch_, shape_->columns[k], cells[k]);
    char len[24];
    auto [end, ec] = std::to_chars(len, len + sizeof len, scratch_.size());
    key_scratch_.append(len, end).append(":").append(scratch_);
  }
  keys_.push_back(key_scratch_);
  hashes_.push_back(row);
  sum_ += hash_bytes(key_scratch_) ^ row;
}

nlohmann::ordered_json ChunkDigest::key_json(std::string_view key) const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (size_t k : shape_->key) {
    size_t colon = key.find(':');
    size_t len = 0;
    std::from_chars(key.data(), key.data() + colon, len);
    out[shape_->columns[k].name] = key_part_json(shape_->columns[k], key.substr(colon + 1, len));
    key.remove_prefix(std::min(key.size(), colon + 1 + len));
  }
  return out;
}

void ChunkDigest::clear() {
  keys_.clear();
  hashes_.clear();
  column_hashes_.clear();
  sum_ = 0;
}

ChunkDigest::Row ChunkDigest::take(size_t i) {
  size_t n = shape_->columns.size();
  Row r{keys_[i], key_json(keys_[i]), hashes_[i], {}};
  r.columns.assign(column_hashes_.begin() + static_cast<std::ptrdiff_t>(i * n),
                   column_hashes_.begin() + static_cast<std::ptrdiff_t>((i + 1) * n));
  return r;
}

RowDiff Reconciler::changed(const ChunkDigest::Row& a, const ChunkDigest::Row& b) const {
  RowDiff d{RowDiff::Kind::kChanged, a.key_json, {}, false};
  for (size_t c = 0; c < a.columns.size() && c < b.columns.size(); ++c) {
    if (a.columns[c] != b.columns[c]) d.columns.push_back(shape_->columns[c].name);
  }
  return d;
}

void Reconciler::unpaired(ChunkDigest::Row row, bool from_source, std::vector<RowDiff>& out) {
  auto it = pool_.find(row.key);
  if (it == pool_.end()) {
    std::string key = row.key;
    pool_.emplace(std::move(key), Unpaired{std::move(row), from_source});
    return;
  }
  if (it->second.from_source == from_source) return;  // the same key twice on one side: keep the first
  const ChunkDigest::Row& src = from_source ? row : it->second.row;
  const ChunkDigest::Row& dst = from_source ? it->second.row : row;
  if (src.hash != dst.hash) out.push_back(changed(src, dst));
  pool_.erase(it);
}

void Reconciler::compare(ChunkDigest& source, ChunkDigest& dest, std::vector<RowDiff>& out) {
  std::unordered_map<std::string_view, size_t> by_key;
  by_key.reserve(dest.size());
  for (size_t i = 0; i < dest.size(); ++i) by_key.emplace(dest.key(i), i);
  std::vector<bool> paired(dest.size(), false);
  for (size_t i = 0; i < source.size(); ++i) {
    auto it = by_key.find(source.key(i));
    if (it == by_key.end()) {
      unpaired(source.take(i), true, out);
      continue;
    }
    paired[it->second] = true;
    if (source.row_hash(i) != dest.row_hash(it->second)) {
      out.push_back(changed(source.take(i), dest.take(it->second)));
    }
  }
  for (size_t i = 0; i < dest.size(); ++i) {
    if (!paired[i]) unpaired(dest.take(i), false, out);
  }
}

void Reconciler::finish(std::vector<RowDiff>& out) {
  for (auto& [key, u] : pool_) {
    out.push_back(
        RowDiff{u.from_source ? RowDiff::Kind::kMissing : RowDiff::Kind::kExtra, u.row.key_json, {}, false});
  }
  pool_.clear();
}

}  // namespace sluice::verify
