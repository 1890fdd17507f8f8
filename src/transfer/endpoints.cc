#include "transfer/endpoints.h"

#include <filesystem>

#include "transfer/docker_archive_destination.h"
#include "transfer/docker_archive_source.h"
#include "transfer/layout_destination.h"
#include "transfer/oci_archive_destination.h"
#include "transfer/layout_source.h"
#include "transfer/registry_destination.h"
#include "transfer/registry_source.h"

namespace hoist::transfer {

namespace {

// Archives are spooled (read) or layers of unknown size staged (written) in the system temp dir.
std::string ArchiveTempDir() { return std::filesystem::temp_directory_path().string(); }

Result<std::shared_ptr<store::OciLayout>> OpenLayout(const std::string& root, store::OciLayout::OpenMode mode) {
  HOIST_TRY_ASSIGN(store::OciLayout layout, store::OciLayout::Open(root, mode));
  return std::make_shared<store::OciLayout>(std::move(layout));
}

}  // namespace

Result<std::unique_ptr<ImageSource>> OpenSource(const Location& loc, const Endpoints& ep) {
  switch (loc.kind) {
    case LocationKind::kRegistry: {
      if (!ep.client) return Internal("no registry client for " + loc.str());
      HOIST_TRY_ASSIGN(registry::Repository repo, ep.client->OpenRepository(*loc.ref, registry::Access::kPull));
      return std::unique_ptr<ImageSource>(new RegistrySource(std::move(repo), *loc.ref, ep.cache));
    }
    case LocationKind::kStore: {
      auto layout = OpenLayout(ep.store_path, store::OciLayout::OpenMode::kExisting);
      if (!layout.ok()) {
        if (layout.error().code() == ErrorCode::kNotFound) {
          return NotFound(loc.ref->str() + " is not in the local store (" + ep.store_path + ")");
        }
        return std::move(layout).error();
      }
      HOIST_TRY_ASSIGN(Descriptor top, (*layout)->Resolve(*loc.ref));
      LayoutNames names{loc.ref->Bare()};
      return std::unique_ptr<ImageSource>(new LayoutSource(*layout, top, names, loc.ref->str()));
    }
    case LocationKind::kOciLayout: {
      HOIST_TRY_ASSIGN(auto layout, OpenLayout(loc.path, store::OciLayout::OpenMode::kExisting));
      HOIST_TRY_ASSIGN(Descriptor top, FindNamed(*layout, loc.name));
      return std::unique_ptr<ImageSource>(new LayoutSource(layout, top, LayoutNames{}, loc.str()));
    }
    case LocationKind::kOciArchive: {
      HOIST_TRY_ASSIGN(auto src, OpenOciArchiveSource(loc.path, loc.name, ArchiveTempDir()));
      return std::unique_ptr<ImageSource>(std::move(src));
    }
    case LocationKind::kDockerArchive: {
      HOIST_TRY_ASSIGN(auto src, OpenDockerArchiveSource(loc.path, loc.name, ArchiveTempDir()));
      return std::unique_ptr<ImageSource>(std::move(src));
    }
  }
  return Internal("unknown location kind");
}

Result<std::unique_ptr<ImageDestination>> OpenDestination(const Location& loc, const Endpoints& ep,
                                                          const Location* source) {
  switch (loc.kind) {
    case LocationKind::kRegistry: {
      if (!ep.client) return Internal("no registry client for " + loc.str());
      RegistryDestinationOptions o;
      o.cache = ep.cache;
      o.resume = ep.resume;
      if (source && source->kind == LocationKind::kRegistry && source->ref->domain() == loc.ref->domain() &&
          source->ref->repository() != loc.ref->repository()) {
        o.mount_hints.push_back(source->ref->repository());
      }
      HOIST_TRY_ASSIGN(registry::Repository repo,
                       ep.client->OpenRepository(*loc.ref, registry::Access::kPush, o.mount_hints));
      return std::unique_ptr<ImageDestination>(new RegistryDestination(std::move(repo), *loc.ref, std::move(o)));
    }
    case LocationKind::kStore: {
      HOIST_TRY_ASSIGN(auto layout, OpenLayout(ep.store_path, store::OciLayout::OpenMode::kCreate));
      HOIST_TRY_ASSIGN(auto dest, LayoutDestination::Open(layout, LayoutNames{loc.ref->Bare()}, loc.ref->str()));
      return std::unique_ptr<ImageDestination>(std::move(dest));
    }
    case LocationKind::kOciLayout: {
      HOIST_TRY_ASSIGN(auto layout, OpenLayout(loc.path, store::OciLayout::OpenMode::kCreate));
      HOIST_TRY_ASSIGN(auto dest, LayoutDestination::Open(layout, LayoutNames{}, loc.str()));
      return std::unique_ptr<ImageDestination>(std::move(dest));
    }
    case LocationKind::kOciArchive: {
      HOIST_TRY_ASSIGN(auto dest, OciArchiveDestination::Open(loc.path, ArchiveTempDir()));
      return std::unique_ptr<ImageDestination>(std::move(dest));
    }
    case LocationKind::kDockerArchive: {
      if (!loc.name.empty() && loc.name[0] == '@') {
        return InvalidArgument(loc.str() + ": @N picks an image to read; to write, name it docker-archive:FILE:REF");
      }
      HOIST_TRY_ASSIGN(auto dest, DockerArchiveDestination::Open(loc.path, loc.ref, ArchiveTempDir()));
      return std::unique_ptr<ImageDestination>(std::move(dest));
    }
  }
  return Internal("unknown location kind");
}

Result<std::vector<std::string>> ListSourceTags(const Location& loc, const Endpoints& ep) {
  switch (loc.kind) {
    case LocationKind::kRegistry: {
      if (!ep.client) return Internal("no registry client for " + loc.str());
      HOIST_TRY_ASSIGN(registry::Repository repo, ep.client->OpenRepository(*loc.ref, registry::Access::kPull));
      return repo.ListTags();
    }
    case LocationKind::kStore: {
      HOIST_TRY_ASSIGN(auto layout, OpenLayout(ep.store_path, store::OciLayout::OpenMode::kExisting));
      return ListLayoutTags(*layout, LayoutNames{loc.ref->Bare()});
    }
    case LocationKind::kOciLayout: {
      HOIST_TRY_ASSIGN(auto layout, OpenLayout(loc.path, store::OciLayout::OpenMode::kExisting));
      return ListLayoutTags(*layout, LayoutNames{});
    }
    default:
      return Unsupported("--all-tags with " + loc.str());
  }
}

Result<Location> WithTag(const Location& loc, const std::string& tag) {
  Location out = loc;
  if (loc.kind == LocationKind::kRegistry || loc.kind == LocationKind::kStore) {
    HOIST_TRY_ASSIGN(Reference r, loc.ref->Bare().WithTag(tag));
    out.ref = std::move(r);
  } else {
    out.name = tag;
  }
  return out;
}

std::string DestinationTag(const Location& destination, const Location& source) {
  switch (destination.kind) {
    case LocationKind::kRegistry:
    case LocationKind::kStore:
      if (destination.ref->tag()) return *destination.ref->tag();
      // Pulled by digest alone: the store names it by digest.
      if (destination.kind == LocationKind::kStore && destination.ref->digest()) {
        return "@" + destination.ref->digest()->str();
      }
      return "";
    case LocationKind::kOciLayout:
      // The REF verbatim; without one the source's tag (hoist's habit), or no name (as skopeo).
      if (!destination.name.empty()) return destination.name;
      if (source.ref && source.ref->tag()) return *source.ref->tag();
      if (source.kind == LocationKind::kOciLayout || source.kind == LocationKind::kOciArchive) return source.name;
      return "";
    case LocationKind::kOciArchive:
      return destination.name;  // verbatim; none: an unnamed entry, as skopeo
    case LocationKind::kDockerArchive:
      // RepoTags are full references: the REF's, else the source's own name (as `hoist save`).
      if (destination.ref) return destination.ref->str();
      if (source.ref && source.ref->tag()) return source.ref->str();
      return "";
  }
  return "";
}

}  // namespace hoist::transfer
