#pragma once
/// Two-phase XA transactions that were prepared (XA PREPARE) and are not yet committed or
/// rolled back, with their rows events of followed tables. The rows become real only at the
/// transaction's XA COMMIT, which may come much later in the binlog (after other transactions,
/// in a later file); XA ROLLBACK drops them. Owned by whoever outlives the ChangeAssembler
/// (a live stream makes a new assembler per connection), shared with it by pointer.
///
/// Memory: the rows' bytes are copied here (never views into a reader's block, which would pin
/// the block for as long as the transaction stays prepared), at most `limit()` bytes in all.
/// Not thread-safe.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/events/events.h"
#include "binlog/table_layout.h"

namespace sluice::binlog {

class PreparedXa {
 public:
  struct RowsRef {  // one held rows event; its bytes are bitmaps then rows at `off` of Txn::bytes
    TableLayoutPtr layout;
    change::Op op = change::Op::kInsert;
    bool partial = false;
    size_t off = 0, bitmap_len = 0, rows_len = 0;
  };
  struct Txn {
    std::string xid;   ///< normalized (see key())
    std::string file;  ///< where its group begins (a restart must read from there to see it)
    uint64_t begin_pos = 0;
    std::string gtid;
    std::vector<RowsRef> rows;
    std::vector<uint8_t> bytes;
    std::span<const uint8_t> before(const RowsRef& r) const { return {bytes.data() + r.off, r.bitmap_len}; }
    std::span<const uint8_t> after(const RowsRef& r) const {
      return {bytes.data() + r.off + r.bitmap_len, r.bitmap_len};
    }
    std::span<const uint8_t> rows_of(const RowsRef& r) const {
      return {bytes.data() + r.off + 2 * r.bitmap_len, r.rows_len};
    }
  };

  explicit PreparedXa(size_t limit = size_t{64} << 20) : limit_(limit) {}

  /// The XID as a map key: `text` ("X'6f6e65',X'',1" as XA statements and XA_PREPARE_LOG_EVENT
  /// write it) without blanks, hex digits in lower case.
  static std::string key(std::string_view text);

  /// Holds a prepared transaction (replacing one of the same XID).
  void add(Txn txn);
  /// Takes the transaction of `xid` out (its XA COMMIT or XA ROLLBACK); false when not held.
  bool take(std::string_view xid, Txn& out);

  bool empty() const { return txns_.empty(); }
  size_t size() const { return txns_.size(); }
  /// The transaction prepared first (the earliest a restart must read from); null when none.
  const Txn* oldest() const;
  /// Bytes held, and the most that may be.
  size_t bytes() const { return bytes_; }
  size_t limit() const { return limit_; }

 private:
  size_t limit_;
  size_t bytes_ = 0;
  std::vector<Txn> txns_;  // in prepare order
};

}  // namespace sluice::binlog
