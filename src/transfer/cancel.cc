#include "transfer/cancel.h"

#include <csignal>
#include <atomic>

namespace hoist::transfer {

namespace {
std::atomic<bool> g_cancel{false};

extern "C" void OnInterrupt(int sig) {
  if (g_cancel.load()) {
    // Second Ctrl-C: the user insists; die the default way.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_cancel.store(true);
}

thread_local int t_chunks_in_flight = 0;
thread_local bool t_stop_deferred = false;

}  // namespace

void RequestCancel() { g_cancel.store(true); }

bool CancelRequested() {
  if (!g_cancel.load(std::memory_order_relaxed)) return false;
  return !DeferStop();
}

bool DeferStop() {
  if (t_chunks_in_flight == 0) return false;
  t_stop_deferred = true;
  return true;
}

ChunkInFlight::ChunkInFlight() {
  if (t_chunks_in_flight++ == 0) t_stop_deferred = false;
}

ChunkInFlight::~ChunkInFlight() { --t_chunks_in_flight; }

bool ChunkInFlight::stop_deferred() const { return t_stop_deferred; }

void ResetCancel() { g_cancel.store(false); }

Error CancelledError() {
  return Error(ErrorCode::kCancelled, "interrupted; run the same command again to resume where it stopped");
}

namespace {

void InstallSaving(struct sigaction* old_int, struct sigaction* old_term) {
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, old_int);
  sigaction(SIGTERM, &sa, old_term);
}

}  // namespace

void InstallInterruptHandler() { InstallSaving(nullptr, nullptr); }

InterruptScope::InterruptScope() { InstallSaving(&old_int_, &old_term_); }

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

}  // namespace hoist::transfer
