#include "change/method.h"

namespace sluice::change {

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kFullTable:
      return "FULL_TABLE";
    case Method::kIncremental:
      return "INCREMENTAL";
    case Method::kLogBased:
      return "LOG_BASED";
  }
  return "UNKNOWN";
}

std::string_view method_option(Method method) {
  switch (method) {
    case Method::kFullTable:
      return "full_table";
    case Method::kIncremental:
      return "incremental";
    case Method::kLogBased:
      return "log_based";
  }
  return "unknown";
}

}  // namespace sluice::change
