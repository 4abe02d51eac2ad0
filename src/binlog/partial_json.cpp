#include "binlog/partial_json.h"

#include "binlog/events/byte_reader.h"

namespace sluice::binlog {
namespace {

core::Error bad(std::string m) { return core::Error{core::ErrorCode::kCorrupt, std::move(m), false, true}; }

}  // namespace

core::Status parse_json_diffs(const uint8_t* p, size_t len, std::vector<JsonDiff>& out) {
  out.clear();
  ByteReader r(p, len);
  while (!r.empty()) {
    JsonDiff d;
    uint8_t op;
    uint64_t n;
    if (!r.u8(op) || op > 2) return core::fail(bad("bad JSON diff operation"));
    d.op = static_cast<JsonDiffOp>(op);
    if (!r.packed(n) || !r.str(n, d.path)) return core::fail(bad("truncated JSON diff path"));
    if (d.op != JsonDiffOp::kRemove) {
      std::string_view v;
      if (!r.packed(n) || n == 0 || !r.str(n, v)) return core::fail(bad("truncated JSON diff value"));
      d.value_type = static_cast<uint8_t>(v[0]);
      d.value = v.substr(1);
    }
    out.push_back(d);
  }
  return core::ok();
}

core::Result<size_t> decode_partial_after_image(const TableLayout& layout, const uint8_t* present,
                                                const uint8_t* p, size_t avail, core::Arena& arena,
                                                std::span<const core::Value> before, JsonDiffApplier apply,
                                                std::vector<JsonDiff>& scratch, std::span<core::Value> out) {
  ByteReader r(p, avail);
  uint64_t options;
  if (!r.packed(options)) return core::fail(bad("truncated partial update value options"));
  if ((options & 1) == 0) {
    auto used = decode_row_image(layout, present, r.data(), r.remaining(), arena, out);
    if (!used) return used;
    return *used + (avail - r.remaining());
  }
  const size_t n = layout.columns.size();
  size_t json_count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (bit_set(present, i) && layout.columns[i].def.type == ColumnType::kJson) ++json_count;
  }
  const uint8_t* partial_bits;
  if (!r.bytes((json_count + 7) / 8, partial_bits)) return core::fail(bad("truncated partial JSON bitmap"));
  size_t present_count = 0;
  for (size_t i = 0; i < n; ++i) present_count += bit_set(present, i) ? 1 : 0;
  const uint8_t* nulls;
  if (!r.bytes((present_count + 7) / 8, nulls)) return core::fail(bad("row image shorter than its NULL bitmap"));
  size_t k = 0, j = 0;
  for (size_t i = 0; i < n; ++i) {
    const ColumnLayout& c = layout.columns[i];
    if (!bit_set(present, i)) {
      out[i] = core::Value::absent();
      continue;
    }
    bool is_json = c.def.type == ColumnType::kJson;
    bool partial = is_json && bit_set(partial_bits, j);
    if (is_json) ++j;
    if (bit_set(nulls, k++)) {
      out[i] = core::Value::null();
      continue;
    }
    if (!partial) {
      auto used = c.decode(c.def, r.data(), r.remaining(), arena, out[i]);
      if (!used) return core::fail(used.error().with_context("column " + c.key));
      if (!r.skip(*used)) return core::fail(bad("cell past the end of the row image"));
      continue;
    }
    uint64_t len;
    const uint8_t* diff;
    size_t len_size = c.def.meta >= 1 && c.def.meta <= 4 ? c.def.meta : 4;
    if (!r.uint_n(len_size, len) || !r.bytes(len, diff)) return core::fail(bad("truncated partial JSON cell"));
    SLUICE_TRY(parse_json_diffs(diff, len, scratch));
    if (scratch.empty()) {
      // Marked partial but unchanged ("@3=@3" in mysqlbinlog): the before value, or nothing
      // when the before image lacks it too.
      out[i] = i < before.size() ? before[i] : core::Value::absent();
      continue;
    }
    if (apply == nullptr) {
      return core::fail(core::ErrorCode::kUnsupported,
                        "column " + c.key + " holds a partial JSON update (binlog_row_value_options=PARTIAL_JSON) "
                        "and no JSON diff applier is available");
    }
    // Without the document in the before image (binlog_row_image=MINIMAL) the applier gives the
    // diff list itself, flagged core::kValueFlagJsonDiff: the update is not lost.
    const core::Value missing = core::Value::absent();
    const core::Value& prior = i < before.size() ? before[i] : missing;
    if (prior.kind != core::ValueKind::kJson && !prior.is_absent()) {
      return core::fail(
          bad("partial JSON update of column " + c.key + " whose before image is not a JSON document"));
    }
    auto s = apply(prior, scratch, arena, out[i]);
    if (!s) return core::fail(s.error().with_context("applying JSON diff to column " + c.key));
  }
  return avail - r.remaining();
}

}  // namespace sluice::binlog
