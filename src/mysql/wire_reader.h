#pragma once
/// Internal to the mysql module: reads a connection's bytes below Connector/C's packet layer,
/// for a reply too large to hold whole. Connector/C joins the 16 MiB packets of one message
/// into one buffer (a 1 GiB binlog event would take 1 GiB); this reader lets the caller take
/// such a message piece by piece. It first drains the library's own read-ahead cache, then
/// reads the TLS session (OpenSSL, the library Debian's libmariadb uses) or the socket, with
/// the connection's read timeout; a signal (SIGTERM) ends a wait at once, as an error. Use it only once the
/// library will not read again (after a command whose replies never end, such as COM_BINLOG_DUMP). One
/// thread.

#include <mysql.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace sluice::mysql::detail {

class WireReader {
 public:
  /// A reader for `m`'s connection, or null when this connection cannot be read below the
  /// library (protocol compression, or a TLS library other than OpenSSL): callers then keep
  /// using mysql_net_read_packet.
  static std::unique_ptr<WireReader> open(MYSQL* m);

  /// Reads exactly `n` bytes. false when the connection dropped or timed out (see error_text()).
  [[nodiscard]] bool read(uint8_t* dst, size_t n);
  /// What made read() fail.
  const std::string& error_text() const { return error_; }
  /// True when bytes were read ahead from the connection and not handed out yet.
  bool buffered() const { return begin_ != end_; }

 private:
  explicit WireReader(MYSQL* m) : m_(m) {}
  long read_some(uint8_t* dst, size_t n);  // > 0 bytes read; <= 0 failure
  /// Waits until the socket is readable: false (error_ set) on timeout, error or a signal.
  bool wait_readable(int timeout_ms);

  MYSQL* m_;
  std::vector<uint8_t> buf_ = std::vector<uint8_t>(size_t{64} << 10);
  size_t begin_ = 0, end_ = 0;
  std::string error_;
};

}  // namespace sluice::mysql::detail
