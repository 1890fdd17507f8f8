#include "core/tar_path.h"

#include <vector>

namespace hoist {

std::string QuotePath(std::string_view s, size_t max_len) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < max_len; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  if (s.size() > max_len) out += "… (" + std::to_string(s.size()) + " bytes)";
  return out;
}

Result<std::string> CleanEntryPath(std::string_view path) {
  if (path.empty()) return UnsafePath("tar entry has an empty path");
  if (path.find('\0') != std::string_view::npos) {
    return UnsafePath("tar entry " + QuotePath(path) + " contains a NUL byte");
  }
  if (path.front() == '/') {
    return UnsafePath("tar entry " + QuotePath(path) + " has an absolute path");
  }
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) {
        return UnsafePath("tar entry " + QuotePath(path) + " escapes the extraction root");
      }
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  if (parts.empty()) return std::string(".");
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

Result<std::string> CleanLayerEntryPath(std::string_view path) {
  size_t start = path.find_first_not_of('/');
  if (start == 0 || path.empty() || path.find('\0') != std::string_view::npos) return CleanEntryPath(path);
  if (start == std::string_view::npos) return std::string(".");
  auto cleaned = CleanEntryPath(path.substr(start));
  // The only refusal left is a climb above the root: name the entry as the archive does.
  if (!cleaned.ok()) return UnsafePath("tar entry " + QuotePath(path) + " escapes the extraction root");
  return cleaned;
}

Result<std::string> TarPathChecker::Clean(std::string_view path) const {
  return absolute_ == AbsoluteNames::kInRoot ? CleanLayerEntryPath(path) : CleanEntryPath(path);
}

const std::pair<const std::string, std::string>* TarPathChecker::SymlinkAncestor(
    const std::string& cleaned) const {
  for (size_t slash = cleaned.find('/'); slash != std::string::npos;
       slash = cleaned.find('/', slash + 1)) {
    auto it = symlinks_.find(cleaned.substr(0, slash));
    if (it != symlinks_.end()) return &*it;
  }
  return nullptr;
}

Result<std::string> TarPathChecker::Check(const TarEntry& entry) {
  HOIST_TRY_ASSIGN(std::string cleaned, Clean(entry.path));
  std::string name = "tar entry " + QuotePath(entry.path);
  if (cleaned == "." && entry.type != TarEntryType::kDirectory) {
    return UnsafePath(name + " would replace the extraction root with a " +
                      std::string(TarEntryTypeName(entry.type)));
  }
  if (auto* link = SymlinkAncestor(cleaned)) {
    return UnsafePath(name + " would be written through symlink " + QuotePath(link->first) +
                      " (-> " + QuotePath(link->second) + ") created earlier in the archive");
  }
  const std::string* symlink_target = nullptr;
  if (entry.type == TarEntryType::kSymlink) {
    symlink_target = &entry.link_target;
  } else if (entry.type == TarEntryType::kHardlink) {
    auto target = Clean(entry.link_target);
    if (!target.ok()) {
      return UnsafePath("hardlink " + QuotePath(entry.path) + " points outside the extraction root (" +
                        QuotePath(entry.link_target) + ")");
    }
    if (*target == ".") {
      return UnsafePath("hardlink " + QuotePath(entry.path) + " points at the extraction root");
    }
    if (auto* link = SymlinkAncestor(*target)) {
      return UnsafePath("hardlink " + QuotePath(entry.path) + " points through symlink " +
                        QuotePath(link->first) + " (-> " + QuotePath(link->second) + ")");
    }
    // A hardlink to a symlink is a second name for that symlink: nothing may go through it either.
    auto same = symlinks_.find(*target);
    if (same != symlinks_.end()) symlink_target = &same->second;
  }
  if (symlink_target != nullptr) {
    std::string t = *symlink_target;  // copy first: it may point into symlinks_ itself
    symlinks_[cleaned] = std::move(t);
  } else {
    symlinks_.erase(cleaned);
  }
  return cleaned;
}

}  // namespace hoist
