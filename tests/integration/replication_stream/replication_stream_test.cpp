// ReplicationStream against both real servers: raw events after DML (types, sequence, positions,
// checksums, the row bytes), ROTATE across FLUSH LOGS, GTID starts, purged binlogs, TLS,
// non-blocking end, server_id conflicts. The 19-byte v4 header is parsed here, independently.
#include "mysql/replication_stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/binlog_position.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::mysql {
namespace {

using core::ErrorCode;
using test::ServerInfo;

// Event types (MySQL libbinlogevents binlog_event.h; MariaDB log_event.h).
enum : uint8_t {
  kQuery = 2,
  kRotate = 4,
  kFormatDescription = 15,
  kXid = 16,
  kTableMap = 19,
  kWriteRowsV1 = 23,
  kUpdateRowsV1 = 24,
  kDeleteRowsV1 = 25,
  kHeartbeat = 27,
  kWriteRowsV2 = 30,
  kUpdateRowsV2 = 31,
  kDeleteRowsV2 = 32,
  kGtid = 33,
  kHeartbeatV2 = 41,
  kMariaGtid = 162,
};
constexpr uint16_t kArtificial = 0x20;  // LOG_EVENT_ARTIFICIAL_F

struct Event {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t size = 0;
  uint32_t log_pos = 0;
  uint16_t flags = 0;
  std::vector<uint8_t> bytes;
  std::string text() const { return std::string(bytes.begin(), bytes.end()); }
};

uint32_t le(const uint8_t* p, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

Event parse_header(std::span<const uint8_t> raw) {
  Event e;
  e.timestamp = le(raw.data(), 4);
  e.type = raw[4];
  e.server_id = le(raw.data() + 5, 4);
  e.size = le(raw.data() + 9, 4);
  e.log_pos = le(raw.data() + 13, 4);
  e.flags = static_cast<uint16_t>(le(raw.data() + 17, 2));
  e.bytes.assign(raw.begin(), raw.end());
  return e;
}

uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

bool is_heartbeat(const Event& e) { return e.type == kHeartbeat || e.type == kHeartbeatV2; }

uint32_t next_server_id() {
  static std::atomic<uint32_t> id{7000};
  return id++;
}

core::BinlogPosition current_pos(const ServerInfo& s) {
  std::string out = test::admin_sql(s, s.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
  auto tab = out.find('\t');
  return {out.substr(0, tab), std::stoull(out.substr(tab + 1, out.find('\t', tab + 1) - tab - 1))};
}

ConnectOptions connect_options(const ServerInfo& s) {
  ConnectOptions o;
  o.host = s.host;
  o.port = static_cast<uint16_t>(s.port);
  o.user = test::kReplUser;
  o.password = test::kReplPassword;
  o.read_timeout_s = 30;  // a test never hangs on a blocking read
  return o;
}

// Reads events until the end of a non-blocking stream (heartbeats dropped).
std::vector<Event> read_to_end(ReplicationStream& stream) {
  std::vector<Event> events;
  for (int guard = 0; guard < 100000; ++guard) {
    auto ev = stream.next_event();
    EXPECT_TRUE(ev) << ev.error().message;
    if (!ev || ev->empty()) break;
    Event e = parse_header(*ev);
    if (!is_heartbeat(e)) events.push_back(std::move(e));
  }
  return events;
}

// Reads a blocking stream until an event contains `marker`.
std::vector<Event> read_until(ReplicationStream& stream, const std::string& marker) {
  std::vector<Event> events;
  for (int guard = 0; guard < 100000; ++guard) {
    auto ev = stream.next_event();
    EXPECT_TRUE(ev) << ev.error().message;
    if (!ev || ev->empty()) break;
    events.push_back(parse_header(*ev));
    if (events.back().text().find(marker) != std::string::npos) break;
  }
  return events;
}

class ReplicationStreamTest : public ::testing::TestWithParam<std::string> {
 protected:
  ServerInfo server() const { return test::shared_server(GetParam()); }
  void make_table(const ServerInfo& s) {
    test::admin_sql(s, "CREATE DATABASE IF NOT EXISTS rs_t; DROP TABLE IF EXISTS rs_t.items;"
                       "CREATE TABLE rs_t.items (id INT PRIMARY KEY, name VARCHAR(40), "
                       "size ENUM('small','medium','large')) CHARACTER SET utf8mb4;");
  }
};

TEST_P(ReplicationStreamTest, EventsAfterDmlFromFilePosition) {
  ServerInfo s = server();
  make_table(s);
  core::BinlogPosition start = current_pos(s);
  test::admin_sql(s, "INSERT INTO rs_t.items VALUES (1,'sluice-row-1','small'),(2,'sluice-row-2','large');"
                     "UPDATE rs_t.items SET name='sluice-row-1b' WHERE id=1; DELETE FROM rs_t.items WHERE id=2;");
  core::BinlogPosition end = current_pos(s);
  ReplicationOptions ro;
  ro.server_id = next_server_id();
  ro.file = start.file;
  ro.position = start.offset;
  ro.non_blocking = true;
  ro.mariadb_annotate_rows = true;  // else MariaDB leaves ANNOTATE_ROWS out and positions jump
  auto stream = ReplicationStream::open(connect_options(s), ro);
  ASSERT_TRUE(stream) << stream.error().message;
  EXPECT_TRUE((*stream)->checksums());
  std::vector<Event> events = read_to_end(**stream);
  EXPECT_TRUE((*stream)->at_end());
  auto again = (*stream)->next_event();
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());

  ASSERT_GE(events.size(), 3U);
  // The stream opens with an artificial ROTATE to the file asked for, then its FORMAT_DESCRIPTION.
  EXPECT_EQ(events[0].type, kRotate);
  EXPECT_TRUE(events[0].flags & kArtificial);
  EXPECT_EQ(events[0].text().substr(19 + 8, start.file.size()), start.file);
  EXPECT_EQ(events[1].type, kFormatDescription);
  uint32_t expected_pos = static_cast<uint32_t>(start.offset);
  int writes = 0, updates = 0, deletes = 0, table_maps = 0, xids = 0, gtids = 0;
  std::string uuid_server_id = test::admin_sql(s, "SELECT @@server_id");
  for (size_t i = 2; i < events.size(); ++i) {
    const Event& e = events[i];
    SCOPED_TRACE("event " + std::to_string(i) + " type " + std::to_string(e.type));
    EXPECT_EQ(e.size, e.bytes.size());
    // Contiguous positions: each event ends where the next begins.
    EXPECT_EQ(e.log_pos - e.size, expected_pos);
    expected_pos = e.log_pos;
    EXPECT_EQ(std::to_string(e.server_id) + "\n", uuid_server_id);
    EXPECT_EQ(crc32(e.bytes.data(), e.bytes.size() - 4), le(e.bytes.data() + e.bytes.size() - 4, 4));
    EXPECT_GT(e.timestamp, 1600000000U);
    writes += e.type == kWriteRowsV1 || e.type == kWriteRowsV2;
    updates += e.type == kUpdateRowsV1 || e.type == kUpdateRowsV2;
    deletes += e.type == kDeleteRowsV1 || e.type == kDeleteRowsV2;
    xids += e.type == kXid;
    gtids += e.type == kGtid || e.type == kMariaGtid;
    if (e.type == kTableMap) {
      ++table_maps;
      EXPECT_NE(e.text().find(std::string("\x04rs_t\0\x05items", 12)), std::string::npos);
    }
  }
  EXPECT_EQ(expected_pos, end.offset);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(updates, 1);
  EXPECT_EQ(deletes, 1);
  EXPECT_EQ(table_maps, 3);
  EXPECT_EQ(xids, 3);
  EXPECT_EQ(gtids, 3);
  // The row images carry the values as stored.
  std::string all;
  for (const auto& e : events) all += e.text();
  for (const char* v : {"sluice-row-1", "sluice-row-2", "sluice-row-1b"}) EXPECT_NE(all.find(v), std::string::npos) << v;
}

TEST_P(ReplicationStreamTest, FlushLogsRotatesIntoTheNextFile) {
  ServerInfo s = server();
  make_table(s);
  core::BinlogPosition start = current_pos(s);
  ReplicationOptions ro;
  ro.server_id = next_server_id();
  ro.file = start.file;
  ro.position = start.offset;
  ro.heartbeat_period_ms = 1000;
  ro.mariadb_annotate_rows = true;
  auto stream = ReplicationStream::open(connect_options(s), ro);
  ASSERT_TRUE(stream) << stream.error().message;
  test::admin_sql(s, "INSERT INTO rs_t.items VALUES (10,'before-rotate','medium'); FLUSH BINARY LOGS;"
                     "INSERT INTO rs_t.items VALUES (11,'after-rotate','small');");
  core::BinlogPosition next = current_pos(s);
  ASSERT_NE(next.file, start.file);
  std::vector<Event> events = read_until(**stream, "after-rotate");
  ASSERT_FALSE(events.empty());
  EXPECT_NE(events.back().text().find("after-rotate"), std::string::npos);
  // A real ROTATE (not artificial) names the next file, then the new file's FORMAT_DESCRIPTION.
  size_t rotate = events.size();
  for (size_t i = 2; i < events.size(); ++i) {
    if (events[i].type == kRotate && !(events[i].flags & kArtificial)) rotate = i;
  }
  ASSERT_LT(rotate, events.size()) << "no ROTATE in the stream";
  const Event& r = events[rotate];
  EXPECT_EQ(le(r.bytes.data() + 19, 4), 4U);  // position in the next file
  EXPECT_EQ(r.text().substr(19 + 8, next.file.size()), next.file);
  bool saw_before = false, fde_after = false;
  for (size_t i = 0; i < rotate; ++i) saw_before |= events[i].text().find("before-rotate") != std::string::npos;
  for (size_t i = rotate + 1; i < events.size(); ++i) fde_after |= events[i].type == kFormatDescription;
  EXPECT_TRUE(saw_before);
  EXPECT_TRUE(fde_after);
  // The next file is read from its start: positions run on contiguously from 4.
  uint32_t expected_pos = 4;
  for (size_t i = rotate + 1; i < events.size(); ++i) {
    if (is_heartbeat(events[i]) || (events[i].flags & kArtificial)) continue;
    EXPECT_EQ(events[i].log_pos - events[i].size, expected_pos) << "event " << i;
    expected_pos = events[i].log_pos;
  }
}

TEST_P(ReplicationStreamTest, GtidStartSkipsEarlierTransactions) {
  ServerInfo s = server();
  make_table(s);
  test::admin_sql(s, "INSERT INTO rs_t.items VALUES (20,'gtid-before','small');");
  std::string gtid = test::admin_sql(s, s.is_mysql() ? "SELECT @@global.gtid_executed" : "SELECT @@global.gtid_binlog_pos");
  gtid.erase(gtid.find_last_not_of("\n") + 1);
  test::admin_sql(s, "INSERT INTO rs_t.items VALUES (21,'gtid-after','large');");
  ReplicationOptions ro;
  ro.server_id = next_server_id();
  ro.non_blocking = true;
  if (s.is_mysql()) {
    ro.mysql_gtid_set = gtid;
  } else {
    ro.mariadb_gtid_pos = gtid;
  }
  auto stream = ReplicationStream::open(connect_options(s), ro);
  ASSERT_TRUE(stream) << stream.error().message;
  std::string all;
  int gtids = 0;
  for (const auto& e : read_to_end(**stream)) {
    all += e.text();
    gtids += e.type == kGtid || e.type == kMariaGtid;
  }
  EXPECT_EQ(all.find("gtid-before"), std::string::npos);
  EXPECT_NE(all.find("gtid-after"), std::string::npos);
  EXPECT_EQ(gtids, 1);
}

TEST_P(ReplicationStreamTest, PurgedBinlogIsReportedWithThePosition) {
  ServerInfo s = server();
  // Where a MariaDB replica that applied nothing yet would stand, then two transactions that the
  // purge below removes (whatever ran before this test, the GTID start needs purged successors).
  std::string gtid_before = test::admin_sql(s, s.is_mysql() ? "SELECT 1" : "SELECT @@gtid_binlog_pos");
  gtid_before = gtid_before.substr(0, gtid_before.find('\n'));
  test::admin_sql(s, "CREATE DATABASE IF NOT EXISTS purge_probe; DROP DATABASE purge_probe;");
  core::BinlogPosition old = current_pos(s);
  test::admin_sql(s, "FLUSH BINARY LOGS;");
  core::BinlogPosition now = current_pos(s);
  test::purge_binary_logs_to(s, now.file);
  ReplicationOptions ro;
  ro.server_id = next_server_id();
  ro.file = old.file;
  ro.position = 4;
  ro.non_blocking = true;
  auto stream = ReplicationStream::open(connect_options(s), ro);
  ASSERT_TRUE(stream) << stream.error().message;  // the error comes with the first read
  auto ev = (*stream)->next_event();
  ASSERT_FALSE(ev);
  EXPECT_EQ(ev.error().code, ErrorCode::kBinlogPurged) << ev.error().message;
  EXPECT_TRUE(ev.error().data_loss);
  EXPECT_NE(ev.error().message.find(old.file + ":4"), std::string::npos) << ev.error().message;
  EXPECT_NE(ev.error().message.find("purged"), std::string::npos) << ev.error().message;
  EXPECT_EQ(ev.error().message.find('\n'), std::string::npos);

  // From the very beginning by GTID: the first transactions are gone too.
  ReplicationOptions g;
  g.server_id = next_server_id();
  g.non_blocking = true;
  if (s.is_mysql()) {
    g.mysql_gtid_set = "";
  } else {
    g.mariadb_gtid_pos = gtid_before;  // its successors were purged
  }
  auto gs = ReplicationStream::open(connect_options(s), g);
  ASSERT_TRUE(gs) << gs.error().message;
  auto gev = (*gs)->next_event();
  std::string seen;
  for (int i = 0; !s.is_mysql() && gev && !gev->empty() && i < 10; ++i) {
    seen += std::to_string(parse_header(*gev).type) + " ";
    gev = (*gs)->next_event();
  }
  ASSERT_FALSE(gev) << "events: " << seen;
  EXPECT_EQ(gev.error().code, ErrorCode::kBinlogPurged) << gev.error().message;
}

TEST_P(ReplicationStreamTest, OverTls) {
  ServerInfo s = server();
  make_table(s);
  core::BinlogPosition start = current_pos(s);
  test::admin_sql(s, "INSERT INTO rs_t.items VALUES (30,'over-tls','small');");
  ConnectOptions co = connect_options(s);
  co.user = "sluice_tls";
  co.ssl_mode = SslMode::kVerifyIdentity;
  co.ssl_ca = s.certs + "/ca.pem";
  auto conn = Connection::connect(co);
  ASSERT_TRUE(conn) << conn.error().message;
  auto version = (*conn)->query("SHOW SESSION STATUS LIKE 'Ssl_version'");
  ASSERT_TRUE(version && !version->empty() && (*version)[0][1]);
  EXPECT_EQ((*version)[0][1]->rfind("TLSv1.", 0), 0U);
  ReplicationOptions ro;
  ro.server_id = next_server_id();
  ro.file = start.file;
  ro.position = start.offset;
  ro.non_blocking = true;
  auto stream = ReplicationStream::open(std::move(*conn), ro);
  ASSERT_TRUE(stream) << stream.error().message;
  EXPECT_TRUE((*stream)->server().tls);
  std::string all;
  for (const auto& e : read_to_end(**stream)) all += e.text();
  EXPECT_NE(all.find("over-tls"), std::string::npos);
}

TEST_P(ReplicationStreamTest, ServerIdConflicts) {
  ServerInfo s = server();
  ReplicationOptions ro;
  ro.server_id = 0;
  auto zero = ReplicationStream::open(connect_options(s), ro);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(zero.error().message.find("add \"server_id\" to the config"), std::string::npos);

  std::string own = test::admin_sql(s, "SELECT @@server_id");
  ro.server_id = static_cast<uint32_t>(std::stoul(own));
  auto same = ReplicationStream::open(connect_options(s), ro);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(same.error().message.find("is the source's own server_id"), std::string::npos) << same.error().message;

  // A replica connected with server_id X: a second reader with X is refused.
  ro.server_id = next_server_id();
  core::BinlogPosition pos = current_pos(s);
  ro.file = pos.file;
  ro.position = pos.offset;
  auto first = ReplicationStream::open(connect_options(s), ro);
  ASSERT_TRUE(first) << first.error().message;
  // MySQL lets a REPLICATION SLAVE user list replicas; MariaDB wants REPLICATION MASTER ADMIN.
  ConnectOptions checker = connect_options(s);
  if (!s.is_mysql()) {
    checker.user = test::kAdminUser;
    checker.password = test::kAdminPassword;
  }
  auto second = ReplicationStream::open(checker, ro);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kInvalidArgument) << second.error().message;
  EXPECT_NE(second.error().message.find("server_id " + std::to_string(ro.server_id) + " is already used by a replica"),
            std::string::npos)
      << second.error().message;
}

TEST_P(ReplicationStreamTest, NoReplicationGrant) {
  ServerInfo s = server();
  ConnectOptions co = connect_options(s);
  co.user = "sluice_norepl";
  ReplicationOptions ro;
  ro.server_id = next_server_id();
  ro.non_blocking = true;
  auto stream = ReplicationStream::open(co, ro);
  core::Error e;
  if (stream) {
    auto ev = (*stream)->next_event();
    ASSERT_FALSE(ev);
    e = ev.error();
  } else {
    e = stream.error();
  }
  EXPECT_EQ(e.code, ErrorCode::kPrivilege) << e.message;
  EXPECT_NE(e.message.find("REPLICATION SLAVE"), std::string::npos) << e.message;
}

INSTANTIATE_TEST_SUITE_P(Both, ReplicationStreamTest, ::testing::ValuesIn(test::shared_server_names()));

}  // namespace
}  // namespace sluice::mysql
