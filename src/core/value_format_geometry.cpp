// WKB -> WKT for value_format.h (append_geometry_wkt). WKB per OGC Simple Features 1.2.1
// §8.2: byte order (0 = big-endian, 1 = little-endian), uint32 type, then the body.
// MySQL prefixes a 4-byte little-endian SRID. WKT follows MySQL 8's ST_AsText
// ("MULTIPOINT((1 2),(3 4))", "GEOMETRYCOLLECTION EMPTY").

#include <bit>
#include <cstring>

#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::core {
namespace {

constexpr int kMaxDepth = 32;

class WkbReader {
 public:
  WkbReader(const unsigned char* p, size_t n, std::string& out) : p_(p), end_(p + n), out_(out) {}

  bool geometry(int depth, bool with_tag);
  bool at_end() const { return p_ == end_; }

 private:
  bool u32(bool little, uint32_t& v) {
    if (end_ - p_ < 4) return false;
    v = little ? (uint32_t{p_[0]} | uint32_t{p_[1]} << 8 | uint32_t{p_[2]} << 16 | uint32_t{p_[3]} << 24)
               : (uint32_t{p_[3]} | uint32_t{p_[2]} << 8 | uint32_t{p_[1]} << 16 | uint32_t{p_[0]} << 24);
    p_ += 4;
    return true;
  }
  bool f64(bool little, double& d) {
    if (end_ - p_ < 8) return false;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
      v |= uint64_t{p_[little ? i : 7 - i]} << (8 * i);
    }
    p_ += 8;
    d = std::bit_cast<double>(v);
    return true;
  }
  // A count whose elements need at least `min_size` bytes each must fit in what is left.
  bool count(bool little, size_t min_size, uint32_t& n) {
    if (!u32(little, n)) return false;
    return static_cast<size_t>(end_ - p_) / min_size >= n;
  }
  bool point_body(bool little) {
    double x, y;
    if (!f64(little, x) || !f64(little, y)) return false;
    json_append_double(out_, x);
    out_.push_back(' ');
    json_append_double(out_, y);
    return true;
  }
  bool points(bool little) {
    uint32_t n;
    if (!count(little, 16, n)) return false;
    out_.push_back('(');
    for (uint32_t i = 0; i < n; ++i) {
      if (i) out_.push_back(',');
      if (!point_body(little)) return false;
    }
    out_.push_back(')');
    return true;
  }
  bool polygon_body(bool little) {
    uint32_t rings;
    if (!count(little, 4, rings)) return false;
    out_.push_back('(');
    for (uint32_t i = 0; i < rings; ++i) {
      if (i) out_.push_back(',');
      if (!points(little)) return false;
    }
    out_.push_back(')');
    return true;
  }

  const unsigned char* p_;
  const unsigned char* end_;
  std::string& out_;
};

constexpr const char* kTypeNames[8] = {nullptr, "POINT", "LINESTRING", "POLYGON", "MULTIPOINT",
                                      "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"};

bool WkbReader::geometry(int depth, bool with_tag) {
  if (depth > kMaxDepth || p_ == end_) return false;
  uint8_t order = *p_++;
  if (order > 1) return false;
  bool little = order == 1;
  uint32_t type;
  if (!u32(little, type) || type < 1 || type > 7) return false;
  if (with_tag) out_.append(kTypeNames[type]);
  switch (type) {
    case 1:
      out_.push_back('(');
      if (!point_body(little)) return false;
      out_.push_back(')');
      return true;
    case 2:
      return points(little);
    case 3:
      return polygon_body(little);
    default:
      break;
  }
  uint32_t n;
  if (!count(little, 5, n)) return false;
  if (n == 0) {
    out_.append(" EMPTY");
    return true;
  }
  out_.push_back('(');
  for (uint32_t i = 0; i < n; ++i) {
    if (i) out_.push_back(',');
    // Members of MULTI* are WKB geometries of the member type; their tags are not printed.
    if (type != 7 && (end_ - p_ < 5 || p_[0] > 1)) return false;
    if (type != 7) {
      uint32_t member = p_[0] == 1 ? p_[1] : p_[4];
      bool high_zero = p_[0] == 1 ? (p_[2] | p_[3] | p_[4]) == 0 : (p_[1] | p_[2] | p_[3]) == 0;
      if (!high_zero || member != type - 3) return false;
    }
    if (!geometry(depth + 1, type == 7)) return false;
  }
  out_.push_back(')');
  return true;
}

}  // namespace

bool append_geometry_wkt(std::string& out, std::string_view srid_wkb) {
  if (srid_wkb.size() < 4 + 5) return false;
  size_t start = out.size();
  const auto* p = reinterpret_cast<const unsigned char*>(srid_wkb.data());
  uint32_t srid = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  if (srid != 0) {
    out.append("SRID=");
    json_append_uint(out, srid);
    out.push_back(';');
  }
  WkbReader reader(p + 4, srid_wkb.size() - 4, out);
  if (!reader.geometry(0, true) || !reader.at_end()) {
    out.resize(start);
    return false;
  }
  return true;
}

}  // namespace sluice::core
