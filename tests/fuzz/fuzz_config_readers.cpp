// libFuzzer target for the readers of files a user or an earlier run wrote: the config (source,
// job and destination keys), the catalog, the Singer state (one object, or a captured stdout),
// the schema history and the stream checkpoint. Any input must give a value or an error:
// a crash, a sanitizer report or an escaping exception is a bug.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "config/catalog.h"
#include "config/destination.h"
#include "config/job_config.h"
#include "config/json_file.h"
#include "config/state.h"
#include "schema/schema_history.h"
#include "source/stream_checkpoint.h"

using namespace sluice;

namespace {

// The readers that take a path get the input through one scratch file.
const std::string& scratch_path() {
  static const std::string path = "/tmp/fuzz_config_readers." + std::to_string(::getpid());
  return path;
}

bool write_scratch(std::string_view text) {
  std::FILE* f = std::fopen(scratch_path().c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

void read_everything(std::string_view text) {
  (void)config::parse_job_config_text(text, "fuzz");
  if (auto doc = config::parse_json_text(text, "fuzz")) {
    (void)config::parse_catalog(*doc, "fuzz");
    (void)config::parse_job_config(*doc, "fuzz");
    (void)config::parse_destination(*doc, "fuzz");
    (void)config::destination_from_config(*doc, "fuzz");
  }
  auto ordered = nlohmann::ordered_json::parse(text, nullptr, false);
  if (!ordered.is_discarded()) {
    if (auto state = config::parse_state(ordered, "fuzz")) {
      // What a job does with a state it accepted: read the bookmarks and write it back.
      for (const auto& [stream, b] : state->json()["bookmarks"].items()) (void)state->find_bookmark(stream);
      (void)state->dump();
    }
  }
  if (auto h = schema::SchemaHistory::from_json(text)) (void)h->to_json();
  if (write_scratch(text)) {
    (void)config::load_state(scratch_path());
    (void)config::load_job_config(scratch_path());
    (void)source::load_checkpoint(scratch_path());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    read_everything(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (...) {
    std::abort();  // readers return errors; nothing may throw out of them
  }
  return 0;
}
