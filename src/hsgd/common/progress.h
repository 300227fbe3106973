// progress.h: one progress line for long work: what is done, what is left, ETA.
//
// On a terminal the line is redrawn in place; otherwise (logs, CI) a new line
// is printed at most every `interval` seconds so logs stay short.
#pragma once

#include <cstdio>
#include <string>

namespace hsgd {

class ProgressLine {
 public:
  explicit ProgressLine(std::FILE* out = stderr, double interval_seconds = 5.0);

  // fraction_done in [0, 1]; elapsed_seconds since the work began; `detail` is
  // the task-specific part ("loss 0.12  acc 97.1%"). Throttled unless force.
  void update(double fraction_done, double elapsed_seconds, const std::string& detail, bool force = false);
  // Ends the redrawn line (prints the newline a terminal needs).
  void finish();

  static std::string format_duration(double seconds);  // "1m05s", "12.3s"

  // Whether progress lines are printed at all, in this process (default yes;
  // the Python module's progress=False turns them off).
  static void set_shown(bool shown);
  static bool shown();

 private:
  std::FILE* out_;
  bool tty_;
  double interval_;
  double last_print_ = -1e9;
  bool open_line_ = false;
};

}  // namespace hsgd
