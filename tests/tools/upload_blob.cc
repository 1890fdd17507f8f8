// upload_blob: pushes one deterministic blob (support/pattern_blob.h) to a registry in chunks,
// saving the upload session to a state file after every chunk the registry accepted, the way
// `hoist push` keeps its resume state. A second run with the same state file continues that
// upload from the registry's offset, or starts afresh when the registry no longer knows it.
// Tests kill it with SIGKILL half way and count what the second run sends.
//
//   upload_blob --registry http://127.0.0.1:PORT --repo team/app --size BYTES --seed N
//               --chunk BYTES --state FILE [--pause-at BYTES]
//
// --pause-at: after the state is saved at or past that offset, print "paused OFFSET" and wait
// to be killed (a kill that lands between two chunks).
// Prints "started", "resumed OFFSET" or "restarted REASON", then "done"; exit 0 on success,
// 1 with the error on stderr, 2 for bad arguments. Plain HTTP, no credentials.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "core/fs.h"
#include "registry/client/repository.h"
#include "registry/client/upload_session.h"
#include "registry/http/curl_client.h"
#include "registry/retry.h"
#include "support/pattern_blob.h"

namespace {

using hoist::Result;
using hoist::Status;
using hoist::registry::UploadSession;

int Usage(const char* why) {
  std::fprintf(stderr,
               "upload_blob: %s\nusage: upload_blob --registry URL --repo NAME --size BYTES "
               "--seed N --chunk BYTES --state FILE [--pause-at BYTES]\n",
               why);
  return 2;
}

bool Number(const std::string& s, uint64_t& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}

std::string ReadState(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  std::string data;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  std::fclose(f);
  return data;
}

int Fail(const hoist::Error& e) {
  std::fprintf(stderr, "upload_blob: %s\n", e.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (argc % 2 == 0) return Usage("every flag needs a value");
  uint64_t size = 0, seed = 0, chunk = 0, pause_at = UINT64_MAX;
  if (!Number(args["--size"], size) || !Number(args["--seed"], seed) ||
      !Number(args["--chunk"], chunk) || chunk == 0) {
    return Usage("--size, --seed and --chunk must be numbers (chunk > 0)");
  }
  if (args.count("--pause-at") && !Number(args["--pause-at"], pause_at)) {
    return Usage("--pause-at must be a number");
  }
  const std::string state_file = args["--state"];
  if (args["--registry"].empty() || args["--repo"].empty() || state_file.empty()) {
    return Usage("--registry, --repo and --state are required");
  }

  hoist::registry::HttpClientOptions http_options;
  http_options.low_speed_time = std::chrono::seconds(5);
  auto curl = std::make_shared<hoist::registry::CurlClient>(http_options);
  hoist::registry::RetryPolicy policy;
  policy.base_delay = std::chrono::milliseconds(10);
  auto http = std::make_shared<hoist::registry::RetryingClient>(*curl, policy);
  Result<hoist::registry::Repository> repo =
      hoist::registry::Repository::Open(http, args["--registry"], args["--repo"]);
  if (!repo.ok()) return Fail(repo.error());
  const hoist::Digest digest = hoist::testing::PatternBlob::DigestOf(size, seed);

  std::optional<UploadSession> session;
  if (std::string saved = ReadState(state_file); !saved.empty()) {
    Result<UploadSession> decoded = hoist::registry::DecodeUploadSession(saved);
    if (!decoded.ok()) return Fail(decoded.error());
    Result<UploadSession> resumed = repo->ResumeUpload(*decoded);
    if (resumed.ok()) {
      session = *resumed;
      std::printf("resumed %llu\n", static_cast<unsigned long long>(session->offset));
    } else if (resumed.error().code() == hoist::ErrorCode::kNotFound) {
      std::string why = resumed.error().ToString();
      std::replace(why.begin(), why.end(), '\n', ' ');
      std::printf("restarted %s\n", why.c_str());
    } else {
      return Fail(resumed.error());
    }
  }
  if (!session) {
    Result<UploadSession> started = repo->StartUpload();
    if (!started.ok()) return Fail(started.error());
    session = *started;
    std::printf("started\n");
  }
  std::fflush(stdout);

  Status saved_first = hoist::AtomicWriteFile(state_file, EncodeUploadSession(*session), 0600);
  if (!saved_first.ok()) return Fail(saved_first.error());
  hoist::testing::PatternBlob rest(size, seed);
  rest.Seek(session->offset);
  std::optional<hoist::Error> save_error;
  Status done = repo->ContinueUpload(
      *session, rest, digest, size,
      {.chunk_size = chunk, .on_progress = [&](const UploadSession& s) {
         Status written = hoist::AtomicWriteFile(state_file, EncodeUploadSession(s), 0600);
         if (!written.ok() && !save_error) save_error = written.error();
         if (s.offset >= pause_at) {
           std::printf("paused %llu\n", static_cast<unsigned long long>(s.offset));
           std::fflush(stdout);
           for (;;) ::pause();  // until killed
         }
       }});
  if (save_error) return Fail(*save_error);
  if (!done.ok()) return Fail(done.error());
  std::remove(state_file.c_str());
  std::printf("done %s\n", digest.str().c_str());
  return 0;
}
