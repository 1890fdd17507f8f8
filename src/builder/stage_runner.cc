// One stage of a build: FROM, then each instruction as a config edit or a filesystem step. A
// filesystem step (RUN, COPY, ADD, WORKDIR) is looked up in the cache by a key chained from the
// stage's state; a hit adds the recorded layer without running anything, a miss unpacks the stage
// (once), runs the step and snapshots its changes into a layer.

#include <sys/stat.h>

#include <cerrno>
#include <ctime>
#include <functional>

#include "builder/base_images.h"
#include "builder/build_session.h"
#include "builder/config_steps.h"
#include "builder/onbuild.h"
#include "builder/copy_step.h"
#include "builder/run_mount_setup.h"
#include "builder/run_mounts.h"
#include "builder/run_step.h"
#include "builder/dockerfile/expand.h"
#include "container/root_dir.h"
#include "core/media_types.h"
#include "store/import.h"

namespace hoist::builder {

namespace {

std::string Joined(const std::vector<std::string>& words, const char* sep = " ") {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += sep;
    s += w;
  }
  return s;
}

Status AtLocation(const dockerfile::Location& where, Status s) {
  if (s.ok()) return s;
  return std::move(s).error().WithContext(where.ToString());
}

// The instructions BuildKit shows as steps of their own (they make or read filesystem state); the
// rest only change the config.
bool IsVertex(const std::string& keyword) {
  return keyword == "RUN" || keyword == "COPY" || keyword == "ADD" || keyword == "WORKDIR";
}

class StageRunner {
 public:
  StageRunner(BuildSession& s, int index) : s_(s), index_(index), stage_(s.file.stages[index]) {}

  Result<BuiltStage> Run() {
    HOIST_TRY_ASSIGN(std::string dir, s_.NewDir("stage-"));
    rootfs_ = std::make_shared<StageRootfs>(s_.layout, dir);
    int vertices = 1;  // FROM
    for (const auto& ins : stage_.instructions) vertices += IsVertex(ins.keyword) ? 1 : 0;
    s_.progress.BeginStage(StageLabel(), vertices);
    HOIST_TRY(AtLocation(stage_.location, From()));
    for (const auto& ins : stage_.instructions) {
      s_.progress.Step(ins.original, IsVertex(ins.keyword));
      HOIST_TRY(Instruction(ins));
    }
    image_.config.set_config(sc_.config);
    if (!sc_.author.empty()) image_.config.set_author(sc_.author);
    image_.config.set_created(s_.Now());
    return BuiltStage{std::move(image_), rootfs_};
  }

 private:
  std::string Timestamp() const { return s_.options.timestamp ? std::to_string(*s_.options.timestamp) : "-"; }

  // BuildKit's step label: the platform when several are built, then the stage's name (stage-N
  // when it has none and there are several stages).
  std::string StageLabel() const {
    std::string label = s_.multi_platform ? s_.platform.str() : "";
    std::string name = stage_.name;
    if (name.empty() && s_.file.stages.size() > 1) name = "stage-" + std::to_string(index_);
    if (!name.empty()) label += (label.empty() ? "" : " ") + name;
    return label;
  }

  Status From() {
    const std::string& base = s_.plan.bases[index_];
    s_.progress.Step("FROM " + base + (stage_.name.empty() ? "" : " AS " + stage_.name));
    HOIST_TRY_ASSIGN(Platform platform, StagePlatform(s_.file, s_.scope, s_.platform, index_));
    const Digest zero = Digest::Of("");
    bool numeric = base.find_first_not_of("0123456789") == std::string::npos;
    if (base == "scratch") {
      image_.config = ImageConfig(platform);
      image_.chain = CacheKey(zero, {"FROM scratch", Timestamp(), platform.str()});
    } else if (auto other = FindStage(s_.file, base, index_); other && !numeric) {
      image_ = s_.stages.at(*other).image;
      image_.chain = CacheKey(image_.chain, {"FROM stage", Timestamp()});
    } else {
      HOIST_TRY_ASSIGN(container::StoredImage img,
                       LoadBaseImage(s_.layout, base, s_.options.pull, s_.options.pull_always, platform));
      image_.config = img.config;
      image_.layers = img.manifest.layers();
      image_.docker = IsDocker(img.manifest.media_type());
      image_.chain = CacheKey(zero, {"FROM", img.manifest_descriptor.digest.str(), Timestamp()});
      s_.progress.Note(img.manifest_descriptor.digest.str().substr(0, 19));
    }
    sc_.config = image_.config.config().value_or(ContainerConfig{});
    auto shell = sc_.config.extra.find("Shell");
    if (shell != sc_.config.extra.end() && shell->is_array() && !shell->empty()) {
      sc_.shell.clear();
      for (const auto& w : *shell) {
        if (w.is_string()) sc_.shell.push_back(w.get<std::string>());
      }
    }
    s_.scope.BeginStage(sc_.config.env);
    return OnbuildTriggers(base);
  }

  // A base's ONBUILD triggers run right after FROM, before the stage's own instructions, and are not
  // passed on to this stage's image (as docker and BuildKit do).
  Status OnbuildTriggers(const std::string& base) {
    auto found = sc_.config.extra.find("OnBuild");
    if (found == sc_.config.extra.end()) return Ok();
    nlohmann::ordered_json triggers = *found;
    sc_.config.extra.erase(found);
    if (triggers.is_null()) return Ok();
    const std::string where = "ONBUILD of " + base;
    if (!triggers.is_array()) return ParseError(where + ": OnBuild in the image config is not a list");
    if (triggers.size() > kMaxOnbuildTriggers) {
      return ParseError(where + ": more than " + std::to_string(kMaxOnbuildTriggers) +
                        " triggers (kMaxOnbuildTriggers)");
    }
    int n = 0;
    for (const auto& t : triggers) {
      ++n;
      if (!t.is_string()) return ParseError(where + ": trigger " + std::to_string(n) + " is not a string");
      HOIST_TRY_ASSIGN(dockerfile::Instruction ins, ParseOnbuildTrigger(t.get<std::string>(), where, n));
      s_.progress.Step(ins.original, IsVertex(ins.keyword));
      HOIST_TRY(Instruction(ins));
    }
    return Ok();
  }

  Status Instruction(const dockerfile::Instruction& ins) {
    const std::string& k = ins.keyword;
    if (IsConfigInstruction(k)) {
      HOIST_TRY_ASSIGN(auto text, ApplyConfigInstruction(ins, sc_, s_.scope, s_.file.escape));
      image_.chain = CacheKey(image_.chain, {"CONFIG", text.value_or("")});
      if (k != "ARG" && text) {
        HistoryEntry h;
        h.created = s_.Now();
        h.created_by = *text;
        image_.config.AddEmptyLayerHistory(std::move(h));
      }
      return Ok();
    }
    if (k == "WORKDIR") return Workdir(ins);
    if (k == "RUN") return RunStep(ins);
    if (k == "COPY" || k == "ADD") return CopyStep(ins);
    return ParseError(ins.location.ToString() + ": unknown instruction " + k);
  }

  Status Workdir(const dockerfile::Instruction& ins) {
    if (!ins.flags.empty()) return ParseError(ins.location.ToString() + ": WORKDIR takes no flags");
    HOIST_TRY_ASSIGN(std::string dir, dockerfile::ExpandWord(ins.text, s_.scope.StageLookup(), s_.file.escape,
                                                             ins.location));
    if (dir.empty()) return ParseError(ins.location.ToString() + ": WORKDIR needs a path");
    if (dir[0] != '/') dir = (sc_.config.working_dir.empty() ? "/" : sc_.config.working_dir) + "/" + dir;
    const std::string rel = CleanInRoot(dir);
    sc_.config.working_dir = rel == "." ? "/" : "/" + rel;
    const std::string text = "WORKDIR " + sc_.config.working_dir;
    Digest key = CacheKey(image_.chain, {"WORKDIR", sc_.config.working_dir});
    return FsStep(key, text, [&]() -> Status {
      if (rel == ".") return Ok();
      HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(rootfs_->root()));
      auto made = root.OpenDir(rel, /*create_missing=*/true);
      if (!made.ok()) return std::move(made).error().WithContext(ins.location.ToString() + ": WORKDIR");
      return Ok();
    });
  }

  // RUN --mount values, expanded with the stage's variables (as BuildKit does) and parsed.
  Result<std::vector<RunMount>> ParseMounts(const dockerfile::Instruction& ins, const std::vector<std::string>& specs) {
    std::vector<RunMount> mounts;
    for (const auto& spec : specs) {
      HOIST_TRY_ASSIGN(std::string text, dockerfile::ExpandWord(spec, s_.scope.StageLookup(), s_.file.escape,
                                                                ins.location));
      auto m = ParseRunMount(text, sc_.config.working_dir);
      if (!m.ok()) return ParseError(ins.location.ToString() + ": " + m.error().message());
      mounts.push_back(std::move(m).value());
    }
    return mounts;
  }

  // A bind mount's tree: the context, an earlier stage (by name or index) or an image.
  Result<MountTree> MountTreeOf(const dockerfile::Instruction& ins, const std::string& from) {
    if (from.empty()) return MountTree{s_.context.tree(), ""};
    if (auto other = FindStage(s_.file, from, index_)) {
      auto found = s_.stages.find(*other);
      if (found == s_.stages.end()) return Unsupported(ins.location.ToString() + ": stage " + from + " was not built");
      BuiltStage& built = found->second;
      HOIST_TRY(built.rootfs->Materialize(built.image.layers));
      return MountTree{SourceTree{built.rootfs->root(), false, {}, "stage " + from}, "stage " + built.image.chain.str()};
    }
    HOIST_TRY_ASSIGN(container::StoredImage image, LookupCopyImage(ins, from));
    HOIST_TRY_ASSIGN(std::string dir, ImageRoot(image));
    return MountTree{SourceTree{dir, false, {}, "image " + from}, "image " + image.manifest_descriptor.digest.str()};
  }

  // An image's files, unpacked once per build (COPY --from=IMAGE, RUN --mount from=IMAGE).
  Result<std::string> ImageRoot(const container::StoredImage& image) {
    auto& dir = s_.image_roots[image.manifest_descriptor.digest.str()];
    if (dir.empty()) {
      HOIST_TRY_ASSIGN(std::string made, s_.NewDir("image-"));
      HOIST_TRY(container::UnpackStoredImage(s_.layout, image, made));
      dir = made;
    }
    return dir;
  }

  Status RunStep(const dockerfile::Instruction& ins) {
    RunCommand cmd;
    cmd.argv = RunArgv(ins, sc_.shell);
    HOIST_TRY_ASSIGN(RunFlags flags, ParseRunFlags(ins, s_.options.allow_insecure));
    HOIST_TRY_ASSIGN(std::vector<RunMount> mounts, ParseMounts(ins, flags.mounts));
    MountTreeResolver resolve = [&](const std::string& from) { return MountTreeOf(ins, from); };
    std::string mounts_id;
    if (!mounts.empty()) {
      auto id = MountsCacheId(mounts, resolve);
      if (!id.ok()) return std::move(id).error().WithContext(ins.location.ToString() + ": RUN --mount");
      mounts_id = std::move(id).value();
    }
    cmd.network = flags.network;
    if (!ins.FlagValue("network") && s_.options.network) cmd.network = *s_.options.network;  // build --network
    cmd.insecure = flags.insecure;
    auto pairs = s_.scope.ArgPairs(sc_.config.env);
    cmd.env = s_.scope.RunEnv(sc_.config.env);
    cmd.working_dir = sc_.config.working_dir;
    cmd.user = sc_.config.user;
    std::string text = "RUN ";
    for (const auto& m : mounts) text += "--mount=" + m.canonical + " ";
    if (!pairs.empty()) text += "|" + std::to_string(pairs.size()) + " " + Joined(pairs) + " ";
    text += Joined(cmd.argv);
    text += " # buildkit";
    std::string network = cmd.network == container::SandboxOptions::Network::kNone ? "none" : "host";
    if (cmd.insecure) network += " security=insecure";  // a sandboxed step's result is not reused
    Digest key = CacheKey(image_.chain, {"RUN", text, Joined(cmd.argv, "\n"), Joined(cmd.env, "\n"), cmd.user,
                                         cmd.working_dir, network, mounts_id});
    return FsStep(key, text, [&]() -> Status {
      HOIST_TRY_ASSIGN(std::string scratch, s_.NewDir("run-"));
      // Secrets and the ssh agent enter here, after the key: their values never key a step.
      auto prepared = PrepareRunMounts(mounts, s_.options, resolve, s_.layout.paths().CacheMountsDir(), scratch);
      if (!prepared.ok()) return std::move(prepared).error().WithContext(ins.location.ToString());
      cmd.mounts = std::move(prepared->mounts);
      for (auto& e : prepared->env) cmd.env.push_back(std::move(e));
      auto missing = MissingMountPaths(rootfs_->root(), mounts);
      s_.progress.BeforeOutput();
      Status ran = ExecuteRun(ins, rootfs_->root(), cmd, s_.progress.out(), s_.progress.quiet(), scratch,
                              s_.progress.PlainVertex());
      HOIST_TRY(RemoveMountPaths(rootfs_->root(), missing));
      return ran;
    });
  }

  Status CopyStep(const dockerfile::Instruction& ins) {
    HOIST_TRY_ASSIGN(CopySpec spec, ParseCopy(ins, s_.scope, s_.file.escape, sc_.config.working_dir));
    std::string source_id;
    std::function<Result<SourceTree>()> open_tree;
    if (spec.from.empty()) {
      auto hash = HashCopySources(spec, s_.context.tree());
      if (!hash.ok()) return std::move(hash).error().WithContext(ins.location.ToString() + ": " + ins.keyword);
      source_id = hash->str();
      open_tree = [&]() -> Result<SourceTree> { return s_.context.tree(); };
    } else if (auto other = FindStage(s_.file, spec.from, index_)) {
      BuiltStage& built = s_.stages.at(*other);
      source_id = "stage " + built.image.chain.str();
      std::string what = "stage " + spec.from;
      open_tree = [&built, what]() -> Result<SourceTree> {
        HOIST_TRY(built.rootfs->Materialize(built.image.layers));
        return SourceTree{built.rootfs->root(), false, {}, what};
      };
    } else {
      auto img = LookupCopyImage(ins, spec.from);
      if (!img.ok()) return std::move(img).error();
      source_id = "image " + img->manifest_descriptor.digest.str();
      container::StoredImage image = std::move(img).value();
      open_tree = [this, image, from = spec.from]() -> Result<SourceTree> {
        HOIST_TRY_ASSIGN(std::string dir, ImageRoot(image));
        return SourceTree{dir, false, {}, "image " + from};
      };
    }
    std::vector<UrlSource> fetched;
    HOIST_TRY_ASSIGN(std::string url_id, UrlSourcesId(ins, spec, fetched));
    std::vector<GitCheckout> clones;
    HOIST_TRY_ASSIGN(std::string git_id, CloneGitSources(ins, spec, clones));
    std::string chmod = spec.chmod ? std::to_string(*spec.chmod) : "";
    Digest key = CacheKey(image_.chain,
                          {ins.keyword, spec.history, spec.dest, spec.chown, chmod, source_id, url_id, git_id});
    return FsStep(key, spec.history, [&]() -> Status {
      HOIST_TRY_ASSIGN(SourceTree tree, open_tree());
      if (fetched.size() < spec.urls.size()) HOIST_TRY(FetchUrls(ins, spec, fetched));
      HOIST_TRY_ASSIGN(std::string scratch, s_.NewDir("copy-"));
      return ExecuteCopy(ins, spec, tree, rootfs_->root(), scratch, fetched, clones);
    });
  }

  // ADD's git sources, cloned on every build (as BuildKit resolves the ref each time) and keyed by
  // the commit checked out, so an unchanged branch keeps the step cached.
  Result<std::string> CloneGitSources(const dockerfile::Instruction& ins, const CopySpec& spec,
                                      std::vector<GitCheckout>& clones) {
    std::string id;
    for (const auto& git : spec.gits) {
      HOIST_TRY_ASSIGN(std::string dir, s_.NewDir("git-"));
      auto got = FetchGitSource(git, dir, spec.keep_git_dir);
      if (!got.ok()) return std::move(got).error().WithContext(ins.location.ToString() + ": ADD");
      id += "git " + got->commit + " " + git.subdir + (spec.keep_git_dir ? " keep" : "") + "\n";
      clones.push_back(std::move(got).value());
    }
    return id;
  }

  // What ADD's URLs add to the cache key, as docker keys them: with --checksum the checksum (nothing
  // is fetched before a cache miss); without, the content, which must be fetched to be known.
  Result<std::string> UrlSourcesId(const dockerfile::Instruction& ins, const CopySpec& spec,
                                   std::vector<UrlSource>& fetched) {
    if (spec.urls.empty()) return std::string();
    if (spec.checksum) return "checksum " + spec.checksum->str();
    HOIST_TRY(FetchUrls(ins, spec, fetched));
    std::string id;
    for (const auto& f : fetched) {
      id += "url " + f.digest.str() + " " + (f.last_modified ? std::to_string(*f.last_modified) : "-") + "\n";
    }
    return id;
  }

  Status FetchUrls(const dockerfile::Instruction& ins, const CopySpec& spec, std::vector<UrlSource>& fetched) {
    for (const auto& url : spec.urls) {
      HOIST_TRY_ASSIGN(std::string dir, s_.NewDir("url-"));
      auto got = FetchUrlSource(url, spec.checksum, dir, s_.options.fetch, s_.options.timestamp);
      if (!got.ok()) return std::move(got).error().WithContext(ins.location.ToString() + ": " + ins.keyword);
      fetched.push_back(std::move(got).value());
    }
    return Ok();
  }

  Result<container::StoredImage> LookupCopyImage(const dockerfile::Instruction& ins, const std::string& from) {
    const std::string where = ins.location.ToString() + ": " + ins.keyword + " --from=" + from;
    if (LooksLikeStageName(from)) {
      auto local = container::LoadStoredImage(s_.layout, from);
      if (local.ok()) return local;
      return NotFound(where + ": no stage named \"" + from + "\" before this line (an image needs a tag or a registry, "
                      "e.g. " + from + ":latest)");
    }
    auto img = LoadBaseImage(s_.layout, from, s_.options.pull, s_.options.pull_always, s_.platform);
    if (!img.ok()) return std::move(img).error().WithContext(where);
    return img;
  }

  Status FsStep(const Digest& key, const std::string& created_by, const std::function<Status()>& execute) {
    if (!s_.options.no_cache) {
      if (auto hit = s_.cache.Lookup(key)) {
        s_.progress.Cached();
        if (hit->layer) HOIST_TRY(rootfs_->ApplyCached(*hit->layer));
        s_.used_steps[key] = *hit;
        Append(hit->layer, hit->diff_id, created_by, s_.options.timestamp ? s_.Now() : hit->created);
        image_.chain = key;
        return Ok();
      }
    }
    HOIST_TRY(rootfs_->Materialize(image_.layers));
    HOIST_TRY(execute());
    const std::string media_type(image_.docker ? kDockerLayerGzip : kOciLayerGzip);
    HOIST_TRY_ASSIGN(LayerResult layer, rootfs_->Snapshot(s_.options.timestamp, media_type));
    CachedStep record{layer.layer, layer.diff_id, s_.Now()};
    HOIST_TRY(s_.cache.Store(key, record));
    s_.used_steps[key] = record;
    s_.progress.Done(layer.layer);
    Append(layer.layer, layer.diff_id, created_by, record.created);
    image_.chain = key;
    return Ok();
  }

  void Append(const std::optional<Descriptor>& layer, const Digest& diff_id, const std::string& created_by,
              const std::string& created) {
    HistoryEntry h;
    h.created = created;
    h.created_by = created_by;
    if (layer) {
      image_.layers.push_back(*layer);
      image_.config.AddLayer(diff_id, std::move(h));
    } else {
      image_.config.AddEmptyLayerHistory(std::move(h));
    }
  }

  BuildSession& s_;
  int index_;
  const dockerfile::Stage& stage_;
  StageImage image_;
  StageConfig sc_;
  std::shared_ptr<StageRootfs> rootfs_;
};

}  // namespace

Result<std::string> BuildSession::NewDir(const std::string& prefix) {
  std::string dir = scratch + "/" + prefix + std::to_string(++dirs);
  if (::mkdir(dir.c_str(), 0755) != 0) return ErrnoError("create " + dir, errno);
  return dir;
}

std::string BuildSession::Now() const {
  return store::Rfc3339(options.timestamp ? *options.timestamp : static_cast<int64_t>(std::time(nullptr)));
}

Result<BuiltStage> BuildStage(BuildSession& session, int index) { return StageRunner(session, index).Run(); }

Result<Platform> StagePlatform(const dockerfile::Dockerfile& file, const BuildScope& scope, const Platform& platform,
                               int index) {
  const dockerfile::Stage& stage = file.stages[index];
  if (stage.platform.empty()) return platform;
  HOIST_TRY_ASSIGN(std::string text,
                   dockerfile::ExpandWord(stage.platform, scope.GlobalLookup(), file.escape, stage.location));
  auto parsed = Platform::Parse(text);
  if (!parsed.ok()) return std::move(parsed).error().WithContext("FROM --platform");
  return BuildKitPlatform(*parsed);
}

}  // namespace hoist::builder
