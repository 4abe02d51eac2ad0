#include "change/owned_change.h"

namespace sluice::change {
namespace {

size_t text_size(std::span<const core::Value> image) {
  size_t n = 0;
  for (const core::Value& v : image) n += v.text.size();
  return n;
}

// Appends `s` to `bytes` (whose capacity was reserved: no reallocation) and views the copy.
std::string_view keep(std::vector<char>& bytes, std::string_view s) {
  if (s.empty()) return {};
  const size_t at = bytes.size();
  bytes.insert(bytes.end(), s.begin(), s.end());
  return std::string_view(bytes.data() + at, s.size());
}

}  // namespace

OwnedChange::OwnedChange(OwnedChange&& other) noexcept { *this = std::move(other); }

OwnedChange& OwnedChange::operator=(OwnedChange&& other) noexcept {
  // The vectors' buffers move with them, so the views into them stay valid.
  bytes_ = std::move(other.bytes_);
  values_ = std::move(other.values_);
  txn_ = other.txn_;
  change_ = other.change_;
  if (change_.txn != nullptr) change_.txn = &txn_;
  other.change_ = RowChange{};
  return *this;
}

void OwnedChange::assign(const RowChange& c) {
  const Transaction* t = c.txn;
  size_t need = c.database.size() + c.table.size() + text_size(c.before) + text_size(c.after);
  if (t != nullptr) need += t->file.size() + t->gtid.size() + t->resume_file.size();
  bytes_.clear();
  bytes_.reserve(need);
  values_.assign(c.before.begin(), c.before.end());
  values_.insert(values_.end(), c.after.begin(), c.after.end());
  for (core::Value& v : values_) v.text = keep(bytes_, v.text);
  change_ = c;
  change_.database = keep(bytes_, c.database);
  change_.table = keep(bytes_, c.table);
  change_.before = std::span<const core::Value>(values_.data(), c.before.size());
  change_.after = std::span<const core::Value>(values_.data() + c.before.size(), c.after.size());
  change_.txn = nullptr;
  if (t != nullptr) {
    txn_ = *t;
    txn_.file = keep(bytes_, t->file);
    txn_.gtid = keep(bytes_, t->gtid);
    txn_.resume_file = keep(bytes_, t->resume_file);
    change_.txn = &txn_;
  }
}

}  // namespace sluice::change
