#include "source/resume_guard.h"

#include <algorithm>

#include "core/binlog_position.h"

namespace sluice::source {

bool ResumeGuard::delivered_before(const change::Transaction& txn) {
  if (delivered_file_.empty()) return false;
  int c = core::compare_binlog_files(txn.file, delivered_file_);
  if (c < 0 || (c == 0 && txn.begin_pos < delivered_pos_)) return true;
  delivered_file_.clear();
  return false;
}

bool ResumeGuard::replayed(const change::Transaction& txn) {
  if (delivered_before(txn)) return true;
  if (!open_ || open_begin_ != txn.begin_pos || open_file_ != txn.file) {
    open_ = true;
    open_file_.assign(txn.file);
    open_begin_ = txn.begin_pos;
    open_count_ = 0;
  }
  ++open_count_;
  return skip_count_ >= open_count_ && skip_begin_ == open_begin_ && skip_file_ == open_file_;
}

void ResumeGuard::committed(const change::Transaction& txn) {
  open_ = false;
  open_count_ = 0;
  skip_count_ = 0;
  skip_file_.clear();
  file_.assign(txn.file);
  pos_ = txn.end_pos;
  gtid_.assign(txn.gtid);
  gtids_.add(txn.gtid);
  resume_file_.assign(txn.resume_file);
  resume_pos_ = txn.resume_pos;
  ++commits_;
}

void ResumeGuard::on_disconnect() {
  if (open_ && open_count_ > 0) {
    // A second drop while replaying the same transaction keeps the larger count.
    bool same = skip_count_ > 0 && skip_begin_ == open_begin_ && skip_file_ == open_file_;
    skip_count_ = same ? std::max(skip_count_, open_count_) : open_count_;
    skip_file_ = open_file_;
    skip_begin_ = open_begin_;
  }
  open_ = false;
  open_count_ = 0;
}

void ResumeGuard::set_delivered(std::string file, uint64_t pos) {
  delivered_file_ = std::move(file);
  delivered_pos_ = pos;
}

void ResumeGuard::set_committed(std::string file, uint64_t pos, std::string gtid) {
  file_ = std::move(file);
  pos_ = pos;
  gtid_ = std::move(gtid);
}

}  // namespace sluice::source
