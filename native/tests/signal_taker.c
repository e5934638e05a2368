/* Stand-in for a library that takes the JVM's fatal signals when it is loaded, as UCX (libucs, which Debian's
   libtorch 2.x brings in through OpenMPI) does in its constructor. NativeLibraryTest loads it in a child JVM. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void taken(int signal) {
  static const char message[] = "signal_taker: a signal reached the stand-in's handler\n";
  (void)signal;
  write(2, message, sizeof message - 1);
  _exit(70);
}

__attribute__((constructor)) static void take_signals(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = taken;
  sigaction(SIGSEGV, &action, 0);
  sigaction(SIGBUS, &action, 0);
  sigaction(SIGFPE, &action, 0);
  sigaction(SIGILL, &action, 0);
}

int dft_signal_taker_value(void) { return 2; }
