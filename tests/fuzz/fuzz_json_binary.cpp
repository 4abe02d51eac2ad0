// libFuzzer target for the decoders of outside bytes in binlog/values: MySQL binary JSON
// (json_binary.h), packed DECIMAL (decimal_decoder.h) and every CellDecoder. The first byte
// picks the decoder; the rest is the input. Any crash, sanitizer report or a decoder that
// claims more bytes than it was given is a bug.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "binlog/values/column_def.h"
#include "binlog/values/decimal_decoder.h"
#include "binlog/values/json_binary.h"
#include "core/value_format.h"

using namespace sluice;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_cell(const uint8_t* data, size_t size) {
  // Two bytes of column type/meta, then the cell.
  if (size < 3) return;
  binlog::ColumnDef col;
  col.type = static_cast<binlog::ColumnType>(data[0]);
  col.meta = static_cast<uint16_t>(data[1] | (data[2] << 8));
  col.collation = static_cast<uint16_t>(data[1] * 8);
  col.enum_values = {"a", "b", "c"};
  auto decoder = binlog::decoder_for(col);
  if (!decoder) return;
  static core::Arena arena;
  arena.reset();
  core::Value v;
  auto used = (*decoder)(col, data + 3, size - 3, arena, v);
  if (!used) return;
  check(*used <= size - 3);
  std::string out;
  core::append_value_json(out, v, core::ValueFormat{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0] % 3;
  ++data;
  --size;
  if (mode == 0) {
    std::string out;
    (void)binlog::values::json_binary_to_text({reinterpret_cast<const char*>(data), size}, out);
  } else if (mode == 1 && size >= 2) {
    char buf[binlog::values::kDecimalTextMax];
    size_t len = 0;
    auto used = binlog::values::decode_decimal_text(data + 2, size - 2, data[0], data[1], buf, len);
    if (used) check(*used <= size - 2 && len <= sizeof buf);
  } else {
    fuzz_cell(data, size);
  }
  return 0;
}
