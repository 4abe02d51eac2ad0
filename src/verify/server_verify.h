#pragma once
/// Compares a source table with its MySQL-family destination (the target of `sluice replicate`)
/// without moving the tables: chunk by chunk on the primary key, the source server finds each
/// chunk's end (chunk_end: the key index only) and both servers count and checksum the chunk's
/// key range (server_checksum.h); only a chunk whose numbers differ is read from both sides and
/// compared by the canonical digests (row_digest.h), which name its missing, extra and changed
/// rows (or find it equal: a FLOAT, DOUBLE or JSON the two servers print differently). The
/// differing rows are then read again once by key (VerifyOptions::before_recheck first), as
/// verify_table does. Memory: one differing chunk per side plus the differences. One thread.

#include "core/result.h"
#include "verify/mysql_table_reader.h"
#include "verify/table_verify.h"

namespace sluice::verify {

/// `source` reads the source table, `dest` the destination's; both with the same columns and key.
core::Result<TableResult> verify_table_on_servers(MysqlTableReader& source, MysqlTableReader& dest,
                                                  const VerifyOptions& options);

}  // namespace sluice::verify
