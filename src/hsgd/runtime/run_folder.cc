// run_folder.cc: see run_folder.h.
#include "hsgd/runtime/run_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "hsgd/common/error.h"

namespace hsgd {
namespace fs = std::filesystem;
namespace {

const char* const kRunFiles[] = {"summary.json", "metrics.csv", "config.toml", "compare.json"};

// The pid in a live run's lock file, or 0 when no process holds the lock.
long running_pid(const std::string& partial) {
  const std::string lock = partial + "/pid";
  const int fd = open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  long pid = 0;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    std::ifstream(lock) >> pid;
    if (pid <= 0) pid = -1;  // locked, pid not yet written
  }
  close(fd);
  return pid;
}

bool is_empty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

// The closest existing folder at or above p must be writable.
void check_writable_place(const fs::path& out) {
  fs::path p = fs::absolute(out).parent_path();
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
  if (p.empty()) p = "/";
  if (!fs::is_directory(p, ec))
    throw ConfigError("--out " + out.string() + ": " + p.string() + " is not a folder");
  if (access(p.c_str(), W_OK | X_OK) != 0)
    throw ConfigError("--out " + out.string() + ": cannot write in " + p.string() + " (" + std::strerror(errno) + ")");
}

}  // namespace

bool holds_run(const std::string& dir) {
  std::error_code ec;
  for (const char* f : kRunFiles)
    if (fs::exists(fs::path(dir) / f, ec)) return true;
  return false;
}

void RunFolder::check(const std::string& out, bool overwrite) {
  if (out.empty()) throw ConfigError("--out is empty");
  const fs::path path(out);
  const std::string partial = out + ".partial";
  std::error_code ec;
  if (fs::exists(path, ec) && !is_empty_dir(path)) {
    if (!fs::is_directory(path, ec)) throw ConfigError("--out " + out + " is a file, not a folder");
    if (!holds_run(out))
      throw ConfigError("--out " + out + " is a folder that holds no run; hsgd never writes into it (choose a new "
                        "folder)");
    if (!overwrite)
      throw ConfigError("--out " + out + " holds a run already; choose another folder, or give --overwrite to "
                        "replace it");
  }
  if (fs::exists(partial, ec)) {
    if (const long pid = running_pid(partial); pid != 0)
      throw ConfigError("--out " + out + ": a run is writing into " + partial +
                        (pid > 0 ? " (process " + std::to_string(pid) + ")" : std::string()));
    if (!overwrite)
      throw ConfigError("--out " + out + ": " + partial + " holds a run that did not end (crashed or killed); "
                        "remove it, or give --overwrite to replace it");
  }
  check_writable_place(path);
}

RunFolder::RunFolder(std::string out, bool overwrite)
    : out_(std::move(out)), partial_(out_ + ".partial"), overwrite_(overwrite) {
  check(out_, overwrite_);
  std::error_code ec;
  fs::remove_all(partial_, ec);  // a crashed run's remains: check() allowed it
  if (!fs::create_directories(partial_, ec) && ec)
    throw Error("--out " + out_ + ": cannot create " + partial_ + ": " + ec.message());
  lock();
}

RunFolder::Resumable RunFolder::find_resumable(const std::string& dir) {
  std::string out = dir;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  const std::string suffix = ".partial";
  if (out.size() > suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0)
    out.resize(out.size() - suffix.size());
  const std::string partial = out + suffix;
  std::error_code ec;
  if (fs::is_directory(partial, ec)) {
    if (const long pid = running_pid(partial); pid != 0)
      throw ConfigError("--resume " + dir + ": the run is still going: " + partial +
                        (pid > 0 ? " (process " + std::to_string(pid) + ")" : std::string()));
    if (fs::exists(out, ec) && !is_empty_dir(out))
      throw ConfigError("--resume " + dir + ": both " + out + " and " + partial +
                        " exist; remove the one you do not want to resume");
    return {out, partial};
  }
  if (!fs::is_directory(out, ec) || !holds_run(out))
    throw ConfigError("--resume " + dir + ": no run there (neither " + out + "/ nor " + partial + "/ holds one)");
  return {out, out};
}

RunFolder::RunFolder(const Resumable& run, ResumeTag)
    : out_(run.out), partial_(run.out + ".partial"), overwrite_(false), resumed_(true),
      was_ended_(run.current == run.out) {
  if (was_ended_) {
    std::error_code ec;
    fs::rename(out_, partial_, ec);
    if (ec) throw Error("--resume " + out_ + ": cannot rename it to " + partial_ + ": " + ec.message());
  }
  lock();
}

void RunFolder::lock() {
  const std::string lock = file("pid");
  lock_fd_ = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0 || flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    throw Error(lock + ": cannot lock: " + std::strerror(errno));
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(lock_fd_, 0) != 0 || write(lock_fd_, pid.data(), pid.size()) != static_cast<ssize_t>(pid.size()))
    throw Error(lock + ": cannot write: " + std::strerror(errno));
}

RunFolder::~RunFolder() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

void RunFolder::commit() {
  std::error_code ec;
  fs::remove(file("pid"), ec);
  close(lock_fd_);
  lock_fd_ = -1;
  if (fs::exists(out_, ec) && !is_empty_dir(out_)) {
    if (!overwrite_ || !holds_run(out_))
      throw Error(out_ + " appeared while the run was going; its results are in " + partial_);
    fs::remove_all(out_, ec);
    if (ec) throw Error("cannot replace " + out_ + ": " + ec.message() + "; the results are in " + partial_);
  }
  fs::rename(partial_, out_, ec);
  if (ec) throw Error("cannot rename " + partial_ + " to " + out_ + ": " + ec.message());
}

void RunFolder::commit_after_failure() noexcept {
  try {
    commit();
  } catch (const std::exception&) {
  }
}

void RunFolder::discard() {
  if (resumed_) {
    if (was_ended_) return commit_after_failure();
    std::error_code ec;
    fs::remove(file("pid"), ec);
    close(lock_fd_);
    lock_fd_ = -1;
    return;
  }
  close(lock_fd_);
  lock_fd_ = -1;
  std::error_code ec;
  fs::remove_all(partial_, ec);
}

}  // namespace hsgd
