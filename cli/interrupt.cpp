#include "cli/interrupt.hpp"

#include <csignal>

namespace monet::cli {

namespace {
volatile std::sig_atomic_t received = 0;
struct sigaction previous_int, previous_term;

extern "C" void record(int sig) {
  received = sig;
}
}  // namespace

InterruptGuard::InterruptGuard() {
  received = 0;
  struct sigaction sa {};
  sa.sa_handler = record;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second signal takes the default action: stop now
  sigaction(SIGINT, &sa, &previous_int);
  sigaction(SIGTERM, &sa, &previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
}

int InterruptGuard::signal() {
  return received;
}

int exit_status_after(int sig) {
  return 128 + sig;
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "a signal";
  }
}

}  // namespace monet::cli
