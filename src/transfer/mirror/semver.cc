#include "transfer/mirror/semver.h"

#include <cctype>

namespace hoist::transfer::mirror {

namespace {

std::optional<uint64_t> Number(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t n = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool IsWild(std::string_view p) { return p == "x" || p == "X" || p == "*"; }

int ComparePrerelease(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  auto pa = Split(a, '.'), pb = Split(b, '.');
  for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
    auto na = Number(pa[i]), nb = Number(pb[i]);
    if (na && nb) {
      if (*na != *nb) return *na < *nb ? -1 : 1;
    } else if (na || nb) {
      return na ? -1 : 1;  // numeric identifiers sort first
    } else if (int c = pa[i].compare(pb[i]); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  return pa.size() == pb.size() ? 0 : (pa.size() < pb.size() ? -1 : 1);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A version with wildcards allowed: how many leading parts are given (0..3).
struct Partial {
  Version v;
  int given = 0;
};

std::optional<Partial> ParsePartial(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  Partial p;
  if (text.empty() || IsWild(text)) return p;
  std::string_view core = text;
  if (auto plus = core.find('+'); plus != std::string_view::npos) core = core.substr(0, plus);
  if (auto dash = core.find('-'); dash != std::string_view::npos) {
    p.v.prerelease = std::string(core.substr(dash + 1));
    if (p.v.prerelease.empty()) return std::nullopt;
    core = core.substr(0, dash);
  }
  auto parts = Split(core, '.');
  if (parts.size() > 3) return std::nullopt;
  uint64_t* fields[] = {&p.v.major, &p.v.minor, &p.v.patch};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsWild(parts[i])) break;
    auto n = Number(parts[i]);
    if (!n) return std::nullopt;
    *fields[i] = *n;
    p.given = static_cast<int>(i) + 1;
  }
  return p;
}

Version Bump(const Version& v, int part) {  // the next version at `part` (0 major, 1 minor, 2 patch)
  Version out;
  out.major = v.major + (part == 0 ? 1 : 0);
  out.minor = part == 0 ? 0 : v.minor + (part == 1 ? 1 : 0);
  out.patch = part == 2 ? v.patch + 1 : 0;
  out.prerelease = "0";  // below every release of it, so "< 2.0.0-0" excludes 2.0.0 pre-releases too
  if (part == 2) out.prerelease.clear();
  return out;
}

}  // namespace

std::optional<Version> Version::Parse(std::string_view text) {
  auto p = ParsePartial(text);
  if (!p || p->given == 0) return std::nullopt;
  // Every part given must be a number: "1.x" is a range, not a version.
  std::string_view core = text.substr(0, text.find_first_of("-+"));
  if (static_cast<int>(Split(core, '.').size()) != p->given) return std::nullopt;
  return p->v;
}

int Compare(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return ComparePrerelease(a.prerelease, b.prerelease);
}

Result<VersionRange> VersionRange::Parse(std::string_view text) {
  VersionRange range;
  auto bad = [&](std::string_view part) {
    return ParseError("semver range \"" + std::string(text) + "\": cannot read \"" + std::string(part) + "\"");
  };
  if (text.size() > 1024) return ParseError("semver range longer than 1024 characters");
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t bar = text.find("||", pos);
    std::string_view alt = Trim(text.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos));
    pos = bar == std::string_view::npos ? text.size() + 1 : bar + 2;
    // Tokens: split at spaces and commas, an operator glued to its version or standing alone.
    std::vector<std::string> tokens;
    std::string cur;
    for (char c : alt) {
      if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
        if (!cur.empty()) tokens.push_back(std::move(cur)), cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) tokens.push_back(std::move(cur));
    std::vector<Comparison> all;
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string tok = tokens[i];
      size_t n = 0;
      while (n < tok.size() && std::string_view("<>=!^~").find(tok[n]) != std::string_view::npos) ++n;
      std::string op = tok.substr(0, n), ver = tok.substr(n);
      if (ver.empty() && i + 1 < tokens.size() && !op.empty()) ver = tokens[++i];
      auto p = ParsePartial(ver);
      if (!p) return bad(tok);
      const Version& v = p->v;
      if (op.empty() || op == "=" || op == "==") {
        if (p->given == 3) all.push_back({Op::kEq, v});
        else if (p->given > 0) all.push_back({Op::kGe, v}), all.push_back({Op::kLt, Bump(v, p->given - 1)});
        else all.push_back({Op::kGe, Version{}});
      } else if (op == "!=") {
        all.push_back({Op::kNe, v});
      } else if (op == ">") {
        all.push_back({Op::kGt, v});
      } else if (op == ">=" || op == "=>") {
        all.push_back({Op::kGe, v});
      } else if (op == "<") {
        all.push_back({Op::kLt, v});
      } else if (op == "<=" || op == "=<") {
        all.push_back({Op::kLe, v});
      } else if (op == "~" || op == "~>") {
        all.push_back({Op::kGe, v});
        all.push_back({Op::kLt, Bump(v, p->given >= 2 ? 1 : 0)});
      } else if (op == "^") {
        int part = v.major > 0 || p->given <= 1 ? 0 : (v.minor > 0 || p->given == 2 ? 1 : 2);
        all.push_back({Op::kGe, v});
        all.push_back({Op::kLt, Bump(v, part)});
      } else {
        return bad(tok);
      }
    }
    if (all.empty()) return bad(alt);
    range.alternatives_.push_back(std::move(all));
  }
  return range;
}

bool VersionRange::Contains(const Version& v) const {
  for (const auto& conj : alternatives_) {
    bool ok = true, prerelease_named = v.prerelease.empty();
    for (const auto& c : conj) {
      int cmp = Compare(v, c.version);
      switch (c.op) {
        case Op::kEq: ok = ok && cmp == 0; break;
        case Op::kNe: ok = ok && cmp != 0; break;
        case Op::kGt: ok = ok && cmp > 0; break;
        case Op::kGe: ok = ok && cmp >= 0; break;
        case Op::kLt: ok = ok && cmp < 0; break;
        case Op::kLe: ok = ok && cmp <= 0; break;
      }
      const Version& b = c.version;
      if (!b.prerelease.empty() && b.prerelease != "0" && b.major == v.major && b.minor == v.minor &&
          b.patch == v.patch) {
        prerelease_named = true;
      }
    }
    if (ok && prerelease_named) return true;
  }
  return false;
}

}  // namespace hoist::transfer::mirror
