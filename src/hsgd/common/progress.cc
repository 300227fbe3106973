// progress.cc: throttled progress lines with an ETA.
#include "hsgd/common/progress.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace hsgd {
namespace {
std::atomic<bool> progress_shown{true};
}  // namespace

void ProgressLine::set_shown(bool shown) { progress_shown = shown; }
bool ProgressLine::shown() { return progress_shown; }

ProgressLine::ProgressLine(std::FILE* out, double interval_seconds)
    : out_(out), tty_(isatty(fileno(out)) != 0), interval_(tty_ ? 0.25 : interval_seconds) {}

std::string ProgressLine::format_duration(double seconds) {
  char buf[32];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(seconds) / 60, int(seconds) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(seconds) / 3600, int(seconds) % 3600 / 60);
  }
  return buf;
}

void ProgressLine::update(double fraction_done, double elapsed_seconds, const std::string& detail, bool force) {
  if (!progress_shown || (!force && elapsed_seconds - last_print_ < interval_)) return;
  last_print_ = elapsed_seconds;
  fraction_done = std::clamp(fraction_done, 0.0, 1.0);
  const double eta = fraction_done > 0 ? elapsed_seconds * (1 - fraction_done) / fraction_done : NAN;
  std::fprintf(out_, "%s%5.1f%%  %s  elapsed %s  ETA %s%s", tty_ ? "\r\033[K" : "", 100 * fraction_done,
               detail.c_str(), format_duration(elapsed_seconds).c_str(), format_duration(eta).c_str(),
               tty_ ? "" : "\n");
  std::fflush(out_);
  open_line_ = tty_;
}

void ProgressLine::finish() {
  if (open_line_) std::fputc('\n', out_);
  open_line_ = false;
  std::fflush(out_);
}

}  // namespace hsgd
