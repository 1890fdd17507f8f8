#include "builder/dockerfile/shell_pattern.h"

#include <algorithm>
#include <limits>
#include <string>

namespace hoist::builder::dockerfile {
namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();
constexpr uint32_t kInvalidByte = 0x110000;  // + the byte: a byte outside valid UTF-8

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// The character at `pos` and its length in bytes.
std::pair<uint32_t, size_t> DecodeAt(std::string_view s, size_t pos) {
  unsigned char b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) return {b, 1};
  size_t len = 0;
  uint32_t cp = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    cp = b & 0x07;
  } else {
    return {kInvalidByte + b, 1};
  }
  if (pos + len > s.size()) return {kInvalidByte + b, 1};
  for (size_t k = 1; k < len; ++k) {
    unsigned char c = static_cast<unsigned char>(s[pos + k]);
    if (!IsContinuation(c)) return {kInvalidByte + b, 1};
    cp = (cp << 6) | (c & 0x3F);
  }
  return {cp, len};
}

// The character that ends at `end` (end > 0) and its length.
std::pair<uint32_t, size_t> DecodeBefore(std::string_view s, size_t end) {
  for (size_t len = 2; len <= 4 && len <= end; ++len) {
    auto [cp, n] = DecodeAt(s, end - len);
    if (n == len) return {cp, len};
  }
  unsigned char b = static_cast<unsigned char>(s[end - 1]);
  return {b < 0x80 ? b : kInvalidByte + b, 1};
}

bool InClass(std::string_view name, uint32_t c) {
  bool ascii = c < 0x80;
  bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
  if (name == "alpha") return upper || lower;
  if (name == "digit") return digit;
  if (name == "alnum") return upper || lower || digit;
  if (name == "upper") return upper;
  if (name == "lower") return lower;
  if (name == "space") return c == ' ' || (c >= '\t' && c <= '\r');
  if (name == "xdigit") return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  if (name == "punct") return ascii && c > ' ' && c < 0x7F && !upper && !lower && !digit;
  return false;
}

}  // namespace

bool ShellPattern::Element::Matches(uint32_t c) const {
  switch (kind) {
    case kChar: return c == ch;
    case kAny: return true;
    case kStar: return true;
    case kSet: break;
  }
  bool in = false;
  for (const Range& r : ranges) {
    if (r.hi == 0 && r.lo >= kInvalidByte * 2) {  // a named class, stored as an index (see Compile)
      static constexpr std::string_view kNames[] = {"alpha", "digit", "alnum", "upper",
                                                    "lower", "space", "xdigit", "punct"};
      in = InClass(kNames[r.lo - kInvalidByte * 2], c);
    } else {
      in = c >= r.lo && c <= r.hi;
    }
    if (in) break;
  }
  return in != negated;
}

Result<ShellPattern> ShellPattern::Compile(std::string_view raw) {
  ShellPattern p;
  size_t i = 0;
  auto literal = [&](uint32_t c) {
    Element e;
    e.ch = c;
    p.elements_.push_back(std::move(e));
  };
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '*') {
      ++i;
      if (p.elements_.empty() || p.elements_.back().kind != Element::kStar) {
        Element e;
        e.kind = Element::kStar;
        p.elements_.push_back(std::move(e));
      }
    } else if (c == '?') {
      ++i;
      Element e;
      e.kind = Element::kAny;
      p.elements_.push_back(std::move(e));
    } else if (c == '\\') {
      if (i + 1 < raw.size() && (raw[i + 1] == '}' || raw[i + 1] == '/')) {
        ++i;  // the escape only kept `}` or `/` from ending the ${...}
        continue;
      }
      if (i + 1 >= raw.size()) return ParseError("invalid pattern \"" + std::string(raw) + "\": it ends in an escape");
      char next = raw[i + 1];
      if (next != '*' && next != '?' && next != '\\' && next != '[' && next != ']') {
        return ParseError("invalid escape '\\" + std::string(1, next) + "' in pattern \"" + std::string(raw) + "\"");
      }
      literal(static_cast<unsigned char>(next));
      i += 2;
    } else if (c == '[') {
      // A bracket expression; without its `]` the `[` is an ordinary character, as in the shell.
      Element e;
      e.kind = Element::kSet;
      size_t j = i + 1;
      if (j < raw.size() && (raw[j] == '!' || raw[j] == '^')) {
        e.negated = true;
        ++j;
      }
      bool closed = false;
      bool first = true;
      while (j < raw.size()) {
        if (raw[j] == ']' && !first) {
          closed = true;
          ++j;
          break;
        }
        first = false;
        if (raw.substr(j, 2) == "[:") {
          size_t end = raw.find(":]", j + 2);
          if (end != std::string_view::npos) {
            static constexpr std::string_view kNames[] = {"alpha", "digit", "alnum", "upper",
                                                          "lower", "space", "xdigit", "punct"};
            std::string_view name = raw.substr(j + 2, end - j - 2);
            auto it = std::find(std::begin(kNames), std::end(kNames), name);
            if (it == std::end(kNames)) return ParseError("unknown character class [:" + std::string(name) + ":] in pattern");
            e.ranges.push_back({kInvalidByte * 2 + static_cast<uint32_t>(it - std::begin(kNames)), 0});
            j = end + 2;
            continue;
          }
        }
        if (raw[j] == '\\' && j + 1 < raw.size()) ++j;
        auto [lo, n] = DecodeAt(raw, j);
        j += n;
        uint32_t hi = lo;
        if (j + 1 < raw.size() && raw[j] == '-' && raw[j + 1] != ']') {
          ++j;
          if (raw[j] == '\\' && j + 1 < raw.size()) ++j;
          auto [h, m] = DecodeAt(raw, j);
          hi = h;
          j += m;
        }
        if (lo <= hi) e.ranges.push_back({lo, hi});  // a reversed range matches nothing, as in bash
      }
      if (closed) {
        p.elements_.push_back(std::move(e));
        i = j;
      } else {
        literal('[');
        ++i;
      }
    } else {
      auto [cp, n] = DecodeAt(raw, i);
      literal(cp);
      i += n;
    }
  }
  return p;
}

Status ShellPattern::Spend(uint64_t chars) const {
  work_ += chars * (elements_.size() + 1);
  if (work_ <= kMaxPatternWork) return Ok();
  return TooLarge("the pattern substitution needs more than " + std::to_string(kMaxPatternWork) +
                  " steps (kMaxPatternWork): use a shorter value or a simpler pattern");
}

// The automaton: state k means "the first k elements are matched". Only a star has an empty move
// (k → k+1), so one forward pass closes a state set. `start[k]` is the earliest start offset of a
// run in state k (kNone when inactive).
Result<std::optional<size_t>> ShellPattern::Anchored(std::string_view s, bool longest, bool backward) const {
  std::vector<Element> reversed;
  const std::vector<Element>* el = &elements_;
  if (backward) {
    reversed.assign(elements_.rbegin(), elements_.rend());
    el = &reversed;
  }
  const size_t m = el->size();
  std::vector<char> on(m + 1, 0), next(m + 1, 0);
  auto close = [&](std::vector<char>& set) {
    for (size_t k = 0; k < m; ++k) {
      if (set[k] && (*el)[k].kind == Element::kStar) set[k + 1] = 1;
    }
  };
  on[0] = 1;
  close(on);
  std::optional<size_t> found;
  size_t read = 0;  // bytes consumed
  if (on[m]) {
    found = 0;
    if (!longest) return backward ? std::optional<size_t>(s.size()) : found;
  }
  while (read < s.size()) {
    HOIST_TRY(Spend(1));
    auto [c, n] = backward ? DecodeBefore(s, s.size() - read) : DecodeAt(s, read);
    read += n;
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (size_t k = 0; k < m; ++k) {
      if (!on[k]) continue;
      const Element& e = (*el)[k];
      if (e.kind == Element::kStar) {
        next[k] = 1;
        any = true;
      } else if (e.Matches(c)) {
        next[k + 1] = 1;
        any = true;
      }
    }
    if (!any) break;
    close(next);
    on.swap(next);
    if (on[m]) {
      found = read;
      if (!longest) break;
    }
  }
  if (found && backward) found = s.size() - *found;
  return found;
}

Result<std::optional<size_t>> ShellPattern::MatchPrefix(std::string_view s, bool longest) const {
  return Anchored(s, longest, false);
}

Result<std::optional<size_t>> ShellPattern::MatchSuffix(std::string_view s, bool longest) const {
  return Anchored(s, longest, true);
}

Result<std::optional<std::pair<size_t, size_t>>> ShellPattern::Find(std::string_view s, size_t from) const {
  const size_t m = elements_.size();
  std::vector<size_t> start(m + 1, kNone), next(m + 1, kNone);
  auto close = [&](std::vector<size_t>& st) {
    for (size_t k = 0; k < m; ++k) {
      if (st[k] != kNone && elements_[k].kind == Element::kStar) st[k + 1] = std::min(st[k + 1], st[k]);
    }
  };
  size_t best_begin = kNone, best_end = kNone;
  size_t pos = from;
  while (true) {
    if (best_begin == kNone) start[0] = std::min(start[0], pos);  // a run may begin here
    close(start);
    if (start[m] != kNone && (best_begin == kNone || start[m] < best_begin ||
                              (start[m] == best_begin && pos > best_end))) {
      best_begin = start[m];
      best_end = pos;
    }
    bool alive = false;
    for (size_t k = 0; k <= m; ++k) {
      if (best_begin != kNone && start[k] != kNone && start[k] > best_begin) start[k] = kNone;
      if (start[k] != kNone && k < m) alive = true;
    }
    if (pos >= s.size() || (!alive && best_begin != kNone)) break;
    HOIST_TRY(Spend(1));
    auto [c, n] = DecodeAt(s, pos);
    pos += n;
    std::fill(next.begin(), next.end(), kNone);
    for (size_t k = 0; k < m; ++k) {
      if (start[k] == kNone) continue;
      const Element& e = elements_[k];
      size_t to = e.kind == Element::kStar ? k : k + 1;
      if (e.Matches(c)) next[to] = std::min(next[to], start[k]);
    }
    start.swap(next);
  }
  if (best_begin == kNone) return std::optional<std::pair<size_t, size_t>>();
  return std::optional<std::pair<size_t, size_t>>(std::make_pair(best_begin, best_end));
}

}  // namespace hoist::builder::dockerfile
