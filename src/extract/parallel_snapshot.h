#pragma once
/// Parallel chunks of one keyed snapshot: one reader thread per connection reads consecutive
/// key ranges (key_ranges.h) with `SELECT ... WHERE key > lo AND key <= hi ORDER BY key`,
/// streamed, and hands the rows as packed text cells to the calling thread through a
/// BatchQueue bounded in bytes (batch_queue.h); the calling thread (the sink's thread) turns
/// them into values and delivers them to the SnapshotConsumer. Rows of different ranges
/// interleave; rows of one range arrive in key order.
///
/// Resumable: on_checkpoint(key) receives the *contiguous frontier*, the largest key K such
/// that every row with a key <= K was delivered (all lower ranges complete, and the lowest
/// incomplete range delivered up to K). A range finished above an unfinished lower one does
/// not move it, so a job resumed from `last_pk_fetched` = K loses nothing (rows above K that
/// were already delivered come again: at-least-once). Checkpoints come when the frontier
/// passes a finished range and whenever checkpoint_due().
///
/// Threads: the caller's thread consumes; readers are joined before this returns, also on
/// errors (the queue is cancelled, readers stop at their next batch). A connection is used by
/// one reader only. Memory: the queue holds at most ~8 MiB of cells, plus one batch per reader.

#include <span>

#include "core/result.h"
#include "extract/snapshot_reader.h"
#include "mysql/connection.h"

namespace sluice::extract {

/// Reads the keyed snapshot `spec` (key non-empty; `upto` non-null) over `conns` (one reader
/// each; conns[0] also reads MIN(key) first), delivering every row to `out` on this thread.
core::Status read_snapshot_parallel(std::span<mysql::Connection* const> conns, const SnapshotSpec& spec,
                                    SnapshotConsumer& out);

}  // namespace sluice::extract
