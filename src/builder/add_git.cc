#include "builder/add_git.h"

#include <git2.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <mutex>

#include "builder/source_paths.h"
#include "container/root_dir.h"
#include "transfer/cancel.h"
#include "transfer/url_fetch.h"

namespace hoist::builder {

namespace {

// libgit2's last error as text, never the URL's userinfo (credentials in https://user:pass@…).
std::string GitError(const std::string& what) {
  const git_error* e = git_error_last();
  return what + ": " + (e && e->message ? e->message : "unknown libgit2 error");
}

std::string WithoutUserinfo(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t at = url.find('@', scheme + 3);
  size_t slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

struct Owned {
  git_repository* repo = nullptr;
  git_object* target = nullptr;
  ~Owned() {
    git_object_free(target);
    git_repository_free(repo);
  }
};

int OnTransfer(const git_indexer_progress* stats, void*) {
  if (transfer::CancelRequested()) return -1;
  if (stats->received_bytes > kMaxGitFetchBytes) {
    git_error_set_str(GIT_ERROR_NET, ("the repository is over " + std::to_string(kMaxGitFetchBytes) +
                                      " bytes (kMaxGitFetchBytes)").c_str());
    return -1;
  }
  return 0;
}

// ssh: keys from the agent ($SSH_AUTH_SOCK), as `git clone git@…` without a key file does.
int OnCredentials(git_credential** out, const char*, const char* username, unsigned int allowed, void*) {
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0) return git_credential_ssh_key_from_agent(out, username ? username : "git");
  return GIT_PASSTHROUGH;
}

// REF as a remote branch, a tag, then a commit id (full or abbreviated).
Result<git_object*> Resolve(git_repository* repo, const std::string& ref) {
  git_object* obj = nullptr;
  if (ref.empty()) {
    if (git_revparse_single(&obj, repo, "HEAD") == 0) return obj;
    return NotFound(GitError("the repository has no HEAD to check out"));
  }
  for (const std::string& spec : {"refs/remotes/origin/" + ref, "refs/tags/" + ref, ref}) {
    if (git_revparse_single(&obj, repo, spec.c_str()) == 0) return obj;
  }
  return NotFound("the repository has no branch, tag or commit \"" + ref + "\"");
}

}  // namespace

bool IsGitSource(const std::string& s) {
  const std::string path = s.substr(0, s.find('#'));
  return s.rfind("git@", 0) == 0 || s.rfind("git://", 0) == 0 || s.rfind("ssh://", 0) == 0 ||
         (transfer::IsHttpUrl(s) && path.size() > 4 && path.compare(path.size() - 4, 4, ".git") == 0);
}

Result<GitSource> ParseGitSource(const std::string& word) {
  GitSource g;
  size_t hash = word.find('#');
  g.url = word.substr(0, hash);
  if (hash != std::string::npos) {
    std::string fragment = word.substr(hash + 1);
    size_t colon = fragment.find(':');
    g.ref = fragment.substr(0, colon);
    if (colon != std::string::npos) g.subdir = fragment.substr(colon + 1);
  }
  if (g.url.empty()) return InvalidArgument("a git source needs a repository URL, got \"" + word + "\"");
  if (WithoutUserinfo(g.url) != g.url && transfer::IsHttpUrl(g.url)) {
    // The URL is kept in the image's history: a password in it would be published with the image.
    return InvalidArgument("credentials in the git URL " + WithoutUserinfo(g.url) +
                           " would be kept in the image history; leave them out (ssh keys come from the agent)");
  }
  if (!g.subdir.empty()) {
    // ".." stops at the tree's root, as every path in a build does.
    std::string clean = CleanInRoot(g.subdir);
    g.subdir = clean == "." ? "" : clean;
  }
  return g;
}

Result<GitCheckout> FetchGitSource(const GitSource& source, const std::string& dir, bool keep_git_dir) {
  static std::once_flag init;
  std::call_once(init, [] { git_libgit2_init(); });
  const std::string shown = WithoutUserinfo(source.url);
  Owned o;
  git_clone_options options;
  git_clone_options_init(&options, GIT_CLONE_OPTIONS_VERSION);  // not the macro: it leaves fields implicit
  options.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;  // REF is checked out below
  options.fetch_opts.callbacks.transfer_progress = OnTransfer;
  options.fetch_opts.callbacks.credentials = OnCredentials;
  options.fetch_opts.proxy_opts.type = GIT_PROXY_AUTO;
  const std::string repo_dir = dir + "/repo";
  if (git_clone(&o.repo, source.url.c_str(), repo_dir.c_str(), &options) != 0) {
    if (transfer::CancelRequested()) return transfer::CancelledError();
    return Error(ErrorCode::kNetwork, GitError("cloning " + shown));
  }
  auto target = Resolve(o.repo, source.ref);
  if (!target.ok()) return std::move(target).error().WithContext(shown);
  git_object* commit = nullptr;
  if (git_object_peel(&commit, *target, GIT_OBJECT_COMMIT) != 0) {
    git_object_free(*target);
    return InvalidArgument(GitError(shown + "#" + source.ref + " is not a commit"));
  }
  git_object_free(*target);
  o.target = commit;
  git_checkout_options checkout;
  git_checkout_options_init(&checkout, GIT_CHECKOUT_OPTIONS_VERSION);
  checkout.checkout_strategy = GIT_CHECKOUT_FORCE;
  if (git_checkout_tree(o.repo, commit, &checkout) != 0 ||
      git_repository_set_head_detached(o.repo, git_object_id(commit)) != 0) {
    return Error(ErrorCode::kIO, GitError("checking out " + shown));
  }
  char hex[GIT_OID_HEXSZ + 1] = {0};
  git_oid_tostr(hex, sizeof hex, git_object_id(commit));
  GitCheckout out;
  out.commit = hex;
  if (!keep_git_dir) {
    std::error_code ec;
    std::filesystem::remove_all(repo_dir + "/.git", ec);
    if (ec) return Error(ErrorCode::kIO, "removing the .git directory of the clone: " + ec.message());
  }
  out.dir = repo_dir;
  if (!source.subdir.empty()) {
    HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(repo_dir));
    auto sub = root.OpenDir(source.subdir, /*create_missing=*/false);
    if (!sub.ok()) return NotFound(shown + " has no directory " + source.subdir + " at " + out.commit.substr(0, 12));
    out.dir = repo_dir + "/" + source.subdir;
  }
  return out;
}

}  // namespace hoist::builder
