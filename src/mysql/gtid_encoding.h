#pragma once
/// The binary form of a MySQL GTID set that COM_BINLOG_DUMP_GTID carries (sql/rpl_gtid_set.cc,
/// Gtid_set::encode), all integers little-endian:
///
///   n_sids:8
///   per sid:  uuid:16  [tag]  n_intervals:8  per interval: start:8 end:8 (end exclusive)
///
/// A set without tags has the classic layout every server version reads (no [tag]). A set with a
/// tagged source (MySQL 8.3+) takes the tagged format: the first 8 bytes are
/// (1 << 56) | (n_sids << 8) | 1, and each sid carries [tag] = one byte (length << 1), then the
/// lower-case tag (0x00 when untagged). The text form is core::GtidSet.

#include <cstdint>
#include <vector>

#include "core/gtid_set.h"

namespace sluice::mysql {

/// The binary encoding of a MySQL GTID set for COM_BINLOG_DUMP_GTID (a set of another flavour
/// encodes as the empty set).
std::vector<uint8_t> encode_mysql_gtid_set(const core::GtidSet& set);

}  // namespace sluice::mysql
