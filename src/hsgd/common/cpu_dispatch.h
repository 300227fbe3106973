// cpu_dispatch.h: HSGD_HOT marks a hot loop for an AVX-512 clone
// (x86-64-v4) and an AVX2+FMA clone (x86-64-v3) beside the baseline x86-64
// one, chosen once at load time (GCC target_clones), so one binary runs
// everywhere and uses the widest vectors the CPU has. The AVX-512 clones
// measured 3-9% faster on an AMD EPYC with AVX-512 (docs/performance.md) and
// gave the same lenet5 and ray-tiny simulator runs bit for bit as the AVX2
// ones. Rounding may differ between CPUs with and without FMA, never between
// runs.
// Sanitizer builds get the baseline only: the clones' ifunc resolvers run
// before the sanitizer runtime is set up, and a ThreadSanitizer binary then
// crashes at load.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define HSGD_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HSGD_HOT
#endif

// Helpers of a hot loop are inlined into each clone so that they get its instruction set.
#define HSGD_INLINE [[gnu::always_inline]] inline
