#pragma once
/// Which source tables a pipeline follows and what they are called on the target: `include` /
/// `exclude` patterns "db.table" (`*` any run of characters, `?` one; case-sensitive, as table
/// names are on Linux servers) and the database rename map. A table is followed when it matches
/// an include pattern (or there is none) and no exclude pattern. Pure; any thread.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::replicate {

/// `text` matched against `pattern` with `*` and `?`.
bool wildcard_match(std::string_view pattern, std::string_view text);

class TableFilter {
 public:
  TableFilter() = default;
  TableFilter(std::vector<std::string> include, std::vector<std::string> exclude,
              std::map<std::string, std::string> rename);

  bool follows(std::string_view db, std::string_view table) const;
  /// Whether some table of database `db` can be followed (a CREATE/DROP DATABASE).
  bool follows_database(std::string_view db) const;
  /// The target database for source database `db`.
  std::string_view target_db(std::string_view db) const;
  /// The databases the stream may be limited to (no wildcard in any include's database part),
  /// else empty: every rows event is decoded and filtered here.
  std::vector<std::string> exact_databases() const;
  const std::map<std::string, std::string, std::less<>>& renames() const { return rename_; }

 private:
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
  std::map<std::string, std::string, std::less<>> rename_;
};

}  // namespace sluice::replicate
