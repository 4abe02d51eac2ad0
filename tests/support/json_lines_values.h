#pragma once
/// Test helper: reading JSON-lines values back the way docs/json-lines.md tells a consumer to.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace sluice::test {

/// A JSON column's value in a JSON line: nullopt for SQL NULL (`null`), else the document (an
/// object whose only key is "$json" stands for that key's value: `{"$json":null}` is JSON null).
inline std::optional<nlohmann::json> json_document(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_object() && v.size() == 1 && v.contains("$json")) return v["$json"];
  return v;
}

/// Expects `docs` (id -> a JSON column's document, nullopt for SQL NULL) to equal `rows`, the
/// lines of `SELECT id, doc IS NULL, IFNULL(doc, '') ... ORDER BY id`, document by document.
inline void expect_documents_equal_select(const std::map<int, std::optional<nlohmann::json>>& docs,
                                          const std::vector<std::string>& rows) {
  ASSERT_EQ(rows.size(), docs.size());
  for (const std::string& row : rows) {
    auto cells = split(row, '\t');
    ASSERT_EQ(cells.size(), 3u) << row;
    const auto& mine = docs.at(std::stoi(cells[0]));
    if (cells[1] == "1") {
      EXPECT_FALSE(mine.has_value()) << "id " << cells[0] << " is SQL NULL";
    } else {
      ASSERT_TRUE(mine.has_value()) << "id " << cells[0] << " holds " << cells[2];
      EXPECT_EQ(*mine, nlohmann::json::parse(cells[2])) << "id " << cells[0];
    }
  }
}

}  // namespace sluice::test
