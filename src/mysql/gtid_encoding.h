#pragma once
/// MySQL GTID sets in text ("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7,uuid2:1-3") and in the
/// binary form COM_BINLOG_DUMP_GTID carries (sql/rpl_gtid_set.cc, Gtid_set::encode):
///
///   n_sids:8
///   per sid:  uuid:16  n_intervals:8  per interval: start:8 end:8 (end exclusive)
///
/// all integers little-endian. Tagged GTIDs (MySQL 8.3+, "uuid:tag:1-5") are not supported.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::mysql {

/// One source UUID and its transaction-number intervals [start, end), sorted and merged.
struct GtidSetEntry {
  std::array<uint8_t, 16> uuid{};
  std::vector<std::pair<uint64_t, uint64_t>> intervals;
};

/// Parses a MySQL GTID set text; whitespace and newlines around items are ignored; an empty
/// text is the empty set. Errors (kInvalidArgument) name the offending item.
core::Result<std::vector<GtidSetEntry>> parse_mysql_gtid_set(std::string_view text);

/// The binary encoding of `set` for COM_BINLOG_DUMP_GTID.
std::vector<uint8_t> encode_mysql_gtid_set(const std::vector<GtidSetEntry>& set);

}  // namespace sluice::mysql
