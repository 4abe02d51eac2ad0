#include "sinks/postgres/pg_ddl.h"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace sluice::sinks::pg {
namespace {

/// An exact number type as (integer digits, scale); integer types keep their name for output.
struct ExactType {
  int int_digits = 0;
  int scale = 0;
  const char* integer_name = nullptr;  ///< smallint / integer / bigint, else null (numeric)
};

std::optional<ExactType> exact_type(std::string_view t) {
  if (t == "smallint") return ExactType{4, 0, "smallint"};  // up to 32767: 4 whole digits always fit
  if (t == "integer") return ExactType{9, 0, "integer"};
  if (t == "bigint") return ExactType{18, 0, "bigint"};
  if (t == "numeric") return ExactType{1000, 1000, nullptr};  // unconstrained
  int p = 0, s = 0;
  char tail = 0;
  std::string text(t);
  if (std::sscanf(text.c_str(), "numeric(%d,%d%c", &p, &s, &tail) == 3 && tail == ')' && p > 0 && s >= 0 &&
      s <= p) {
    return ExactType{p - s, s, nullptr};
  }
  return std::nullopt;
}

// The exact digits an integer type can always hold vs the largest magnitude it can hold.
int max_int_digits(const ExactType& e) {
  if (e.integer_name == nullptr) return e.int_digits;
  std::string_view n = e.integer_name;
  return n == "smallint" ? 5 : n == "integer" ? 10 : 19;
}

std::string canonical(std::string_view t) {
  if (t == "timestamp") return "timestamp without time zone";
  if (t == "timestamptz") return "timestamp with time zone";
  return std::string(t);
}

TypeChange exact_change(const ExactType& have, const ExactType& want) {
  // `have` holds `want` when it has at least as many whole digits (counting an integer type's
  // full range) and scale.
  bool holds = (have.integer_name != nullptr && want.integer_name != nullptr)
                   ? max_int_digits(have) >= max_int_digits(want)
                   : have.int_digits >= max_int_digits(want) && have.scale >= want.scale;
  if (holds) return {TypeChangeKind::kKeep, {}};
  if (have.integer_name != nullptr && want.integer_name != nullptr) return {TypeChangeKind::kWiden, want.integer_name};
  int whole = std::max(max_int_digits(have), max_int_digits(want));
  int scale = std::max(have.scale, want.scale);
  if (whole + scale > 1000) return {TypeChangeKind::kWiden, "numeric"};
  return {TypeChangeKind::kWiden, "numeric(" + std::to_string(whole + scale) + "," + std::to_string(scale) + ")"};
}

}  // namespace

std::string pg_identifier(std::string_view name) {
  if (name.size() <= kMaxIdentifierBytes) return std::string(name);
  uint64_t h = 1469598103934665603ULL;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  size_t keep = kMaxIdentifierBytes - 9;
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;  // a character boundary
  char tag[16];
  std::snprintf(tag, sizeof tag, "_%08x", static_cast<unsigned>(h ^ (h >> 32)));
  return std::string(name.substr(0, keep)) + tag;
}

TypeChange classify_type_change(std::string_view existing, std::string_view wanted) {
  std::string have = canonical(existing), want = canonical(wanted);
  if (have == want) return {TypeChangeKind::kSame, {}};
  auto e_have = exact_type(have), e_want = exact_type(want);
  if (e_have && e_want) return exact_change(*e_have, *e_want);
  if (have == "double precision" && want == "real") return {TypeChangeKind::kKeep, {}};
  if (have == "real" && want == "double precision") return {TypeChangeKind::kWiden, want};
  return {TypeChangeKind::kIncompatible, {}};
}

}  // namespace sluice::sinks::pg
