#include "sinks/sink.h"

namespace sluice::sinks {

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kFullTable: return "FULL_TABLE";
    case Method::kIncremental: return "INCREMENTAL";
    case Method::kLogBased: return "LOG_BASED";
  }
  return "FULL_TABLE";
}

}  // namespace sluice::sinks
