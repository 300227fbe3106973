// run_folder.h: a run's results folder: where it is written, how it is
// marked while in progress, and what it may replace.
//
// A run writes into OUT.partial/ and renames it to OUT/ when it ends, however
// it ends (finished, terminated, diverged, failed: summary.json says which).
// So a folder named OUT holds a run that ended, and OUT.partial/ a run that is
// running or crashed. While the run lives, OUT.partial/pid holds its process
// id under a lock: `kill -TERM $(cat OUT.partial/pid)` stops it cleanly.
//
// Nothing is overwritten by accident: OUT must not exist, or be an empty
// folder; a folder that holds a run is replaced only with `overwrite` (and only
// once the new run has ended); a folder that holds anything else, or a
// running run, is never touched.
#pragma once

#include <string>

namespace hsgd {

class RunFolder {
 public:
  // Checks that OUT may be written, before any data is loaded or anything is
  // created. Throws ConfigError naming the folder and what is in the way.
  static void check(const std::string& out, bool overwrite);

  // Checks again and creates OUT.partial/ with its locked pid file.
  RunFolder(std::string out, bool overwrite);

  // A run to resume (hsgd train --resume): `dir` names OUT or OUT.partial.
  // Returns OUT, the folder that holds the run now (OUT.partial when it
  // crashed, was killed or is running, else OUT), and throws ConfigError
  // when there is no run, or it is still running.
  struct Resumable {
    std::string out, current;
  };
  static Resumable find_resumable(const std::string& dir);
  // Takes the run over: an ended run's OUT/ becomes OUT.partial/ again, and
  // the pid file is locked. Nothing in the folder is removed.
  struct ResumeTag {};
  RunFolder(const Resumable& run, ResumeTag);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  const std::string& final_path() const { return out_; }
  const std::string& path() const { return partial_; }  // where files are written now
  std::string file(const std::string& name) const { return partial_ + "/" + name; }

  // Renames OUT.partial to OUT (replacing the old run with `overwrite`).
  // Throws Error, leaving the results in OUT.partial, if that is impossible.
  void commit();
  // commit() for a run that failed: its summary says why. If the rename is
  // impossible the results stay in OUT.partial, and the run's own error
  // (being rethrown) is the one the user sees.
  void commit_after_failure() noexcept;
  // Removes OUT.partial: for a run that never started (its data could not
  // be loaded), so nothing is left behind. A resumed run's folder is never
  // removed: it goes back to where it was (OUT/ if the run had ended).
  void discard();

 private:
  void lock();

  std::string out_, partial_;
  bool overwrite_;
  bool resumed_ = false, was_ended_ = false;
  int lock_fd_ = -1;
};

// Whether `dir` holds the files of a run (or of a compare).
bool holds_run(const std::string& dir);

}  // namespace hsgd
