#pragma once
/// Follows the GTID state of a binlog stream, transaction by transaction, so that a checkpoint
/// can name the full state and not only the last GTID:
///
///  - MySQL: a GTID set ("uuid:1-5:7,uuid2:1-9"): every executed transaction, as intervals.
///    https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
///  - MariaDB: a GTID position ("0-1-42,1-2-7"): the last GTID of each replication domain.
///    https://mariadb.com/kb/en/gtid/
///
/// Fed the GTID strings of change::Transaction ("uuid:n", "uuid:tag:n", "domain-server-seq").
/// Not thread-safe. Memory: one entry per source UUID / domain.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::binlog {

class GtidTracker {
 public:
  enum class Kind : uint8_t { kNone = 0, kMySql = 1, kMariaDb = 2 };

  /// Starts from `text` (a MySQL GTID set or a MariaDB GTID position, per `kind`; "" = empty).
  /// Errors (kInvalidArgument) name the item that does not parse.
  core::Status reset(Kind kind, std::string_view text);

  /// Adds one transaction's GTID. A GTID of the other flavor or an unparsable one is ignored
  /// (anonymous transactions have none) and makes `complete()` false.
  void add(std::string_view gtid);

  /// The current state as text (MySQL set sorted by UUID; MariaDB position sorted by domain).
  std::string text() const;
  Kind kind() const { return kind_; }
  /// False once a GTID could not be tracked: text() then misses transactions.
  bool complete() const { return complete_; }

 private:
  struct Source {
    std::string sid;  ///< "uuid" or "uuid:tag", lower case
    std::vector<std::pair<uint64_t, uint64_t>> intervals;  ///< closed [first, last], sorted, disjoint
  };
  struct Domain {
    uint32_t domain = 0;
    uint32_t server = 0;
    uint64_t seq = 0;
  };
  bool add_mysql(std::string_view gtid);
  bool add_mariadb(std::string_view gtid);
  static void insert(Source& s, uint64_t first, uint64_t last);

  Kind kind_ = Kind::kNone;
  bool complete_ = true;
  std::vector<Source> sources_;
  std::vector<Domain> domains_;
};

/// The text ("uuid:1-5:7,uuid:tag:1-3") of a MySQL GTID set in its binary form, as a
/// PREVIOUS_GTIDS event holds it (Gtid_set::encode: an 8-byte count whose top byte is the
/// format, 0 plain or 1 tagged; per source the UUID, in the tagged format its tag, then the
/// intervals [start, end) as 8-byte pairs). kCorrupt when the bytes do not add up.
core::Result<std::string> mysql_gtid_set_text(std::span<const uint8_t> encoded);

/// Appends the 16 bytes at `uuid` as "3e11fa47-71ca-11e1-9e33-c80aa9429562".
void append_uuid_text(std::string& out, const uint8_t* uuid);

/// Parses "domain-server-seq" (MariaDB GTID). False when it is not one.
bool parse_mariadb_gtid(std::string_view text, uint32_t& domain, uint32_t& server, uint64_t& seq);

/// True when `text` looks like a MariaDB GTID position ("0-1-42,1-2-7"), false for anything
/// else (a MySQL GTID set has ':' in every item).
bool looks_like_mariadb_gtid_pos(std::string_view text);

}  // namespace sluice::binlog
