#include "builder/build_context.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "container/root_dir.h"
#include "container/rootfs_unpack.h"
#include "core/fs.h"
#include "core/tar_path.h"

namespace hoist::builder {

namespace {

constexpr uint64_t kMaxIgnoreFileSize = 1024 * 1024;

Result<std::string> RealDir(const std::string& path, const std::string& what) {
  char real[PATH_MAX];
  if (::realpath(path.c_str(), real) == nullptr) {
    if (errno == ENOENT) return NotFound(what + " " + path + " does not exist");
    return ErrnoError("resolve " + what + " " + path, errno);
  }
  struct stat st;
  if (::stat(real, &st) != 0) return ErrnoError("stat " + path, errno);
  if (!S_ISDIR(st.st_mode)) return InvalidArgument(what + " " + path + " is not a directory");
  return std::string(real);
}

Status ExtractStdinTar(Reader& in, const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0) return ErrnoError("create " + dir, errno);
  HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(dir));
  container::UnpackOptions options;
  options.owners = container::UnpackOptions::Owners::kIgnore;
  auto stats = container::ApplyLayer(root, in, options);
  if (!stats.ok()) return std::move(stats).error().WithContext("reading the build context tar from stdin");
  return Ok();
}

}  // namespace

Result<BuildContext> BuildContext::Open(const ContextOptions& options) {
  BuildContext ctx;
  std::unique_ptr<Reader> stdin_reader;
  Reader* in = options.stdin_reader;
  if (in == nullptr) {
    stdin_reader = std::make_unique<FdReader>(0, /*owned=*/false);
    in = stdin_reader.get();
  }
  const bool from_stdin = options.context == "-";
  if (from_stdin && options.dockerfile == "-") {
    return InvalidArgument("the context and the Dockerfile cannot both come from stdin");
  }
  if (from_stdin) {
    const std::string dir = options.scratch + "/context";
    HOIST_TRY(ExtractStdinTar(*in, dir));
    HOIST_TRY_ASSIGN(ctx.tree_.path, RealDir(dir, "build context"));
  } else {
    HOIST_TRY_ASSIGN(ctx.tree_.path, RealDir(options.context, "build context"));
  }
  ctx.tree_.is_context = true;
  ctx.tree_.what = "the build context";

  if (options.dockerfile == "-") {
    HOIST_TRY_ASSIGN(ctx.dockerfile_text_, ReadAll(*in, kMaxDockerfileSize));
    ctx.dockerfile_name_ = "Dockerfile";
  } else {
    std::string path;
    if (options.dockerfile.empty()) {
      path = ctx.tree_.path + "/Dockerfile";
      ctx.dockerfile_name_ = "Dockerfile";
    } else if (from_stdin) {
      // -f names a file inside the context tar.
      auto clean = CleanEntryPath(options.dockerfile);
      if (!clean.ok()) return InvalidArgument("-f " + options.dockerfile + " is outside the build context");
      path = ctx.tree_.path + "/" + *clean;
      ctx.dockerfile_name_ = *clean;
    } else {
      path = options.dockerfile;
      ctx.dockerfile_name_ = options.dockerfile;
    }
    auto text = ReadFileToString(path, kMaxDockerfileSize);
    if (!text.ok()) {
      if (text.error().code() == ErrorCode::kNotFound) return NotFound("Dockerfile " + path + " not found");
      return std::move(text).error().WithContext("reading the Dockerfile");
    }
    ctx.dockerfile_text_ = std::move(text).value();
  }

  auto ignore = ReadFileToString(ctx.tree_.path + "/.dockerignore", kMaxIgnoreFileSize);
  if (ignore.ok()) {
    HOIST_TRY(ApplyDockerignore(*ignore, ctx.tree_.filter));
  } else if (ignore.error().code() != ErrorCode::kNotFound) {
    return std::move(ignore).error().WithContext("reading .dockerignore");
  }
  return ctx;
}

}  // namespace hoist::builder
