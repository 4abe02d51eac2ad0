#include "journal/verify.h"

#include "journal/log_dir.h"
#include "journal/record.h"

namespace sluice::journal {
namespace {

// Checks one segment into `report`; `expected_lsn` is the LSN its first record must have
// (0: any, for the oldest segment). Returns the LSN the next segment must start at.
uint64_t verify_segment(const SegmentFile& f, bool last, uint64_t expected_lsn, VerifyReport& report,
                        Record& record, bool& in_fragment) {
  SegmentHeader header;
  uint64_t fragment_lsn = 0;
  auto visit = [&](const RecordHeader& h, std::span<const uint8_t> body, uint64_t offset) {
    if (auto st = decode_record(body, h.lsn, h.flags, record); !st) {
      report.problems.push_back(f.path + " at offset " + std::to_string(offset) + ": LSN " +
                                std::to_string(h.lsn) + ": " + st.error().message);
    }
    if (report.first_lsn == 0) report.first_lsn = h.lsn;
    report.last_lsn = h.lsn;
    if (!in_fragment) fragment_lsn = h.lsn;
    in_fragment = record.more;
    if (!record.more) advance_resume(report.resume, record.txn, h.lsn);
    return true;
  };
  auto end = scan_segment(
      f.path, header, [&](const RecordHeader& h, std::span<const uint8_t> body, uint64_t offset) {
        if (report.first_lsn == 0) {  // the oldest record's segment tells the state before it
          report.resume =
              resume_from_header(header.resume_file, header.resume_pos, header.gtid_set, header.first_lsn);
        }
        return visit(h, body, offset);
      });
  if (!end) {
    report.problems.push_back(end.error().message);
    return 0;
  }
  if (header.first_lsn != f.first_lsn) {
    report.problems.push_back(f.path + ": its header says first LSN " + std::to_string(header.first_lsn) +
                              ", its name " + std::to_string(f.first_lsn));
  }
  if (expected_lsn != 0 && header.first_lsn != expected_lsn) {
    report.problems.push_back(f.path + ": starts at LSN " + std::to_string(header.first_lsn) + " where LSN " +
                              std::to_string(expected_lsn) +
                              " was expected (records missing between segments)");
  }
  if (!end->problem.empty()) report.problems.push_back(end->problem);
  const std::string at = f.path + " at offset " + std::to_string(end->good_end);
  if (end->torn && last) {
    report.problems.push_back(
        at + ": torn tail (" + std::to_string(f.size - end->good_end) +
        " bytes: a record cut short or failing its CRC); the writer cuts it when it opens the journal");
  } else if (end->torn) {
    report.problems.push_back(at + ": a record cut short or failing its CRC before the next segment");
  }
  if (last && in_fragment && end->problem.empty()) {
    report.problems.push_back(f.path + ": the transaction from LSN " + std::to_string(fragment_lsn) +
                              " has no last fragment; the writer cuts it when it opens the journal");
  }
  return end->last_lsn != 0 ? end->last_lsn + 1 : header.first_lsn;
}

}  // namespace

core::Result<VerifyReport> verify_log(const std::string& dir) {
  auto files = list_segments(dir);
  if (!files) return core::fail(files.error());
  VerifyReport report;
  auto applied = read_applied_lsn(dir);
  if (applied)
    report.applied_lsn = *applied;
  else
    report.problems.push_back(applied.error().message);
  if (files->empty()) report.problems.push_back(dir + ": no journal segment (seg-*.sjl) in it");
  report.segments = files->size();
  Record record;
  bool in_fragment = false;
  uint64_t expected = 0;
  for (size_t i = 0; i < files->size(); ++i) {
    const SegmentFile& f = (*files)[i];
    report.bytes += f.size;
    expected = verify_segment(f, i + 1 == files->size(), expected, report, record, in_fragment);
  }
  if (report.applied_lsn > report.last_lsn) {
    report.problems.push_back(dir + "/applied: LSN " + std::to_string(report.applied_lsn) +
                              " is past the journal's last record " + std::to_string(report.last_lsn));
  }
  return report;
}

}  // namespace sluice::journal
