// core::FileLock: one holder at a time, the refusal names the holder and the lock file, the
// lock is free again once released, and a missing directory gives an unlocked FileLock.
#include "core/file_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace sluice::core {
namespace {

std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "file-lock-XXXXXX").string();
  return ::mkdtemp(tmpl.data());
}

TEST(FileLock, SecondHolderIsRefusedNamingTheFirstUntilItReleases) {
  std::string path = temp_dir() + "/x.lock";
  auto first = FileLock::acquire(path, "destination x");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->held());
  auto holder = read_lock_holder(path);
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->pid, ::getpid());
  EXPECT_EQ(holder->host, host_name());
  EXPECT_FALSE(holder->dead_here());

  // flock locks belong to an open file: a second open in the same process conflicts too.
  auto second = FileLock::acquire(path, "destination x");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kIo);
  EXPECT_TRUE(second.error().retryable);
  EXPECT_NE(
      second.error().message.find("destination x is in use by another sluice job (pid " +
                                  std::to_string(::getpid()) + " on host " + host_name() + ", started "),
      std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("lock file " + path), std::string::npos);
  // The refused attempt left the holder's record alone.
  ASSERT_TRUE(read_lock_holder(path));

  first->release();
  EXPECT_FALSE(read_lock_holder(path));  // emptied on release
  auto third = FileLock::acquire(path, "destination x");
  EXPECT_TRUE(third) << third.error().message;
}

TEST(FileLock, MissingDirectoryGivesAnUnlockedLock) {
  auto lock = FileLock::acquire(temp_dir() + "/no/such/dir/x.lock", "destination x");
  ASSERT_TRUE(lock);
  EXPECT_FALSE(lock->held());
}

TEST(FileLock, AHolderThatDiedOnThisHostIsDead) {
  LockHolder h = this_process();
  EXPECT_FALSE(h.dead_here());
  h.pid = 0x3fffffff;  // past pid_max
  EXPECT_TRUE(h.dead_here());
  h.host = "another-host";
  EXPECT_FALSE(h.dead_here());
}

}  // namespace
}  // namespace sluice::core
