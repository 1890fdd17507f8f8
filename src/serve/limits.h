#pragma once
// Every limit of `hoist serve`, named once; `hoist serve --help` and docs/ARCHITECTURE.md list them
// and each refusal names the one it hit.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/manifest.h"

namespace hoist::serve {

// A manifest PUT body: Distribution's and containerd's 4 MiB.
inline constexpr size_t kMaxManifestBody = kMaxManifestSize;
// The body of any request that should carry none (GET, DELETE, POST of an upload session).
inline constexpr size_t kMaxSmallBody = 64 * 1024;
// One blob (--max-blob-size), 64 GiB unless set.
inline constexpr uint64_t kDefaultMaxBlobSize = 64ull << 30;
// Open upload sessions at once (--max-uploads); one more POST is answered 429 TOOMANYREQUESTS.
inline constexpr size_t kDefaultMaxUploadSessions = 1000;
// A request for an upload session another request holds waits up to this long for it. A client
// killed mid-PATCH and started again finds its old request still taking in what reached serve: its
// status query and its resumed PATCH must wait for those bytes, or resume at the wrong offset.
inline constexpr std::chrono::milliseconds kBusyUploadWait{2000};
// Connections at once (--max-connections); more are accepted and closed at once.
inline constexpr unsigned kDefaultMaxConnections = 512;
// Memory for one connection's request line and headers (libmicrohttpd's per-connection pool);
// a request whose headers do not fit is answered 431.
inline constexpr size_t kConnectionMemory = 64 * 1024;
// A connection idle this long (a stalled client) is closed (--idle-timeout); its upload stays resumable.
inline constexpr unsigned kIdleTimeoutSeconds = 120;
// A new connection must have sent its first request's line and headers within this long
// (--header-timeout): a client trickling a byte now and then is never idle, and is cut here. A kept-alive
// connection gets --idle-timeout plus this long after each answer to send its next request's headers.
inline constexpr unsigned kHeaderTimeoutSeconds = 30;
// SIGTERM: requests in flight get this long to finish before the rest are cut.
inline constexpr std::chrono::seconds kShutdownGrace{30};
// Worker threads answering requests.
inline constexpr unsigned kWorkerThreads = 4;
// tags/list and _catalog: at most this many names per page, whatever `n` asks.
inline constexpr size_t kMaxPageSize = 10000;
// Upload spool files untouched this long are removed when serve starts (Distribution: one week).
inline constexpr std::chrono::hours kUploadMaxAge{24 * 7};

}  // namespace hoist::serve
