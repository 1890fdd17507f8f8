#include "transfer/layout_destination.h"

#include <vector>

#include "core/io.h"
#include "core/manifest.h"
#include "store/index_names.h"
#include "transfer/cancel.h"

namespace hoist::transfer {

Result<std::unique_ptr<LayoutDestination>> LayoutDestination::Open(std::shared_ptr<store::OciLayout> layout,
                                                                   LayoutNames names, std::string what) {
  HOIST_TRY_ASSIGN(store::OciLayout::WriteLease lease, layout->BeginWrite());
  return std::unique_ptr<LayoutDestination>(
      new LayoutDestination(std::move(layout), std::move(names), std::move(what), std::move(lease)));
}

Result<Reuse> LayoutDestination::TryReuseBlob(const Descriptor& blob) {
  auto size = layout_->BlobSize(blob.digest);
  if (size.ok() && *size == blob.size) return Reuse::kPresent;
  return Reuse::kNo;
}

Status LayoutDestination::PutBlob(Reader& content, const Descriptor& blob) {
  return layout_->PutBlob(content, blob.digest, blob.size);
}

namespace {

// Writes to a partial file gathered to this size (the source may write 16 KiB at a time).
constexpr size_t kPartialWriteSize = 256 * 1024;

// The rest of the blob from where `partial` stands, written into it by the source. The bytes
// the source handed over before a failure stay for the next attempt, unless they are not the
// blob's (a digest or size mismatch), which starts the partial over.
Status FetchRest(const BlobOpener& open, store::OciLayout::PartialBlob& partial, uint64_t offset) {
  BufferedWriter out(partial, kPartialWriteSize);
  Status fetched = open.WriteTo(offset, out);
  if (!fetched.ok() && fetched.error().code() == ErrorCode::kDigestMismatch) {
    (void)partial.Restart();
    return fetched;
  }
  Status flushed = out.Flush();
  if (!fetched.ok()) return fetched;
  return flushed;
}

}  // namespace

Status LayoutDestination::PutBlobFrom(const BlobOpener& open, const Descriptor& blob) {
  if (layout_->HasBlob(blob.digest)) return Ok();
  HOIST_TRY_ASSIGN(auto partial, layout_->OpenPartial(blob.digest, blob.size));
  Status fetched = FetchRest(open, *partial, partial->offset());
  if (!fetched.ok() && fetched.error().code() == ErrorCode::kUnsupported && partial->offset() > 0) {
    // The source cannot continue where the partial stands: start it over.
    HOIST_TRY(partial->Restart());
    fetched = FetchRest(open, *partial, 0);
  }
  if (!fetched.ok()) return fetched;
  Status committed = partial->Commit();
  if (!committed.ok()) return std::move(committed).error().WithContext("blob " + blob.digest.str());
  return Ok();
}

Status LayoutDestination::PutManifest(const ManifestBytes& manifest, const std::string& tag) {
  HOIST_TRY_ASSIGN(Descriptor d, layout_->PutBytes(manifest.bytes, manifest.media_type));
  if (!names_.repository) {
    HOIST_TRY_ASSIGN(AnyManifest parsed, ParseAnyManifest(manifest.bytes, manifest.media_type));
    unnamed_.Put(parsed, d, tag);
  }
  if (!tag.empty()) {
    HOIST_TRY_ASSIGN(std::string name, names_.NameFor(tag));
    names_to_set_.emplace_back(std::move(name), std::move(d));
  }
  return Ok();
}

Status LayoutDestination::Commit() {
  if (names_.repository) {
    std::vector<std::pair<Reference, Descriptor>> names;  // set in one index.json update
    for (const auto& [name, d] : names_to_set_) {
      HOIST_TRY_ASSIGN(Reference ref, Reference::Parse(name));
      names.emplace_back(std::move(ref), d);
    }
    HOIST_TRY(store::SetNames(*layout_, names));
  } else if (!names_to_set_.empty() || !unnamed_.Roots().empty()) {
    const std::vector<Descriptor> unnamed = unnamed_.Roots();
    HOIST_TRY(layout_->UpdateIndex([&](std::vector<Descriptor>& entries) -> Status {
      for (const Descriptor& d : unnamed) {
        // As skopeo: an unnamed entry of the same image is replaced, a named one stays.
        std::erase_if(entries, [&](const Descriptor& e) {
          return e.digest == d.digest && !e.annotations.count(store::kRefNameAnnotation);
        });
        Descriptor entry;
        entry.media_type = d.media_type;
        entry.digest = d.digest;
        entry.size = d.size;
        entries.push_back(std::move(entry));
      }
      for (const auto& named : names_to_set_) {
        // clang 14 cannot capture structured bindings in a lambda: name the members.
        const std::string& name = named.first;
        const Descriptor& d = named.second;
        std::erase_if(entries, [&](const Descriptor& e) {
          auto it = e.annotations.find(store::kRefNameAnnotation);
          return it != e.annotations.end() && it->second == name;
        });
        Descriptor entry;
        entry.media_type = d.media_type;
        entry.digest = d.digest;
        entry.size = d.size;
        entry.annotations[store::kRefNameAnnotation] = name;
        entries.push_back(std::move(entry));
      }
      return Ok();
    }));
  }
  names_to_set_.clear();
  unnamed_ = UnnamedRoots();
  lease_.reset();
  return Ok();
}

}  // namespace hoist::transfer
