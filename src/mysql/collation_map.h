#pragma once
/// The collations one flavour has and the other lacks, and what a server of the other flavour
/// uses instead (docs/replication.md "DDL rewriting" holds the table). Used where a replicated
/// statement is rewritten for its target (replicate/ddl_rewrite.h) and by the target preflight
/// (preflight/target_shape_rules.cpp). Pure functions.
///
/// - MariaDB target: MySQL 8's `utf8mb4_[lang_]0900_{ai_ci,as_ci,as_cs}` -> MariaDB's UCA 14.0.0
///   NO PAD `utf8mb4_uca1400_[language_]nopad_*` (MySQL's 0900 collations are NO PAD;
///   MariaDB 11.4.5+ aliases them the same way), `utf8mb4_0900_bin` -> `utf8mb4_nopad_bin`;
///   before MariaDB 10.10 (no uca1400) only `utf8mb4_0900_ai_ci` ->
///   `utf8mb4_unicode_520_nopad_ci`. Languages MariaDB lacks (bg, bs, gl, ja, mn_cyrl, nb, nn,
///   ru, sr_latn, zh) have no counterpart.
/// - MySQL target: `utf8mb4_uca1400_[language_][nopad_]{ai_ci,as_ci,as_cs}` ->
///   `utf8mb4_[lang_]0900_*` where MySQL has that language and strength (a language: ai_ci and
///   as_cs), `utf8mb4_nopad_bin` -> `utf8mb4_0900_bin`; the other NO PAD collations,
///   `_ai_cs`, utf8mb4_myanmar_ci, utf8mb4_thai_520_w2, utf8mb4_croatian_mysql561_ci and the
///   charset-less `uca1400_*` names have no counterpart.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::mysql {

/// The server a collation must exist on.
struct CollationTarget {
  bool mariadb = false;
  bool has_uca1400 = true;  ///< MariaDB 10.10+
};

struct CollationMapping {
  bool applies = false;  ///< `name` is a collation of the other flavour only
  std::string name;      ///< what the target uses instead; empty: nothing equivalent
};

/// What `target` uses for collation `name` (any case).
CollationMapping map_collation(std::string_view name, const CollationTarget& target);

/// MySQL's name of collation number `id` where the flavours number it differently (a QUERY
/// event's session charset: 255 utf8mb4_0900_ai_ci, 278 _as_cs, 305 _as_ci, 309 _bin); "" else.
std::string_view mysql_only_collation_name(uint32_t id);

}  // namespace sluice::mysql
