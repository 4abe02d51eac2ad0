// MariaDB's default binlog_row_metadata=NO_LOG: a TABLE_MAP names no column charset, so the
// binlog alone cannot tell latin1 text from UTF-8 text from bytes. A log-based job decodes each
// column in the charset its schema history names: latin1 and cp1251 text arrive as the same
// characters SELECT shows, BINARY/VARBINARY/BLOB bytes arrive unchanged (BINARY(n) padded as
// SELECT pads it), also when the bytes are not valid UTF-8 or happen to be.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/sync/sync_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test::sync {
namespace {

const char* kSchema = R"SQL(
DROP DATABASE IF EXISTS nolog_t;
CREATE DATABASE nolog_t CHARACTER SET utf8mb4;
CREATE TABLE nolog_t.t (
  id INT PRIMARY KEY,
  l1 VARCHAR(20) CHARACTER SET latin1, c1 CHAR(6) CHARACTER SET latin1, t1 TEXT CHARACTER SET latin1,
  cy VARCHAR(20) CHARACTER SET cp1251, u VARCHAR(20) CHARACTER SET utf8mb4,
  b BINARY(4), vb VARBINARY(8), bl BLOB, vbin VARCHAR(8) CHARACTER SET binary);
INSERT INTO nolog_t.t VALUES (1, 'snapshot', 'a', 'b', 'c', 'd', 0x61, 0x62, 0x63, 0x64);
)SQL";

// Run after the snapshot: every value below comes through the binlog.
const char* kChanges = R"SQL(
INSERT INTO nolog_t.t VALUES
 (2, 'café', 'Ã©', '€ and ÿ', 'Привет', 'héllo 😀', 0x01, 0xDEADBEEF, 0xC3A9, 0xFF00),
 (3, 'Ã©', 'é', 'plain', 'мир', 'x', 0xFFFFFFFF, 0xC3A9, 0x00FF00FF80, 0x41),
 (4, '', '', '', '', '', 0x00, '', '', '');
UPDATE nolog_t.t SET l1 = 'naïve', vb = 0x80 WHERE id = 1;
)SQL";

// What sluice sends for each column, computed by the server: text as the hex of its UTF-8 bytes,
// byte strings as base64.
const char* kExpected = R"SQL(
SELECT id, HEX(CONVERT(l1 USING utf8mb4)), HEX(CONVERT(c1 USING utf8mb4)), HEX(CONVERT(t1 USING utf8mb4)),
  HEX(CONVERT(cy USING utf8mb4)), HEX(u), TO_BASE64(b), TO_BASE64(vb), TO_BASE64(bl), TO_BASE64(vbin)
FROM nolog_t.t ORDER BY id
)SQL";

TEST(NoLogMetadata, TextAndBytesArriveAsSelectShowsThem) {
  ServerInfo server = shared_server("mariadb");
  ASSERT_EQ(admin_sql(server, "SELECT @@binlog_row_metadata"), "NO_LOG\n");
  admin_sql(server, kSchema);
  std::string config = write_config(server, "\"filter_dbs\": \"nolog_t\", \"server_id\": 7720");
  std::string catalog = make_catalog(config, "nolog_t", {{"t", "LOG_BASED"}});
  SyncRun first = run_sync(config, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  admin_sql(server, kChanges);
  SyncRun second = run_sync(config, catalog, first.out_path);
  ASSERT_EQ(second.exit_code, 0) << second.err;

  std::map<int64_t, nlohmann::json> got;  // the last record of each id
  for (const auto& r : second.records("t")) got[r["id"].get<int64_t>()] = r;
  const std::vector<std::string> text = {"l1", "c1", "t1", "cy", "u"};
  const std::vector<std::string> bytes = {"b", "vb", "bl", "vbin"};
  std::vector<std::string> rows = split_lines(admin_sql(server, kExpected));
  ASSERT_EQ(rows.size(), 4u);
  for (const std::string& line : rows) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cells.push_back(line.substr(start, tab - start));
    }
    cells.push_back(line.substr(start));
    int64_t id = std::stoll(cells[0]);
    ASSERT_TRUE(got.contains(id)) << "no binlog record of id " << id;
    for (size_t i = 0; i < text.size(); ++i) {
      EXPECT_EQ(hex_upper(got[id][text[i]].get<std::string>()), cells[1 + i]) << "id " << id << " column " << text[i];
    }
    for (size_t i = 0; i < bytes.size(); ++i) {
      EXPECT_EQ(got[id][bytes[i]].get<std::string>(), cells[1 + text.size() + i])
          << "id " << id << " column " << bytes[i];
    }
  }
}

}  // namespace
}  // namespace sluice::test::sync
