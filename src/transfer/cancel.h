#pragma once
// One process-wide stop flag: SIGINT sets it (tools install the handler), and every stream the
// transfer engine reads checks it, so a copy stops at the next buffer and leaves resumable state.

#include <signal.h>

#include "core/error.h"

namespace hoist::transfer {

// Async-signal-safe: only stores to a lock-free atomic.
void RequestCancel();
bool CancelRequested();
// For tests and for a process that runs several copies.
void ResetCancel();

// kCancelled, saying how to continue.
Error CancelledError();

// While one is open on a thread, stops are deferred there: CancelRequested() answers false and
// readers that would stop note it instead (DeferStop), so an upload chunk in flight goes out
// whole — Distribution drops an upload session whose PATCH was cut, which would make the next
// run start the blob again. Checked when the chunk is done (stop_deferred()).
class ChunkInFlight {
 public:
  ChunkInFlight();
  ~ChunkInFlight();
  ChunkInFlight(const ChunkInFlight&) = delete;
  ChunkInFlight& operator=(const ChunkInFlight&) = delete;
  // A stop (Ctrl-C, or a reader's DeferStop) came while this chunk was in flight.
  bool stop_deferred() const;
};

// For a reader about to stop for its own reason: true (and the stop noted) when a chunk is in
// flight on this thread, so the reader carries on instead.
bool DeferStop();

// Installs a SIGINT/SIGTERM handler that calls RequestCancel() (a second SIGINT kills at once).
void InstallInterruptHandler();

// The same handler for one stretch of work inside a longer command (a build's pulls and pushes):
// the dispositions from before come back when it ends, so Ctrl-C elsewhere acts as it did.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace hoist::transfer
