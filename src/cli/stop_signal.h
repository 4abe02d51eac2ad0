#pragma once
/// SIGINT and SIGTERM as a stop request, for the verbs that run long (`sync`, `binlog stream`):
/// the first signal sets a flag that the work checks at its next safe point (after committing
/// a chunk or a transaction, at the next event); a second one ends the process at once, by that
/// signal (what was committed stays committed). Process-wide; the handler only touches atomics.

#include <atomic>

namespace sluice::cli {

/// Installs the handlers for SIGINT and SIGTERM and clears the flag; returns it. With
/// `restart_calls`, system calls that the signal interrupts are restarted (SA_RESTART), so the
/// client libraries' blocking reads are not cut short; without, a blocking read returns early
/// (a stream waiting for the server notices the stop at once, not at the next heartbeat).
const std::atomic<bool>& install_stop_handlers(bool restart_calls);

/// The name of the signal that set the flag ("SIGTERM", "SIGINT"), "a signal" when unknown.
const char* stop_signal_name();

}  // namespace sluice::cli
