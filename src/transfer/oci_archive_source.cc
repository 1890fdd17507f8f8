#include "transfer/oci_archive_source.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdlib>

#include "core/attachment_tags.h"
#include "core/compression.h"
#include "core/fs.h"
#include "core/manifest.h"
#include "store/docker_archive_reader.h"

namespace hoist::transfer {

ArchiveSource::~ArchiveSource() {
  entries_.reset();  // removes the spooled files
  if (!temp_dir_.empty()) ::rmdir(temp_dir_.c_str());
}

Result<std::unique_ptr<ArchiveSource>> ArchiveSource::Open(Format format, const std::string& path,
                                                           const std::string& name, const std::string& temp_parent) {
  std::unique_ptr<ArchiveSource> s(new ArchiveSource());
  s->format_ = format;
  s->describe_ = (format == Format::kOciArchive ? "oci-archive:" : "docker-archive:") + path;
  HOIST_TRY(MakeDirs(temp_parent));
  std::string dir = temp_parent + "/archive-XXXXXX";
  if (!::mkdtemp(dir.data())) return ErrnoError("create a temporary directory in " + temp_parent, errno);
  s->temp_dir_ = dir;
  HOIST_TRY_ASSIGN(auto file, FdReader::Open(path));
  auto plain = DecompressAuto(*file);
  auto entries = store::ArchiveEntries::Read(*plain, dir);
  if (!entries.ok()) return std::move(entries).error().WithContext("reading " + s->describe_);
  s->entries_ = std::move(entries).value();
  auto plan = format == Format::kOciArchive ? store::ReadOciArchive(*s->entries_)
                                            : store::ReadDockerArchive(*s->entries_);
  if (!plan.ok()) return std::move(plan).error().WithContext(s->describe_);
  s->plan_ = std::move(plan).value();
  HOIST_TRY_ASSIGN(s->image_, s->Choose(name));
  return s;
}

Result<store::ArchiveImage> ArchiveSource::Choose(const std::string& name) const {
  const auto& images = plan_.images;
  if (name.empty()) {
    // Signatures listed in index.json (archives of older hoist, other tools) are not images to choose.
    std::vector<const store::ArchiveImage*> candidates;
    for (const auto& i : images) {
      if (!IsAttachedRefName(i.ref_name)) candidates.push_back(&i);
    }
    if (candidates.size() == 1) return *candidates[0];
    return InvalidArgument(describe_ + " holds " + std::to_string(candidates.size()) +
                           " images: say which one (FILE:REF" + (format_ == Format::kDockerArchive ? " or FILE:@N)" : ")"));
  }
  if (format_ == Format::kDockerArchive && name[0] == '@') {
    size_t n = 0;
    auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), n);
    if (ec != std::errc() || end != name.data() + name.size() || name.size() == 1) {
      return InvalidArgument("\"" + name + "\" is no image number: @N counts the images of " + describe_ + " from 0");
    }
    if (n >= images.size()) {
      return NotFound(describe_ + " has no image @" + std::to_string(n) + ": it holds " +
                      std::to_string(images.size()) + " (@0 to @" + std::to_string(images.size() - 1) + ")");
    }
    return images[n];
  }
  if (format_ == Format::kOciArchive) {
    for (const auto& i : images) {
      if (!i.ref_name.empty() && i.ref_name == name) return i;
    }
  }
  auto ref = Reference::Parse(name);
  if (ref.ok()) {
    for (const auto& i : images) {
      if (std::find(i.names.begin(), i.names.end(), *ref) != i.names.end()) return i;
    }
  }
  std::string held;
  for (const auto& i : images) {
    std::string n = !i.ref_name.empty() ? i.ref_name : !i.names.empty() ? i.names[0].Familiar() : "";
    if (n.empty()) continue;
    held += (held.empty() ? "" : ", ") + n;
  }
  return NotFound(describe_ + " has no image named \"" + name + "\"" + (held.empty() ? "" : " (it holds: " + held + ")"));
}

Result<std::string> ArchiveSource::ReadBlobBytes(const Digest& d) const {
  for (const std::string& raw : plan_.made_manifests) {
    if (Digest::Of(raw) == d) return raw;
  }
  const store::ArchiveFile* f = entries_->FindBlob(d);
  if (!f) {
    for (const store::ArchiveFile* b : plan_.blobs) {
      if (b->digest == d) f = b;
    }
  }
  if (!f) return NotFound(describe_ + " has no manifest " + d.str());
  HOIST_TRY_ASSIGN(std::string raw, entries_->ReadSmall(*f, kMaxManifestSize));
  if (!(Digest::Of(raw) == d)) return DigestMismatch(describe_ + ": manifest " + d.str() + " does not match its digest");
  return raw;
}

Result<ManifestBytes> ArchiveSource::GetManifest(const std::optional<Digest>& instance) {
  const Digest& d = instance ? *instance : image_.root.digest;
  HOIST_TRY_ASSIGN(std::string raw, ReadBlobBytes(d));
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(raw));
  return ManifestBytes{std::move(raw), MediaTypeOf(any)};
}

Result<std::unique_ptr<Reader>> ArchiveSource::GetBlob(const Descriptor& blob, uint64_t offset) {
  if (offset > 0) return Unsupported(describe_ + ": blobs are read from the start");
  // Docker archive layers are named by path, not digest: look among the checked blobs too.
  const store::ArchiveFile* f = entries_->FindBlob(blob.digest);
  for (const store::ArchiveFile* b : plan_.blobs) {
    if (!f && b->digest == blob.digest) f = b;
  }
  if (!f) return NotFound(describe_ + " has no blob " + blob.digest.str());
  return entries_->Open(*f);
}

Result<std::vector<ImageSource::Attached>> ArchiveSource::ListAttached(const Descriptor& subject) {
  // A ref.name is the tag itself ("sha256-<hex>.sig", copy's) or a reference ending in it (save's).
  auto named = [](const store::ArchiveImage& a, const std::string& tag) {
    const std::string& n = a.ref_name;
    return n == tag || (n.size() > tag.size() && n.ends_with(tag) && n[n.size() - tag.size() - 1] == ':');
  };
  std::vector<Attached> out;
  for (const std::string& tag : CosignTags(subject.digest)) {
    // The attached index first; archives of older hoist and other tools list them in index.json.
    for (const auto* list : {&plan_.attached, &plan_.images}) {
      auto it = std::find_if(list->begin(), list->end(), [&](const auto& a) { return named(a, tag); });
      if (it == list->end()) continue;
      out.push_back(Attached{tag, it->root});
      break;
    }
  }
  return out;
}

}  // namespace hoist::transfer
