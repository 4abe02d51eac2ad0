#include "mysql/wire_reader.h"

// ma_pvio.h declares the TLS member of a connection only when HAVE_TLS is defined (as it is
// in the libmariadb this builds against; WireReader::open checks it at run time).
// ma_tls.h, which it then includes first, uses ma_pvio.h's `uchar` before that typedef.
#define HAVE_TLS 1
typedef unsigned char uchar;
#include <ma_pvio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
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
    while (true) {
      int r = SSL_read(ssl, dst, want);
      if (r > 0) return r;
      int e = SSL_get_error(ssl, r);
      if (e != SSL_ERROR_WANT_READ) {
        error_ = e == SSL_ERROR_ZERO_RETURN ? "the server closed the TLS session" : "TLS read failed";
        if (e == SSL_ERROR_SSL) {
          char text[256];
          ERR_error_string_n(ERR_get_error(), text, sizeof text);
          error_ += std::string(" (") + text + ")";
        }
        return -1;
      }
      if (pvio->methods->wait_io_or_timeout(pvio, 1, timeout) < 1) {
        error_ = "no data from the server within the read timeout";
        return -1;
      }
    }
  }
  long r = static_cast<long>(pvio->methods->read(pvio, dst, n));  // waits up to the read timeout
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
