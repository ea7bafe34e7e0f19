// Stopping a long command cleanly: while an InterruptGuard lives, the first SIGINT or SIGTERM
// only records the signal (the command finishes its current step and saves its work); a
// second one ends the process at once (the default action is restored by the first).
#pragma once

namespace monet::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // The signal received (SIGINT, SIGTERM), 0 while none.
  static int signal();
};

// The conventional exit status after a signal: 128 + its number (SIGINT → 130).
int exit_status_after(int signal);

// "SIGINT", "SIGTERM", ...
const char* signal_name(int signal);

}  // namespace monet::cli
