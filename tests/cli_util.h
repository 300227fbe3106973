// cli_util.h: runs the hsgd program (HSGD_BINARY) as a user would and
// captures what it prints; shared by the command-line tests. A command that
// runs past its timeout ends with status 124.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace hsgd::testing {

struct CommandResult {
  int status;          // exit status; -1 if killed by a signal
  std::string output;  // stdout and stderr together
};

// A shell command line, with its stderr captured too.
inline CommandResult run_shell(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  CommandResult run{-1, ""};
  FILE* pipe = popen(cmd.c_str(), "r");
  char buf[4096];
  for (size_t got; (got = fread(buf, 1, sizeof buf, pipe)) > 0;) run.output.append(buf, got);
  const int rc = pclose(pipe);
  run.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return run;
}

// Runs `hsgd args` in the folder `cwd` (empty: here), stopped after `timeout`
// seconds so that a hang fails the test instead of blocking it.
inline CommandResult hsgd_in(const std::string& cwd, const std::string& args, int timeout = 120) {
  return run_shell((cwd.empty() ? "" : "cd '" + cwd + "' && ") + "timeout " + std::to_string(timeout) + " " +
                   HSGD_BINARY + " " + args);
}

inline CommandResult hsgd(const std::string& args) { return hsgd_in("", args, 600); }

// A run folder's summary.json.
inline nlohmann::json summary_of(const std::string& dir) {
  return nlohmann::json::parse(std::ifstream(dir + "/summary.json"));
}

}  // namespace hsgd::testing

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "'" << (needle) << "' not in:\n" << (haystack)
