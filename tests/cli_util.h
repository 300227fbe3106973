// cli_util.h: runs the hsgd program (HSGD_BINARY) as a user would and
// captures what it prints; shared by the command-line tests.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
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

inline CommandResult hsgd(const std::string& args) { return run_shell(std::string(HSGD_BINARY) + " " + args); }

}  // namespace hsgd::testing

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "'" << (needle) << "' not in:\n" << (haystack)
