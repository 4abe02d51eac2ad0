// Events that must not be skipped: MariaDB 12.3's PARTIAL_ROW_DATA groups (a rows event cut
// into fragments, built here from the event's documented layout out of a MariaDB 10.11 fixture)
// and events of a type sluice does not know inside a transaction with rows. Each test feeds the
// fixture's events, changed, through the decoder, the assembler and the printer, as `binlog read`
// does, and compares with the unchanged file's lines (checked against the server: fixtures_test).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"
#include "events_bytes.h"
#include "support/test_util.h"

namespace sluice::binlog {
namespace {

using namespace test_events;

struct FileEvent {
  uint64_t pos;
  Bytes bytes;
};

std::vector<FileEvent> fixture_events() {
  std::string all = test::read_file(test::source_dir() + "/tests/data/mariadb_types/mysql-bin.000005");
  std::vector<FileEvent> out;
  size_t off = 4;
  while (off + 19 <= all.size()) {
    uint32_t size = 0;
    std::memcpy(&size, all.data() + off + 9, 4);
    out.push_back(
        {off, Bytes(all.begin() + static_cast<long>(off), all.begin() + static_cast<long>(off + size))});
    off += size;
  }
  return out;
}

bool is_rows(const Bytes& e) {
  uint8_t t = e[4];
  return (t >= 23 && t <= 25) || (t >= 30 && t <= 32) || (t >= 166 && t <= 171);
}

// The PARTIAL_ROW_DATA events carrying `e` whole (its CRC32 trailer included; the fixture
// tests/data/mariadb_partial_rows carries events without it), `chunk` bytes each.
std::vector<Bytes> fragments_of(const Bytes& e, size_t chunk) {
  size_t n = (e.size() + chunk - 1) / chunk;
  std::vector<Bytes> out;
  for (size_t i = 0; i < n; ++i) {
    Bytes body;
    put_le(body, i + 1, 4);
    put_le(body, n, 4);
    body.push_back(i == 0 ? 1 : 0);
    if (i == 0) put_le(body, e.size(), 8);
    body.insert(body.end(), e.begin() + static_cast<long>(i * chunk),
                e.begin() + static_cast<long>(std::min(e.size(), (i + 1) * chunk)));
    out.push_back(event(172, body));
  }
  return out;
}

struct Output {
  core::Status status;
  std::string out;
};

// Decodes `events`, each fed at its own position, into JSON lines.
Output run(const std::vector<FileEvent>& events, AssemblerOptions ao = {}) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* mem = open_memstream(&buf, &len);
  Output r{core::ok(), {}};
  {
    EventDecoder dec;
    dec.set_file("mysql-bin.000005");
    ChangePrinter printer(mem, PrinterOptions{});
    ChangeAssembler assembler(printer, ao);
    for (const auto& e : events) {
      r.status = dec.feed(e.bytes, e.pos, assembler);
      if (!r.status) break;
    }
    if (r.status) r.status = assembler.finish();
    auto f = printer.flush();
    if (r.status) r.status = f;
  }
  std::fclose(mem);
  r.out.assign(buf, len);
  std::free(buf);
  return r;
}

// Every rows event replaced by its fragments; `edit` may change each group.
std::vector<FileEvent> fragmented(size_t chunk, void (*edit)(std::vector<Bytes>&) = nullptr) {
  std::vector<FileEvent> out;
  for (auto& e : fixture_events()) {
    if (!is_rows(e.bytes)) {
      out.push_back(e);
      continue;
    }
    auto group = fragments_of(e.bytes, chunk);
    if (edit) edit(group);
    for (size_t i = 0; i < group.size(); ++i) out.push_back({e.pos + i, group[i]});
  }
  return out;
}

TEST(EventsPartialRows, FragmentsDecodeLikeTheWholeRowsEvent) {
  Output whole = run(fixture_events());
  ASSERT_TRUE(whole.status) << whole.status.error().message;
  ASSERT_NE(whole.out.find("\"op\":\"update\""), std::string::npos);
  for (size_t chunk : {7, 64, 100000}) {
    Output parts = run(fragmented(chunk));
    ASSERT_TRUE(parts.status) << parts.status.error().message;
    EXPECT_EQ(parts.out, whole.out) << "fragments of " << chunk << " bytes";
  }
}

TEST(EventsPartialRows, BrokenGroupsAreErrors) {
  // A missing fragment, a group cut off by another event, a size that does not add up: one error
  // naming the fragment's position, never rows decoded from a partial event.
  Output missing = run(fragmented(64, [](std::vector<Bytes>& g) { g.erase(g.begin() + 1); }));
  ASSERT_FALSE(missing.status);
  EXPECT_NE(missing.status.error().message.find("fragment 3 of"), std::string::npos)
      << missing.status.error().message;
  EXPECT_NE(missing.status.error().message.find("where fragment 2 of"), std::string::npos);
  EXPECT_NE(missing.status.error().message.find("PARTIAL_ROW_DATA_EVENT at mysql-bin.000005:"),
            std::string::npos);
  Output cut = run(fragmented(64, [](std::vector<Bytes>& g) { g.pop_back(); }));
  ASSERT_FALSE(cut.status);
  EXPECT_NE(cut.status.error().message.find("a fragmented rows event ends at fragment"), std::string::npos)
      << cut.status.error().message;
  Output size = run(fragmented(64, [](std::vector<Bytes>& g) {
    Bytes& first = g.front();
    first[19 + 9] = static_cast<uint8_t>(first[19 + 9] + 1);  // the declared size, one byte more
    Bytes body(first.begin() + 19, first.end() - 4);
    first = event(172, body);
  }));
  ASSERT_FALSE(size.status);
  EXPECT_NE(size.status.error().message.find("fragments add up to"), std::string::npos)
      << size.status.error().message;
}

// The fixture's events with `extra` inserted before the `nth` rows event (or after it).
std::vector<FileEvent> with_event_at_rows(const Bytes& extra, size_t nth, bool after) {
  std::vector<FileEvent> out;
  size_t seen = 0;
  for (auto& e : fixture_events()) {
    bool here = is_rows(e.bytes) && seen++ == nth;
    if (here && !after) out.push_back({e.pos - 1, extra});
    out.push_back(e);
    if (here && after) out.push_back({e.pos + 1, extra});
  }
  return out;
}

TEST(EventsPartialRows, UnknownEventInsideATransactionWithRowsStops) {
  const Bytes unknown = event(190, Bytes(12, 0x5a));
  Output whole = run(fixture_events());
  for (bool after : {false, true}) {
    auto events = with_event_at_rows(unknown, 1, after);
    uint64_t at = 0;
    for (const auto& e : events) at = e.bytes == unknown ? e.pos : at;
    Output r = run(events);
    ASSERT_FALSE(r.status);
    const std::string& msg = r.status.error().message;
    EXPECT_NE(msg.find("unknown binlog event type 190 at mysql-bin.000005:" + std::to_string(at) +
                       " (server 10.11"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("rows of a followed table"), std::string::npos) << msg;
    // Nothing of that transaction is printed (MariaDB: rows wait for the commit); what came before is.
    EXPECT_EQ(r.out, whole.out.substr(0, r.out.size()));
    EXPECT_EQ(test::split_lines(r.out).size(), 3u + 1u) << r.out;  // 3 DDL lines, the first insert
  }
}

TEST(EventsPartialRows, UnknownEventElsewhereIsSkipped) {
  const Bytes unknown = event(190, Bytes(12, 0x5a));
  Output whole = run(fixture_events());
  // Outside a transaction: after the FORMAT_DESCRIPTION.
  auto events = fixture_events();
  events.insert(events.begin() + 1, FileEvent{events[1].pos - 1, unknown});
  Output outside = run(events);
  ASSERT_TRUE(outside.status) << outside.status.error().message;
  EXPECT_EQ(outside.out, whole.out);
  // Inside a transaction whose rows belong to no followed table.
  AssemblerOptions other;
  other.tables = {"fx.other"};
  Output unfollowed = run(with_event_at_rows(unknown, 1, true), other);
  ASSERT_TRUE(unfollowed.status) << unfollowed.status.error().message;
}

}  // namespace
}  // namespace sluice::binlog
