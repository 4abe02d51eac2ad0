#pragma once
/// Test helper: a binlog file decoded in-process into the JSON lines `sluice binlog read`
/// prints (docs/json-lines.md), for the integration tests that compare them with a server's
/// own decoder and with SELECT. A decoding error fails the calling test.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "binlog/binlog_files.h"
#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"

namespace sluice::test {

/// The JSON lines (one per change, '\n'-separated) of `file`, limited to `databases`.
inline std::string binlog_json_lines(const std::string& file, const std::vector<std::string>& databases) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* mem = open_memstream(&buf, &len);
  core::Status st;
  {
    binlog::ChangePrinter printer(mem, binlog::PrinterOptions{false, false});
    binlog::AssemblerOptions ao;
    ao.databases = databases;
    binlog::ChangeAssembler assembler(printer, ao);
    binlog::EventDecoder decoder;
    st = binlog::read_binlog_files({file}, {}, decoder, assembler);
    if (st) st = assembler.finish();
  }
  std::fclose(mem);
  std::string out(buf, len);
  std::free(buf);
  EXPECT_TRUE(st) << "decoding " << file << ": " << (st ? "" : st.error().message);
  return out;
}

}  // namespace sluice::test
