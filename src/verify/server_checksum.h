#pragma once
/// Chunk checksums computed by a MySQL-family server itself, for a destination that is one too
/// (the target of `sluice replicate`): the source and the target each count and sum a 64-bit
/// hash of the rows of a key range, and only those two numbers leave either server. Each value
/// is rendered in SQL the same way on both sides (numbers and temporals as the server prints
/// them, FLOAT as the DOUBLE it is exactly, TIMESTAMP as UNIX_TIMESTAMP (time zone aside), BIT as its number,
/// strings, JSON and bytes as HEX of their bytes, NULL as `~`); the row's hash is the first 64 bits of the
/// SHA-256 of those renderings. Servers of different flavours or versions may print an equal FLOAT, DOUBLE or
/// JSON differently: such a chunk only looks different here, and the caller settles it with the canonical
/// comparison (row_digest.h) of its rows. One thread; the connection is busy during each call.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "core/result.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"

namespace sluice::verify {

/// A key range's row count and hash sum (the sum as the server's exact DECIMAL digits).
struct ServerChunk {
  uint64_t rows = 0;
  std::string sum;
  bool operator==(const ServerChunk&) const = default;
};

/// The key of the `rows`-th row after `after` in key order (the end of the chunk that starts
/// there; the server reads the key index only), null when fewer rows follow.
core::Result<nlohmann::ordered_json> chunk_end(mysql::Connection& conn, const schema::TableSchema& table,
                                               std::span<const size_t> key,
                                               const nlohmann::ordered_json& after, size_t rows);

/// The count and hash sum of the rows of `table` matching `where` (empty: every row; see
/// extract::key_range_predicate), over `columns`.
core::Result<ServerChunk> server_checksum(mysql::Connection& conn, const schema::TableSchema& table,
                                          std::span<const size_t> columns, const std::string& where);

}  // namespace sluice::verify
