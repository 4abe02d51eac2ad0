// Hand-built TABLE_MAP and rows events whose counts and bitmaps lie: metadata for columns
// the table does not have, bitmaps and row images claiming bytes the event does not hold.
#include <gtest/gtest.h>

#include "binlog/change_assembler.h"
#include "unit/binlog/events_bytes.h"

namespace sluice::binlog {
namespace {

using namespace test_events;

std::string error_of(const core::Status& s) { return s ? std::string("(ok)") : s.error().message; }

// TABLE_MAP of d.t, table id 5: columns INT and VARCHAR(10), then `optional` metadata fields.
Bytes table_map(const Bytes& optional, Bytes meta = {10, 0}) {
  Bytes b;
  put_le(b, 5, 6);
  put_le(b, 1, 2);
  b.push_back(1); put_str(b, "d"); b.push_back(0);
  b.push_back(1); put_str(b, "t"); b.push_back(0);
  b.push_back(2);
  b.push_back(3);   // LONG
  b.push_back(15);  // VARCHAR
  b.push_back(static_cast<uint8_t>(meta.size()));
  b.insert(b.end(), meta.begin(), meta.end());
  b.push_back(0x03);  // both nullable
  b.insert(b.end(), optional.begin(), optional.end());
  return b;
}

Bytes names_field(std::initializer_list<std::string_view> names) {
  Bytes v;
  for (auto n : names) {
    v.push_back(static_cast<uint8_t>(n.size()));
    put_str(v, n);
  }
  Bytes f{4, static_cast<uint8_t>(v.size())};  // COLUMN_NAME
  f.insert(f.end(), v.begin(), v.end());
  return f;
}

TEST(EventsTableMap, NamesForExactlyTheColumnsDecode) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  auto s = dec.feed(event(19, table_map(names_field({"id", "name"}))), 100, rec);
  ASSERT_TRUE(s) << error_of(s);
}

TEST(EventsTableMap, MetadataClaimingMoreColumnsThanExist) {
  struct Case {
    Bytes optional, meta;
    const char* expect;
  } cases[] = {
      {names_field({"id", "name", "ghost"}), {10, 0}, "more columns than the table has"},
      {Bytes{3, 2, 45, 45}, {10, 0}, "more columns than the table has"},  // 2 charsets, 1 text column
      {Bytes{}, {10, 0, 7}, "more columns than the table has"},           // type metadata too long
      {Bytes{8, 2, 0, 9}, {10, 0}, "optional metadata field 8"},          // primary key column 9 of 2
      {Bytes{4, 40, 2}, {10, 0}, "truncated TABLE_MAP_EVENT optional metadata"},
      {Bytes{}, {10}, "truncated TABLE_MAP_EVENT metadata"},
  };
  for (const Case& c : cases) {
    EventDecoder dec;
    Recorder rec;
    ASSERT_TRUE(start(dec, rec));
    auto s = dec.feed(event(19, table_map(c.optional, c.meta)), 100, rec);
    ASSERT_FALSE(s) << c.expect;
    EXPECT_NE(error_of(s).find(c.expect), std::string::npos) << error_of(s);
    EXPECT_NE(error_of(s).find("f.000001:100"), std::string::npos) << error_of(s);
  }
}

TEST(EventsTableMap, ColumnCountPastTheEventEnd) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes b = table_map({});
  b[6 + 2 + 6] = 200;  // column count 200, only 2 type bytes follow
  auto s = dec.feed(event(19, b), 100, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("TABLE_MAP_EVENT"), std::string::npos) << error_of(s);
}

struct Collect : ChangeHandler {
  size_t rows = 0;
  core::Status on_row(const change::RowChange&, const TableLayoutPtr&) override {
    ++rows;
    return core::ok();
  }
  core::Status on_statement(const StatementChange&) override { return core::ok(); }
  core::Status on_commit(const change::Transaction&) override { return core::ok(); }
};

// WRITE_ROWS_EVENT (v2) for table id 5 with `columns` and the bytes after the present bitmap.
Bytes write_rows(uint8_t columns, const Bytes& present_and_rows) {
  Bytes b;
  put_le(b, 5, 6);
  put_le(b, 0, 2);
  put_le(b, 2, 2);
  b.push_back(columns);
  b.insert(b.end(), present_and_rows.begin(), present_and_rows.end());
  return b;
}

core::Status run_rows(const Bytes& rows_body, size_t* delivered = nullptr) {
  EventDecoder dec;
  Recorder rec;
  SLUICE_TRY(start(dec, rec));
  Collect out;
  AssemblerOptions ao;
  ChangeAssembler asm_(out, ao);
  SLUICE_TRY(dec.feed(event(19, table_map({})), 100, asm_));
  auto s = dec.feed(event(30, rows_body), 200, asm_);
  if (s) s = dec.feed(event(16, Bytes(8, 0)), 300, asm_);  // XID: buffered rows decode here
  if (delivered) *delivered = out.rows;
  return s;
}

TEST(EventsRows, GoodRowDecodes) {
  size_t n = 0;
  // present: both; NULL bitmap 0; INT 7; VARCHAR "ab"
  auto s = run_rows(write_rows(2, {0x03, 0x00, 7, 0, 0, 0, 2, 'a', 'b'}), &n);
  ASSERT_TRUE(s) << error_of(s);
  EXPECT_EQ(n, 1u);
}

TEST(EventsRows, BitmapsAndImagesClaimingAbsentBytes) {
  struct Case {
    uint8_t columns;
    Bytes rest;
    const char* expect;
  } cases[] = {
      {2, {}, "truncated rows event column bitmap"},                       // no present bitmap
      {20, {0xff, 0xff}, "truncated rows event column bitmap"},            // 20 columns need 3 bytes
      {3, {0x07, 0x00}, "rows event has 3 columns but TABLE_MAP"},         // more columns than the map
      {2, {0x03}, "empty row image"},                                      // no row at all is fine, but ...
      {2, {0x03, 0x00, 7, 0}, "INT"},                                      // INT cut short
      {2, {0x03, 0x00, 7, 0, 0, 0, 9, 'a'}, "VARCHAR"},                    // VARCHAR claims 9, has 1
      {2, {0x03, 0x00, 7, 0, 0, 0, 11, 'a'}, "VARCHAR"},                   // length above VARCHAR(10)
  };
  for (const Case& c : cases) {
    auto s = run_rows(write_rows(c.columns, c.rest));
    if (std::string(c.expect) == "empty row image") {
      EXPECT_TRUE(s) << error_of(s);  // a rows event with no rows decodes to nothing
      continue;
    }
    ASSERT_FALSE(s) << c.expect;
    EXPECT_NE(error_of(s).find(c.expect), std::string::npos) << error_of(s);
  }
}

TEST(EventsRows, NullBitmapLongerThanTheImage) {
  // 2 present columns need a 1-byte NULL bitmap; the image ends before it.
  TableLayout t;
  t.db = "d";
  t.table = "t";
  t.columns.resize(2);
  std::vector<core::Value> out(2);
  core::Arena arena;
  const uint8_t present = 0x03;
  auto used = decode_row_image(t, &present, nullptr, 0, arena, out);
  ASSERT_FALSE(used);
  EXPECT_NE(used.error().message.find("shorter than its NULL bitmap"), std::string::npos);
}

TEST(EventsRows, RowsWithoutTableMap) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  auto s = dec.feed(event(30, write_rows(2, {0x03, 0x00, 7, 0, 0, 0, 0})), 200, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("without a preceding TABLE_MAP_EVENT"), std::string::npos) << error_of(s);
}

}  // namespace
}  // namespace sluice::binlog
