// error.h: the exception types hsgd throws, and HSGD_CHECK for invariants.
//
// Policy (see docs/architecture.md): bad input from a user or a file is a
// recoverable error, thrown as a subclass of hsgd::Error with a message that
// names what is wrong and where. A broken internal invariant is an
// InvariantError carrying file:line; it is deliberately no hsgd::Error, so
// that no handler of bad input catches a bug as if it were one, and the
// program exits 3 for it (common/exit_status.h), not 1. Library code never
// calls exit() or assert on input; apps/hsgd_main.cc turns every exception
// into a message and an exit status.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace hsgd {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A data file that is missing, truncated or malformed.
class DataError : public Error {
 public:
  DataError(const std::string& path, const std::string& what)
      : Error(path + ": " + what), path_(path) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A configuration value outside its allowed range, or options that conflict.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// An internal invariant does not hold: a bug in hsgd, not bad input. Not an
// hsgd::Error: `catch (const Error&)` is for bad input only.
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

}  // namespace hsgd

// HSGD_CHECK(cond, message parts...): throws InvariantError with file:line.
#define HSGD_CHECK(cond, ...)                                                     \
  do {                                                                            \
    if (!(cond))                                                                  \
      throw ::hsgd::InvariantError(::hsgd::detail::concat(                        \
          __FILE__, ":", __LINE__, ": check failed: " #cond " ", ##__VA_ARGS__)); \
  } while (0)
