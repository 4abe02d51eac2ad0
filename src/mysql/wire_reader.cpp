#include "mysql/wire_reader.h"

// ma_pvio.h declares the TLS member of a connection only when HAVE_TLS is defined (as it is
// in the libmariadb this builds against; WireReader::open checks it at run time).
// ma_tls.h, which it then includes first, uses ma_pvio.h's `uchar` before that typedef.
#define HAVE_TLS 1
typedef unsigned char uchar;
#include <ma_pvio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <string_view>

namespace sluice::mysql::detail {

std::unique_ptr<WireReader> WireReader::open(MYSQL* m) {
  if (m == nullptr || m->net.pvio == nullptr || m->net.compress) return nullptr;
  MARIADB_PVIO* pvio = m->net.pvio;
  if (pvio->methods == nullptr || pvio->methods->read == nullptr) return nullptr;
  if (pvio->ctls != nullptr) {
    const char* lib = nullptr;
    if (mariadb_get_infov(m, MARIADB_TLS_LIBRARY, &lib) != 0 || lib == nullptr ||
        std::string_view(lib).substr(0, 7) != "OpenSSL" || pvio->ctls->ssl == nullptr ||
        pvio->methods->wait_io_or_timeout == nullptr) {
      return nullptr;
    }
  }
  return std::unique_ptr<WireReader>(new WireReader(m));
}

bool WireReader::wait_readable(int timeout_ms) {
  // Our own poll, not the library's: it retries after a signal, so a SIGTERM would wait for the
  // next heartbeat; here the caller sees the interruption at once and checks its stop flag.
  pollfd p{static_cast<int>(mysql_get_socket(m_)), POLLIN, 0};
  int r = ::poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1);
  if (r > 0) return true;
  error_ = r == 0           ? "no data from the server within the read timeout"
           : errno == EINTR ? "the read was interrupted by a signal"
                            : std::string("waiting for the server failed: ") + std::strerror(errno);
  return false;
}

long WireReader::read_some(uint8_t* dst, size_t n) {
  MARIADB_PVIO* pvio = m_->net.pvio;
  // Bytes the library read ahead (its 16 KiB cache) come first.
  if (pvio->cache != nullptr && pvio->cache_pos < pvio->cache + pvio->cache_size) {
    size_t have = static_cast<size_t>(pvio->cache + pvio->cache_size - pvio->cache_pos);
    size_t k = std::min(have, n);
    std::memcpy(dst, pvio->cache_pos, k);
    pvio->cache_pos += k;
    return static_cast<long>(k);
  }
  const int timeout = pvio->timeout[PVIO_READ_TIMEOUT];
  if (pvio->ctls != nullptr) {
    SSL* ssl = static_cast<SSL*>(pvio->ctls->ssl);
    int want = static_cast<int>(std::min<size_t>(n, INT_MAX));
    // SSL_read may itself wait on the socket (its own receive timeout): what it waited counts.
    auto waiting_since = std::chrono::steady_clock::now();
    while (true) {
      errno = 0;
      int r = SSL_read(ssl, dst, want);
      if (r > 0) return r;
      int e = SSL_get_error(ssl, r);
      if (e == SSL_ERROR_WANT_READ && errno == EINTR) {  // the socket's read was cut by a signal
        error_ = "the read was interrupted by a signal";
        return -1;
      }
      if (e != SSL_ERROR_WANT_READ) {
        error_ = e == SSL_ERROR_ZERO_RETURN ? "the server closed the TLS session" : "TLS read failed";
        if (e == SSL_ERROR_SSL) {
          char text[256];
          ERR_error_string_n(ERR_get_error(), text, sizeof text);
          error_ += std::string(" (") + text + ")";
        }
        return -1;
      }
      int left = timeout;
      if (timeout > 0) {
        auto waited = std::chrono::steady_clock::now() - waiting_since;
        left =
            timeout - static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count());
        if (left <= 0) {
          error_ = "no data from the server within the read timeout";
          return -1;
        }
      }
      if (!wait_readable(left)) return -1;
      waiting_since = std::chrono::steady_clock::now();  // bytes came: a new wait begins
    }
  }
  if (!wait_readable(timeout)) return -1;
  long r = static_cast<long>(pvio->methods->read(pvio, dst, n));  // data is there: does not wait
  if (r == 0) error_ = "the server closed the connection";
  if (r < 0) error_ = errno == EAGAIN || errno == EWOULDBLOCK ? "no data from the server within the read timeout"
                                                              : std::string("read failed: ") + std::strerror(errno);
  return r;
}

bool WireReader::read(uint8_t* dst, size_t n) {
  while (n > 0) {
    if (begin_ == end_) {
      if (n >= buf_.size() / 2) {  // a large read goes straight to its destination
        long r = read_some(dst, n);
        if (r <= 0) return false;
        dst += r;
        n -= static_cast<size_t>(r);
        continue;
      }
      long r = read_some(buf_.data(), buf_.size());
      if (r <= 0) return false;
      begin_ = 0;
      end_ = static_cast<size_t>(r);
    }
    size_t k = std::min(n, end_ - begin_);
    std::memcpy(dst, buf_.data() + begin_, k);
    begin_ += k;
    dst += k;
    n -= k;
  }
  return true;
}

}  // namespace sluice::mysql::detail
