#include "transfer/mirror/mirror_destination.h"

#include <algorithm>

#include "transfer/cancel.h"
#include "transfer/rewindable_blob_reader.h"
#include "transfer/verifying_reader.h"

namespace hoist::transfer::mirror {

namespace {
constexpr size_t kMaxOtherMounts = 2;  // repositories other than our own to try first
}

MirrorDestination::MirrorDestination(registry::Repository repo, Reference ref, RegistryDestinationOptions options)
    : transfer::RegistryDestination(repo, ref, options),
      repo_(std::move(repo)),
      ref_(std::move(ref)),
      options_(std::move(options)) {}

MirrorDestination::~MirrorDestination() {
  for (const auto& [digest, session] : sessions_) (void)repo_.CancelUpload(session);
}

Result<Reuse> MirrorDestination::TryReuseBlob(const Descriptor& blob) {
  if (blob.size >= options_.chunked_threshold) return transfer::RegistryDestination::TryReuseBlob(blob);
  std::vector<std::string> from;
  for (const auto& r : options_.mount_hints) {
    if (r != ref_.repository() && from.size() < kMaxOtherMounts) from.push_back(r);
  }
  if (options_.cache) {
    for (auto& r : options_.cache->RepositoriesOn(blob.digest, ref_.domain())) {
      if (r == ref_.repository() || from.size() >= kMaxOtherMounts) continue;
      if (std::find(from.begin(), from.end(), r) == from.end()) from.push_back(std::move(r));
    }
  }
  // Our own repository last when nothing is known elsewhere: "mounting" from it is the cheapest
  // way to ask whether the blob is already here and to open the upload if it is not.
  if (from.empty()) from.push_back(ref_.repository());
  for (const auto& repo : from) {
    auto mounted = repo_.MountBlob(blob.digest, repo);
    if (!mounted.ok()) continue;
    if (mounted->mounted) {
      Seen(blob.digest);
      return repo == ref_.repository() ? Reuse::kPresent : Reuse::kMounted;
    }
    if (mounted->session) {
      std::lock_guard lock(mu_);
      sessions_.insert_or_assign(blob.digest.str(), std::move(*mounted->session));
      return Reuse::kNo;
    }
  }
  return transfer::RegistryDestination::TryReuseBlob(blob);  // the registry would not say: ask the usual way
}

std::optional<registry::UploadSession> MirrorDestination::TakeSession(const Digest& digest) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(digest.str());
  if (it == sessions_.end()) return std::nullopt;
  registry::UploadSession s = std::move(it->second);
  sessions_.erase(it);
  return s;
}

// `content` is checked against the blob already; `rewind` (may be empty) restarts it for a resent PUT.
Status MirrorDestination::Finish(registry::UploadSession session, Reader& content, const Descriptor& blob,
                                 std::function<Status()> rewind) {
  Status done = repo_.FinishUpload(session, blob.digest, &content, blob.size, std::move(rewind));
  if (!done.ok()) {
    (void)repo_.CancelUpload(session);
    return std::move(done).error().WithContext("push blob " + blob.digest.str() + " to " + repo_.display_name());
  }
  Seen(blob.digest);
  return Ok();
}

Status MirrorDestination::PutBlob(Reader& content, const Descriptor& blob) {
  auto session = TakeSession(blob.digest);
  if (!session) return transfer::RegistryDestination::PutBlob(content, blob);
  VerifyingReader verified(content, blob);
  return Finish(std::move(*session), verified, blob, nullptr);
}

Status MirrorDestination::PutBlobFrom(const BlobOpener& open, const Descriptor& blob) {
  auto session = TakeSession(blob.digest);
  if (!session) return transfer::RegistryDestination::PutBlobFrom(open, blob);
  auto content = RewindableBlobReader::Open(open, blob, 0);
  if (!content.ok()) {
    (void)repo_.CancelUpload(*session);
    return std::move(content).error();
  }
  RewindableBlobReader& reader = **content;
  reader.Mark();
  Status done = Finish(std::move(*session), reader, blob, [&reader] { return reader.Rewind(); });
  if (done.ok() || !WorthANewUpload(done.error()) || CancelRequested()) return done;
  return transfer::RegistryDestination::PutBlobFrom(open, blob);  // a fresh session, the usual way
}

Status MirrorDestination::PutManifest(const ManifestBytes& manifest, const std::string& tag) {
  auto put = repo_.PutManifest(manifest.bytes, manifest.media_type, tag);
  if (!put.ok()) return std::move(put).error();
  return Ok();
}

}  // namespace hoist::transfer::mirror
