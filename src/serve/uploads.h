#pragma once
// Upload sessions: the bytes of a blob on its way in, in a spool file .hoist/uploads/<id> of the
// served layout. Every chunk is written as it arrives, so a connection cut mid-PATCH keeps each byte
// that came, and the session's size (the Range a client resumes from) is the file's size — after a
// restart of serve too. Commit() checks the bytes against the client's digest (and the size limit)
// before they are renamed into blobs/; a mismatch removes them: nothing unverified is ever stored.

#include <cstdint>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/error.h"
#include "store/oci_layout.h"

namespace hoist::serve {

class UploadSessions {
 public:
  UploadSessions(store::OciLayout& layout, size_t max_sessions, uint64_t max_blob_size)
      : layout_(layout), max_sessions_(max_sessions), max_blob_size_(max_blob_size) {}

  // Makes the spool directory, takes over the sessions a previous run left (they stay resumable)
  // and removes those older than kUploadMaxAge.
  Status Init();

  static bool ValidId(std::string_view id);  // 32 lowercase hex: never a path
  // A new, empty session; kTooLarge at the session limit (--max-uploads).
  Result<std::string> Create();
  // Bytes received so far; kNotFound for an unknown session. A session another request holds is
  // waited for (up to kBusyUploadWait), so a resuming client is told where its old request ended.
  Result<uint64_t> Size(const std::string& id);
  size_t open_sessions();

  // One request's exclusive use of a session (a PATCH or the final PUT).
  class Lease {
   public:
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    uint64_t size() const { return size_; }
    // Appends; past the blob size limit it fails with kTooLarge and writes nothing.
    Status Append(const char* data, size_t n);
    // kTooLarge when `n` more bytes would pass the blob size limit.
    Status Fits(uint64_t n) const;

   private:
    friend class UploadSessions;
    Lease(UploadSessions& owner, std::string id, int fd, uint64_t size)
        : owner_(owner), id_(std::move(id)), fd_(fd), size_(size) {}
    UploadSessions& owner_;
    std::string id_;
    int fd_;
    uint64_t size_;
    bool done_ = false;  // committed or cancelled: the session is gone
  };
  // kNotFound for an unknown session, kConflict while another request still holds it after
  // kBusyUploadWait.
  Result<std::unique_ptr<Lease>> Acquire(const std::string& id);
  // Verifies the session's bytes are `expected` and moves them into blobs/. The session ends
  // either way: on a mismatch (kDigestMismatch) its bytes are removed and nothing is stored.
  Status Commit(Lease& lease, const Digest& expected);
  // Ends a session and removes its bytes; kNotFound when unknown, kConflict while in use.
  Status Cancel(const std::string& id);

 private:
  struct Session {
    Hasher hasher{DigestAlgorithm::kSha256};  // has seen bytes [0, hashed) of the file
    uint64_t hashed = 0;  // lags the file's size after a restart: Commit then reads the file
    bool busy = false;
  };
  void Release(const std::string& id, bool erase);
  // With mu_ held: waits up to kBusyUploadWait while session `id` is busy; false if it still is.
  bool WaitUntilFree(std::unique_lock<std::mutex>& lock, const std::string& id);
  std::string SpoolPath(const std::string& id) const { return layout_.paths().Upload(id); }

  store::OciLayout& layout_;
  size_t max_sessions_;
  uint64_t max_blob_size_;
  std::mutex mu_;
  std::condition_variable released_;  // a lease ended
  std::map<std::string, Session> sessions_;
};

}  // namespace hoist::serve
