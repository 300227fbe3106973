// process_setup.h: process-wide settings every hsgd program applies first.
//
// glibc malloc hands MB-sized activation buffers back to the kernel after each
// step; faulting them in again makes training 2-6x slower on VMs (see
// docs/architecture.md, "Performance traps"). Raising the mmap and trim
// thresholds keeps them in the heap. Call before any allocation-heavy work.
#pragma once

namespace hsgd {

void tune_malloc_for_training();

}  // namespace hsgd
