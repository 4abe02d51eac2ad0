#include "binlog/prepared_xa.h"

#include <algorithm>

namespace sluice::binlog {

std::string PreparedXa::key(std::string_view text) {
  std::string k;
  k.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';') continue;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    k.push_back(c);
  }
  // The leading X of each hex literal stays upper case: X'..' (x'..' is the same literal).
  for (size_t i = 0; i + 1 < k.size(); ++i) {
    if (k[i] == 'x' && k[i + 1] == '\'') k[i] = 'X';
  }
  return k;
}

void PreparedXa::add(Txn txn) {
  Txn dropped;
  (void)take(txn.xid, dropped);
  bytes_ += txn.bytes.size();
  txns_.push_back(std::move(txn));
}

bool PreparedXa::take(std::string_view xid, Txn& out) {
  auto it = std::find_if(txns_.begin(), txns_.end(), [&](const Txn& t) { return t.xid == xid; });
  if (it == txns_.end()) return false;
  bytes_ -= it->bytes.size();
  out = std::move(*it);
  txns_.erase(it);
  return true;
}

const PreparedXa::Txn* PreparedXa::oldest() const { return txns_.empty() ? nullptr : &txns_.front(); }

}  // namespace sluice::binlog
