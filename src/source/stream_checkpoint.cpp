#include "source/stream_checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/json_writer.h"

namespace sluice::source {
namespace {

core::Error io_error(const std::string& what, const std::string& path) {
  return core::Error{core::ErrorCode::kIo, what + " checkpoint file " + path + ": " + std::strerror(errno),
                     true};
}

core::Error bad(const std::string& path, const std::string& why) {
  return core::Error{core::ErrorCode::kConfig,
                     "checkpoint file " + path + " is not a sluice checkpoint (" + why +
                         "): fix or delete it, or start with --from FILE:POS / --gtid SET"};
}

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void field(std::string& out, const char* name, std::string_view value) {
  out += out.size() > 1 ? ",\"" : "\"";
  out += name;
  out += "\":";
  core::json_append_string(out, value);
}

core::Status write_all(int fd, const std::string& data, const std::string& tmp) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return core::fail(io_error("writing", tmp));
    done += static_cast<size_t>(n);
  }
  return core::ok();
}

}  // namespace

core::Result<std::optional<StreamCheckpoint>> load_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::optional<StreamCheckpoint>();
    return core::fail(io_error("reading", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(ss.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return core::fail(bad(path, "not a JSON object"));
  StreamCheckpoint cp;
  auto str = [&](const char* key, std::string& out) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string()) out = it->get<std::string>();
  };
  str("flavor", cp.flavor);
  str("server", cp.server);
  str("server_identity", cp.server_identity);
  str("file", cp.position.file);
  str("gtid", cp.gtid);
  str("gtid_set", cp.gtid_set);
  str("resume_file", cp.resume.file);
  if (!cp.resume.file.empty()) {
    auto rp = doc.find("resume_position");
    if (rp == doc.end() || !rp->is_number_unsigned() || cp.position.file.empty()) {
      return core::fail(bad(path, "\"resume_file\" without \"resume_position\" and \"file\""));
    }
    cp.resume.offset = rp->get<uint64_t>();
  }
  auto pos = doc.find("position");
  if (pos == doc.end() || !pos->is_number_unsigned()) return core::fail(bad(path, "no \"position\" number"));
  cp.position.offset = pos->get<uint64_t>();
  if (cp.position.file.empty() && cp.gtid_set.empty())
    return core::fail(bad(path, "neither \"file\" nor \"gtid_set\""));
  return std::optional<StreamCheckpoint>(std::move(cp));
}

core::Status save_checkpoint(const std::string& path, const StreamCheckpoint& cp) {
  std::string json = "{\"version\":1";
  field(json, "flavor", cp.flavor);
  field(json, "server", cp.server);
  if (!cp.server_identity.empty()) field(json, "server_identity", cp.server_identity);
  field(json, "file", cp.position.file);
  json += ",\"position\":" + std::to_string(cp.position.offset);
  field(json, "gtid", cp.gtid);
  field(json, "gtid_set", cp.gtid_set);
  if (!cp.resume.file.empty()) {
    field(json, "resume_file", cp.resume.file);
    json += ",\"resume_position\":" + std::to_string(cp.resume.offset);
  }
  field(json, "updated", now_utc());
  json += "}\n";
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return core::fail(io_error("creating", tmp));
  core::Status s = write_all(fd, json, tmp);
  if (s && ::fsync(fd) != 0) s = core::fail(io_error("syncing", tmp));
  if (::close(fd) != 0 && s) s = core::fail(io_error("closing", tmp));
  if (!s) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return core::fail(io_error("renaming", tmp + " to"));
  // The rename is durable only once the directory entry is.
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return core::ok();
}

}  // namespace sluice::source
