// stop_signals.h: SIGINT and SIGTERM as a request to stop, written once for
// the run harness (a training run ends cleanly, `terminated`), an MPI worker
// rank (it leaves when rank 0 says stop) and the suite runner (it stops its
// runs and records where it was). The handlers only note the signal; the
// code that owns the loop polls received().
#pragma once

namespace hsgd {

class StopSignals {
 public:
  // What a second SIGINT/SIGTERM does while the first is being handled.
  enum class Second {
    kKills,  // the default action: the process ends at once (a run left as OUT.partial/)
    kNoted,  // noted like the first (the suite runner waits for its children)
  };

  // Installs the handlers (nested installs share the outermost ones) and
  // forgets any signal noted before; restores the old handlers when the
  // outermost is destroyed.
  explicit StopSignals(Second second = Second::kKills);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  static int received();  // 0, SIGINT or SIGTERM
};

}  // namespace hsgd
