// JSON columns (MySQL): a length prefix of meta bytes (4 in practice), then the binary
// document (json_binary.h), rendered to JSON text in the arena.

#include <string>

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"
#include "binlog/values/json_binary.h"

namespace sluice::binlog::values {

core::Result<size_t> decode_json(const ColumnDef& col, const uint8_t* p, size_t avail,
                                 core::Arena& arena, core::Value& out) {
  size_t len = 0;
  auto prefix = read_length_prefix("JSON", col.meta, p, avail, len);
  if (!prefix) return prefix;
  // One scratch string per thread: its capacity is reused, so no allocation per cell.
  thread_local std::string scratch;
  scratch.clear();
  auto st = json_binary_to_text({reinterpret_cast<const char*>(p + *prefix), len}, scratch);
  if (!st) return core::fail(st.error());
  out = core::Value::with_text(core::ValueKind::kJson, arena.copy(scratch));
  return *prefix + len;
}

}  // namespace sluice::binlog::values
