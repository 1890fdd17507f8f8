#pragma once
// The life of a working container's command (hoist run, start, stop, kill, wait): run in the
// foreground with the record kept up to date, or detached under a supervisor process that holds
// the sandbox, appends the output to the container's log file and records the exit.

#include <string>

#include "container/containers.h"

namespace hoist::container {

// How long `hoist stop` waits after the stop signal before SIGKILL (docker's default).
inline constexpr int kDefaultStopTimeoutSeconds = 10;
// How often waiting commands (stop, wait, logs -f) look at the container again.
inline constexpr int kPollMilliseconds = 50;

// Runs the container's command with our standard streams (or a pseudo-terminal relayed to them);
// `interactive` keeps our stdin attached. The record says running (with its PIDs) while it runs,
// then exited with the code. Returns the command's exit code.
Result<int> RunAttached(const ContainerStore& store, ContainerRecord record, bool interactive);

// Starts the command detached: a supervisor process (in its own session, stdin /dev/null, output
// appended to the log file) runs it and records its end. Returns once the container runs.
Status StartDetached(const ContainerStore& store, ContainerRecord record);

// Sends `sig` to the container's PID 1 (a PID 1 ignores signals it has no handler for, as in docker:
// only SIGKILL always ends it).
Status SignalContainer(const ContainerRecord& record, int sig);

// Waits until the container is no longer running, looking again every kPollMilliseconds;
// `timeout_ms` < 0 waits for ever. Returns the record as it is then (still running on a timeout).
Result<ContainerRecord> WaitForExit(const ContainerStore& store, const std::string& id, int timeout_ms);

// docker stop: `sig` (SIGTERM), then SIGKILL after `timeout_seconds`; returns the final record.
Result<ContainerRecord> StopContainer(const ContainerStore& store, const ContainerRecord& record, int sig,
                                      int timeout_seconds);

}  // namespace hoist::container
