#include "builder/copy_step.h"

#include <sys/stat.h>

#include <cerrno>

#include "builder/add_archive.h"
#include "builder/dockerfile/expand.h"
#include "builder/tree_copy.h"
#include "container/image_user.h"
#include "core/fs.h"
#include "transfer/url_fetch.h"

namespace hoist::builder {

namespace {

Error At(const dockerfile::Instruction& ins, const std::string& message) {
  std::string s = ins.location.ToString();
  s += ": ";
  s += ins.keyword;
  s += ": ";
  s += message;
  return ParseError(std::move(s));
}

Status WithLocation(const dockerfile::Instruction& ins, Status s) {
  if (s.ok()) return s;
  std::string where = ins.location.ToString();
  where += ": ";
  where += ins.keyword;
  return std::move(s).error().WithContext(where);
}

// Docker clones these (git@host:repo, git://…, a URL ending in .git with an optional #ref).
Result<Digest> ParseChecksum(const dockerfile::Instruction& ins, const std::string& text) {
  auto d = Digest::Parse(text);
  if (!d.ok()) return At(ins, "--checksum needs a digest such as sha256:<64 hex digits>, got \"" + text + "\"");
  return *d;
}

// "<<EOF" or "<<-'EOF'" → "EOF"; "" when the word is no heredoc reference.
// The heredoc a source word names (`<<EOF`, `<<-EOF`, `<< EOF` once joined), "" when none. Quotes
// were already removed by the expansion.
std::string HeredocName(const std::string& word) {
  if (word.rfind("<<", 0) != 0) return "";
  size_t i = 2;
  if (i < word.size() && word[i] == '-') ++i;
  while (i < word.size() && (word[i] == ' ' || word[i] == '\t')) ++i;
  std::string name = word.substr(i);
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') && name.back() == name.front()) {
    name = name.substr(1, name.size() - 2);
  }
  return name;
}

// `COPY << EOF /dest` expands to the words `<<`, `EOF`, `/dest`: an opener with blanks after it is
// one word again, as BuildKit reads it.
void JoinHeredocOpeners(std::vector<std::string>& words, const dockerfile::Instruction& ins) {
  if (ins.heredocs.empty()) return;
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    if (words[i] == "<<" || words[i] == "<<-") {
      words[i] += " " + words[i + 1];
      words.erase(words.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  }
}

Result<mode_t> ParseChmod(const dockerfile::Instruction& ins, const std::string& text) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("01234567") != std::string::npos) {
    return At(ins, "--chmod needs an octal mode such as 0644, got \"" + text + "\"");
  }
  return static_cast<mode_t>(std::stoul(text, nullptr, 8));
}

bool ExistingDir(const container::RootDir& root, const std::string& rel) {
  auto dir = root.OpenDir(rel, false);
  return dir.ok();
}

}  // namespace

Result<CopySpec> ParseCopy(const dockerfile::Instruction& ins, const BuildScope& scope, char escape,
                           const std::string& workdir) {
  CopySpec spec;
  spec.add = ins.keyword == "ADD";
  auto lookup = scope.StageLookup();
  std::string flags_text;
  for (const auto& f : ins.flags) {
    HOIST_TRY_ASSIGN(std::string value, dockerfile::ExpandWord(f.value, lookup, escape, f.location));
    if (f.name == "from" && !spec.add) {
      spec.from = value;
    } else if (f.name == "chown") {
      spec.chown = value;
    } else if (f.name == "chmod") {
      HOIST_TRY_ASSIGN(spec.chmod, ParseChmod(ins, value));
    } else if (f.name == "link") {
      // --link changes how buildkit stacks layers, not what they hold: accepted, no effect.
    } else if (f.name == "keep-git-dir" && spec.add) {
      if (value != "" && value != "true" && value != "false") return At(ins, "--keep-git-dir takes true or false");
      spec.keep_git_dir = value != "false";
    } else if (f.name == "checksum" && spec.add) {
      HOIST_TRY_ASSIGN(spec.checksum, ParseChecksum(ins, value));
    } else {
      return At(ins, "unknown flag --" + f.name);
    }
    flags_text += "--" + f.name + "=" + value + " ";
  }
  std::vector<std::string> words;
  if (ins.exec_form) {
    for (const auto& a : ins.exec_args) {
      HOIST_TRY_ASSIGN(std::string w, dockerfile::ExpandWord(a, lookup, escape, ins.location));
      words.push_back(std::move(w));
    }
  } else {
    HOIST_TRY_ASSIGN(words, dockerfile::ExpandWords(ins.text, lookup, escape, ins.location));
    JoinHeredocOpeners(words, ins);
  }
  if (words.size() < 2) return At(ins, "needs at least one source and a destination");
  std::string dest = words.back();
  words.pop_back();
  for (const auto& w : words) {
    std::string name = HeredocName(w);
    if (name.empty()) {
      if (IsGitSource(w)) {
        if (!spec.add) return At(ins, "COPY cannot take a git repository (\"" + w + "\"): use ADD");
        auto git = ParseGitSource(w);
        if (!git.ok()) return At(ins, git.error().message());
        spec.gits.push_back(std::move(git).value());
        continue;
      }
      if (transfer::IsHttpUrl(w)) {
        if (!spec.add) return At(ins, "COPY cannot take a URL (\"" + w + "\"): use ADD");
        spec.urls.push_back(w);
      } else {
        spec.sources.push_back(w);
      }
      continue;
    }
    const dockerfile::Heredoc* found = nullptr;
    for (const auto& h : ins.heredocs) {
      if (h.name == name) found = &h;
    }
    if (found == nullptr) return At(ins, "no heredoc named " + name);
    std::string content = found->content;
    if (found->expand) {
      HOIST_TRY_ASSIGN(content, dockerfile::ExpandHeredoc(content, lookup, escape, ins.location));
    }
    spec.heredocs.emplace_back(name, std::move(content));
  }
  spec.dest_is_dir = dest.empty() || dest.back() == '/' || dest == "." || dest == ".." ||
                     (dest.size() >= 2 && dest.compare(dest.size() - 2, 2, "/.") == 0);
  std::string base = workdir.empty() ? "/" : workdir;
  spec.dest = dest.empty() || dest[0] != '/' ? base + "/" + dest : dest;
  if (spec.sources.size() + spec.heredocs.size() + spec.urls.size() + spec.gits.size() > 1 && !spec.dest_is_dir) {
    return At(ins, "with more than one source the destination must be a directory ending in /");
  }
  if (spec.checksum && (spec.urls.empty() || !spec.sources.empty() || !spec.heredocs.empty())) {
    return At(ins, "--checksum applies only to http(s) URL sources");
  }
  std::string text = ins.keyword;
  text += " ";
  text += flags_text;
  for (const auto& w : words) text += w + " ";
  text += dest;
  text += " # buildkit";
  spec.history = std::move(text);
  return spec;
}

Result<Digest> HashCopySources(const CopySpec& spec, const SourceTree& tree) {
  HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(tree.path));
  Hasher h;
  for (const auto& pattern : spec.sources) {
    HOIST_TRY_ASSIGN(auto matches, MatchSources(root, tree, pattern));
    for (const auto& rel : matches) {
      HOIST_TRY_ASSIGN(SourceEntry entry, ResolveSource(root, tree, rel));
      h.Update("\nsource " + rel + "\n");
      HOIST_TRY(HashSource(entry, &tree.filter, h));
    }
  }
  for (const auto& [name, content] : spec.heredocs) {
    h.Update("\nheredoc " + name + "\n");
    h.Update(Digest::Of(content).str());
  }
  return h.Finish();
}

Status ExecuteCopy(const dockerfile::Instruction& ins, const CopySpec& spec, const SourceTree& tree,
                   const std::string& stage_root, const std::string& scratch, const std::vector<UrlSource>& urls,
                   const std::vector<GitCheckout>& gits) {
  HOIST_TRY_ASSIGN(container::RootDir dest, container::RootDir::Open(stage_root));
  TreeCopyOptions options;
  options.mode = spec.chmod;
  options.filter = &tree.filter;
  if (!spec.chown.empty()) {
    auto user = container::ResolveImageUser(dest, spec.chown);
    if (!user.ok()) return At(ins, "--chown=" + spec.chown + ": " + user.error().message());
    options.uid = user->uid;
    options.gid = user->gid;
  }
  const std::string dest_rel = CleanInRoot(spec.dest);
  HOIST_TRY_ASSIGN(container::RootDir src_root, container::RootDir::Open(tree.path));

  std::vector<std::string> matches;
  for (const auto& pattern : spec.sources) {
    auto found = MatchSources(src_root, tree, pattern);
    if (!found.ok()) return WithLocation(ins, std::move(found).error());
    matches.insert(matches.end(), found->begin(), found->end());
  }
  if (matches.size() + spec.heredocs.size() + urls.size() + gits.size() > 1 && !spec.dest_is_dir) {
    return At(ins, "with more than one source the destination must be a directory ending in /");
  }
  const bool into_dir = spec.dest_is_dir || ExistingDir(dest, dest_rel);
  for (const auto& git : gits) {  // a repository's tree is copied as a directory: its contents
    SourceTree cloned{git.dir, false, {}, "the repository"};
    HOIST_TRY_ASSIGN(container::RootDir cloned_root, container::RootDir::Open(git.dir));
    HOIST_TRY_ASSIGN(SourceEntry entry, ResolveSource(cloned_root, cloned, "."));
    TreeCopyOptions plain = options;
    plain.filter = nullptr;
    HOIST_TRY(WithLocation(ins, CopySource(entry, dest, dest_rel, into_dir, plain)));
  }
  int archives = 0;
  for (const auto& rel : matches) {
    auto entry = ResolveSource(src_root, tree, rel);
    if (!entry.ok()) return WithLocation(ins, std::move(entry).error());
    if (spec.add) {
      HOIST_TRY_ASSIGN(bool is_dir, SourceIsDir(*entry));
      auto extracted = is_dir ? Result<bool>(false)
                              : ExtractIfArchive(*entry, dest, dest_rel, options,
                                                 scratch + "/archive-" + std::to_string(++archives));
      if (!extracted.ok()) return WithLocation(ins, std::move(extracted).error());
      if (*extracted) continue;
    }
    HOIST_TRY(WithLocation(ins, CopySource(*entry, dest, dest_rel, into_dir, options)));
  }
  TreeCopyOptions unfiltered = options;  // .dockerignore is about the context, not a URL's file
  unfiltered.filter = nullptr;
  for (const auto& url : urls) {
    SourceTree fetched{url.dir, false, {}, "the URL's file"};
    HOIST_TRY_ASSIGN(container::RootDir fetched_root, container::RootDir::Open(url.dir));
    HOIST_TRY_ASSIGN(SourceEntry entry, ResolveSource(fetched_root, fetched, url.name));
    HOIST_TRY(WithLocation(ins, CopySource(entry, dest, dest_rel, into_dir, unfiltered)));
  }
  if (!spec.heredocs.empty()) {
    const std::string dir = scratch + "/heredocs";
    if (::mkdir(dir.c_str(), 0755) != 0) return ErrnoError("create " + dir, errno);
    SourceTree docs{dir, false, {}, "the heredocs"};
    HOIST_TRY_ASSIGN(container::RootDir docs_root, container::RootDir::Open(dir));
    for (const auto& [name, content] : spec.heredocs) {
      if (name.find('/') != std::string::npos || name == "." || name == "..") {
        return At(ins, "heredoc name " + name + " cannot be a file name");
      }
      HOIST_TRY(AtomicWriteFile(dir + "/" + name, content, 0644));
      HOIST_TRY_ASSIGN(SourceEntry entry, ResolveSource(docs_root, docs, name));
      HOIST_TRY(WithLocation(ins, CopySource(entry, dest, dest_rel, into_dir, options)));
    }
  }
  return Ok();
}

}  // namespace hoist::builder
