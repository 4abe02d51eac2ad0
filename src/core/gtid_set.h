#pragma once
/// The GTID state of a server, one type for both flavours:
///
///  - MySQL: a GTID set, "uuid[:tag]:intervals" items joined by ',' ("3e11fa47-...:1-5:7,
///    3e11fa47-...:etl:1-3"): every executed transaction as closed intervals of transaction
///    numbers per source UUID, and per tag since MySQL 8.3 (a tag applies to the intervals after
///    it; tags are [a-z_][a-z0-9_]{0,31}, case-insensitive).
///    https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
///  - MariaDB: a GTID position, "domain-server-seq" items joined by ',' ("0-1-42,1-2-7"): the
///    last GTID of each replication domain. https://mariadb.com/kb/en/gtid/
///
/// str() prints the canonical form, as the servers print theirs: MySQL items sorted by UUID, lower
/// case, intervals merged, the untagged intervals first, then each tag's in tag order
/// ("uuid:1-5:7:etl:1-3,uuid2:1"); MariaDB items sorted by domain. The binary form of a MySQL
/// set (PREVIOUS_GTIDS, COM_BINLOG_DUMP_GTID) is read in binlog and written in mysql.
/// Not thread-safe. Memory: one entry per source (UUID and tag) or domain.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace sluice::core {

enum class GtidFlavor : uint8_t { kNone = 0, kMySql = 1, kMariaDb = 2 };

class GtidSet {
 public:
  /// MySQL: one source UUID (and tag) with its transaction numbers.
  struct Source {
    std::array<uint8_t, 16> uuid{};
    std::string tag;                                       ///< lower case; "" = untagged
    std::vector<std::pair<uint64_t, uint64_t>> intervals;  ///< closed [first, last], sorted, apart
  };
  /// MariaDB: the last GTID of one replication domain.
  struct Domain {
    uint32_t domain = 0;
    uint32_t server = 0;
    uint64_t seq = 0;
  };

  /// The empty set of `flavor` (kNone: a state nobody follows; add() then does nothing).
  explicit GtidSet(GtidFlavor flavor = GtidFlavor::kNone) : flavor_(flavor) {}

  /// Parses `text` as a set of `flavor` (surrounding whitespace and newlines, as MySQL wraps long
  /// sets, are ignored; "" is the empty set). kInvalidArgument naming the item that does not parse.
  static Result<GtidSet> parse(GtidFlavor flavor, std::string_view text);
  /// As above, the flavour told by the text (looks_like_mariadb_gtid_pos, else MySQL).
  static Result<GtidSet> parse(std::string_view text);

  /// Adds one transaction's GTID ("uuid:n", "uuid:tag:n"; "domain-server-seq"): false, and the
  /// set unchanged, when it is not one of this flavour.
  bool add(std::string_view gtid);

  std::string str() const;
  GtidFlavor flavor() const { return flavor_; }
  bool empty() const { return sources_.empty() && domains_.empty(); }
  /// True when every transaction of `other` is in this set: MySQL, each interval of `other`
  /// inside one of ours; MariaDB, each domain of `other` here with at least its sequence number.
  /// False for sets of different flavours.
  bool contains(const GtidSet& other) const;
  /// MariaDB: the GTID position both `a` and `b` reached: per domain of both, the item with the
  /// smaller sequence number (domains of one only are left out). Empty for MySQL sets.
  static GtidSet mariadb_meet(const GtidSet& a, const GtidSet& b);

  const std::vector<Source>& sources() const { return sources_; }  ///< sorted by (uuid, tag)
  const std::vector<Domain>& domains() const { return domains_; }  ///< sorted by domain

 private:
  Status add_mysql_item(std::string_view item);
  Source& source(const std::array<uint8_t, 16>& uuid, std::string_view tag);
  void set_domain(const Domain& d);

  GtidFlavor flavor_;
  std::vector<Source> sources_;
  std::vector<Domain> domains_;
};

/// True when `text` is a MariaDB GTID position ("0-1-42,1-2-7"), false for anything else (a
/// MySQL GTID set has ':' in every item).
bool looks_like_mariadb_gtid_pos(std::string_view text);

/// Appends the 16 bytes at `uuid` as "3e11fa47-71ca-11e1-9e33-c80aa9429562".
void append_uuid_text(std::string& out, const uint8_t* uuid);

}  // namespace sluice::core
