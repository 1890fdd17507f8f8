#pragma once
// Runs one function on several threads when the system lets us start them. Under low memory or a
// thread limit (`ulimit -u`, `ulimit -v`), std::thread's constructor throws std::system_error; a
// transfer then goes on with the workers it got instead of dying. The caller's thread is always one
// of the workers, so the work gets done even when no thread can be started.

#include <cstddef>
#include <functional>
#include <thread>

namespace hoist {

// Starts a thread running `body`; throws std::system_error when it cannot (std::thread's contract).
using ThreadStarter = std::function<std::thread(std::function<void()> body)>;

// std::thread itself. Tests pass their own starter to make thread creation fail.
std::thread StartThread(std::function<void()> body);

// Runs `worker` on up to `workers` threads (the caller's thread included) and waits for all of them.
// Returns how many ran (at least 1 when workers >= 1; 0 when workers is 0). `worker` must not throw.
size_t RunWorkers(size_t workers, const std::function<void()>& worker, const ThreadStarter& start = StartThread);

}  // namespace hoist
