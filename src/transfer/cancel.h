#pragma once
// One process-wide stop flag: SIGINT sets it (tools install the handler), and every stream the
// transfer engine reads checks it, so a copy stops at the next buffer and leaves resumable state.

#include "core/error.h"

namespace hoist::transfer {

// Async-signal-safe: only stores to a lock-free atomic.
void RequestCancel();
bool CancelRequested();
// For tests and for a process that runs several copies.
void ResetCancel();

// kCancelled, saying how to continue.
Error CancelledError();

// Installs a SIGINT/SIGTERM handler that calls RequestCancel() (a second SIGINT kills at once).
void InstallInterruptHandler();

}  // namespace hoist::transfer
