#pragma once
// COPY and ADD: the instruction's words and flags read into a CopySpec (sources, heredoc files,
// destination, --from, --chown, --chmod), the cache input of its sources, and the copy itself into
// the stage's root with docker's rules: a directory's contents are copied, several sources need a
// destination ending in "/", a destination ending in "/" (or an existing directory) receives files
// under their own names. ADD also unpacks local tar archives (plain, gzip, zstd, bzip2 or xz) and
// takes http(s) URLs (fetched by the stage runner through add_url.h, never unpacked).

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "builder/add_git.h"
#include "builder/add_url.h"
#include "builder/build_scope.h"
#include "builder/dockerfile/dockerfile.h"
#include "builder/source_paths.h"
#include "core/digest.h"

namespace hoist::builder {

struct CopySpec {
  bool add = false;
  std::vector<std::string> sources;                              // patterns, as expanded
  std::vector<std::pair<std::string, std::string>> heredocs;     // file name, content
  std::vector<std::string> urls;          // ADD's http(s) sources, as expanded
  std::optional<Digest> checksum;         // ADD --checksum: every URL's content must have it
  std::vector<GitSource> gits;            // ADD's git repositories
  bool keep_git_dir = false;              // ADD --keep-git-dir
  std::string dest;       // absolute (WORKDIR applied)
  bool dest_is_dir = false;  // written with a trailing "/" (or "." / "..")
  std::string from;       // --from as expanded; "" for the build context
  std::string chown;      // --chown as expanded; "" for 0:0
  std::optional<mode_t> chmod;
  std::string history;    // created_by: "COPY --from=build /out /app # buildkit"
};

Result<CopySpec> ParseCopy(const dockerfile::Instruction& ins, const BuildScope& scope, char escape,
                           const std::string& workdir);

// The sources' contents as COPY would see them (names, types, modes, bytes, link targets); URLs
// are not fetched here (the stage runner keys them by checksum or fetched content).
Result<Digest> HashCopySources(const CopySpec& spec, const SourceTree& tree);

// Copies into the stage root `stage_root`; `scratch` is an empty directory for heredocs and
// unpacked archives; `urls` are spec.urls already fetched. Errors carry the instruction's file:line.
Status ExecuteCopy(const dockerfile::Instruction& ins, const CopySpec& spec, const SourceTree& tree,
                   const std::string& stage_root, const std::string& scratch, const std::vector<UrlSource>& urls = {},
                   const std::vector<GitCheckout>& gits = {});

}  // namespace hoist::builder
