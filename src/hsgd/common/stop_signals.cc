// stop_signals.cc: see stop_signals.h.
#include "hsgd/common/stop_signals.h"

#include <signal.h>

#include <atomic>
#include <mutex>

namespace hsgd {
namespace {

std::atomic<int> g_stop_signal{0};
void note_stop_signal(int sig) { g_stop_signal = sig; }

struct sigaction g_old_int, g_old_term;
int g_installed = 0;     // nested installs (the harness, worker ranks as threads)
std::mutex g_install_mu;  // guards both

}  // namespace

StopSignals::StopSignals(Second second) {
  const std::lock_guard<std::mutex> lock(g_install_mu);
  if (g_installed++ > 0) return;
  g_stop_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = note_stop_signal;
  sa.sa_flags = second == Second::kKills ? SA_RESETHAND : 0;  // kKills: a second signal kills as usual
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

StopSignals::~StopSignals() {
  const std::lock_guard<std::mutex> lock(g_install_mu);
  if (--g_installed > 0) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

int StopSignals::received() { return g_stop_signal.load(); }

}  // namespace hsgd
