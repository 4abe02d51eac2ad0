#include "journal/resume_point.h"

namespace sluice::journal {

void advance_resume(ResumePoint& p, const change::Transaction& txn, uint64_t lsn) {
  if (!txn.resume_file.empty())
    p.position = core::BinlogPosition{std::string(txn.resume_file), txn.resume_pos};
  else if (txn.end_pos != 0)
    p.position = core::BinlogPosition{std::string(txn.file), txn.end_pos};
  if (!txn.gtid.empty()) {
    // An empty set (a header's "", parsed as MySQL's) takes the flavour of the first GTID.
    if (p.gtids.flavor() == core::GtidFlavor::kNone || p.gtids.empty()) {
      if (auto first = core::GtidSet::parse(txn.gtid)) p.gtids = std::move(*first);
    } else {
      p.gtids.add(txn.gtid);
    }
  }
  p.lsn = lsn;
}

ResumePoint resume_from_header(const std::string& resume_file, uint64_t resume_pos,
                               const std::string& gtid_set, uint64_t first_lsn) {
  ResumePoint p;
  p.position = core::BinlogPosition{resume_file, resume_pos};
  if (auto g = core::GtidSet::parse(gtid_set)) p.gtids = std::move(*g);
  p.lsn = first_lsn - 1;
  return p;
}

}  // namespace sluice::journal
