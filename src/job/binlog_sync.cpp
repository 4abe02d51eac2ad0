// The binlog pass of log-based streams.
#include "job/job_context.h"

namespace sluice::job {

core::Status sync_binlog(JobContext& ctx, const std::vector<const SelectedStream*>& streams) {
  for (const SelectedStream* s : streams) ctx.warn(s->stream_id + ": binlog catch-up is not implemented yet");
  return core::ok();
}

}  // namespace sluice::job
