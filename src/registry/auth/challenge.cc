#include "registry/auth/challenge.h"

#include <cstdio>

#include "registry/auth/auth_text.h"

namespace hoist::registry {

namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 7230 tchar.
bool IsTchar(char c) {
  if (IsAlnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken68Char(char c) {
  return IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Schemes whose challenges are name=value lists; a lone word after them is a missing value.
bool TakesParams(const std::string& scheme) {
  return scheme == "basic" || scheme == "bearer" || scheme == "digest";
}

std::string Describe(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", u);
  return buf;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<std::vector<Challenge>> Run() {
    std::vector<Challenge> out;
    for (;;) {
      SkipSpacesAndCommas();
      if (AtEnd()) break;
      HOIST_TRY_ASSIGN(Challenge c, ReadChallenge());
      out.push_back(std::move(c));
    }
    if (out.empty()) return Fail("missing authentication scheme", pos_);
    return out;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Cur() const { return s_[pos_]; }

  void SkipSpaces() {
    while (!AtEnd() && IsSpace(Cur())) ++pos_;
  }
  void SkipSpacesAndCommas() {
    while (!AtEnd() && (IsSpace(Cur()) || Cur() == ',')) ++pos_;
  }

  std::string_view ReadToken() {
    size_t start = pos_;
    while (!AtEnd() && IsTchar(Cur())) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  Error Fail(const std::string& what, size_t at) const {
    return ParseError("malformed WWW-Authenticate header " + AuthQuote(s_, 120) + ": " + what +
                      " at offset " + std::to_string(at));
  }

  Result<Challenge> ReadChallenge() {
    size_t start = pos_;
    std::string_view scheme = ReadToken();
    if (scheme.empty()) {
      return Fail("expected an authentication scheme, found " + Describe(Cur()), pos_);
    }
    if (!AtEnd() && !IsSpace(Cur()) && Cur() != ',') {
      if (Cur() == '=') {
        return Fail("missing authentication scheme before parameter " + AuthQuote(scheme), start);
      }
      return Fail("unexpected " + Describe(Cur()) + " in authentication scheme", pos_);
    }
    Challenge c;
    c.scheme = AuthLower(scheme);
    SkipSpaces();
    if (AtEnd() || Cur() == ',') return c;
    if (!TakesParams(c.scheme) && TryToken68(c)) return c;
    for (;;) {
      HOIST_TRY(ReadParam(c));
      SkipSpaces();
      if (AtEnd()) return c;
      if (Cur() != ',') {
        return Fail("expected ',' after parameter, found " + Describe(Cur()), pos_);
      }
      SkipSpacesAndCommas();
      if (AtEnd() || !NextIsParam()) return c;  // the next challenge starts here
    }
  }

  // token68 = 1*(ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/") *"=", alone in its challenge.
  bool TryToken68(Challenge& c) {
    size_t p = pos_;
    while (p < s_.size() && IsToken68Char(s_[p])) ++p;
    if (p == pos_) return false;
    while (p < s_.size() && s_[p] == '=') ++p;
    size_t end = p;
    while (p < s_.size() && IsSpace(s_[p])) ++p;
    if (p < s_.size() && s_[p] != ',') return false;
    c.token68 = std::string(s_.substr(pos_, end - pos_));
    pos_ = p;
    return true;
  }

  // After a comma: "name =" starts another parameter, anything else another challenge.
  bool NextIsParam() const {
    size_t p = pos_;
    while (p < s_.size() && IsTchar(s_[p])) ++p;
    if (p == pos_) return true;  // not a scheme either; ReadParam reports it
    while (p < s_.size() && IsSpace(s_[p])) ++p;
    return p < s_.size() && s_[p] == '=';
  }

  Status ReadParam(Challenge& c) {
    size_t start = pos_;
    std::string_view name = ReadToken();
    if (name.empty()) {
      return Fail("expected a parameter name, found " + Describe(Cur()), pos_);
    }
    SkipSpaces();
    if (AtEnd() || Cur() != '=') {
      return Fail("parameter " + AuthQuote(name) + " has no value", start);
    }
    ++pos_;
    SkipSpaces();
    if (AtEnd() || Cur() == ',') {
      return Fail("parameter " + AuthQuote(name) + " has no value", start);
    }
    std::string value;
    if (Cur() == '"') {
      HOIST_TRY_ASSIGN(value, ReadQuoted());
    } else {
      // Strictly a token; registries also send bare URLs, so take any visible run.
      size_t vstart = pos_;
      while (!AtEnd()) {
        auto u = static_cast<unsigned char>(Cur());
        if (u <= 0x20 || u >= 0x7f || u == ',' || u == '"' || u == '\\') break;
        ++pos_;
      }
      if (pos_ == vstart) {
        return Fail("unexpected " + Describe(Cur()) + " in the value of parameter " + AuthQuote(name),
                    pos_);
      }
      value = std::string(s_.substr(vstart, pos_ - vstart));
    }
    std::string key = AuthLower(name);
    if (c.params.count(key) != 0) {
      return Fail("parameter " + AuthQuote(key) + " appears twice", start);
    }
    c.params.emplace(std::move(key), std::move(value));
    return Ok();
  }

  Result<std::string> ReadQuoted() {
    size_t open = pos_++;
    std::string out;
    for (;;) {
      if (AtEnd()) return Fail("unterminated quoted string starting", open);
      char ch = Cur();
      if (ch == '"') {
        ++pos_;
        return out;
      }
      if (ch == '\\') {
        ++pos_;
        if (AtEnd()) return Fail("unterminated quoted string starting", open);
        ch = Cur();
      }
      auto u = static_cast<unsigned char>(ch);
      if ((u < 0x20 && ch != '\t') || u == 0x7f) {
        return Fail("control character (" + Describe(ch) + ") in quoted string", pos_);
      }
      out += ch;
      ++pos_;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

bool IsAbsoluteHttpUrl(const std::string& url) {
  std::string lower = AuthLower(url);
  size_t rest;
  if (lower.rfind("https://", 0) == 0) {
    rest = 8;
  } else if (lower.rfind("http://", 0) == 0) {
    rest = 7;
  } else {
    return false;
  }
  if (rest >= url.size() || url[rest] == '/' || url[rest] == '?' || url[rest] == '#') return false;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<Challenge>> ParseWwwAuthenticate(std::string_view header) {
  return Parser(header).Run();
}

const Challenge* FindChallenge(const std::vector<Challenge>& challenges, std::string_view scheme) {
  for (const Challenge& c : challenges) {
    if (c.scheme == scheme) return &c;
  }
  return nullptr;
}

Result<BearerChallenge> ParseBearerChallenge(const Challenge& challenge) {
  if (challenge.scheme != "bearer") {
    return ParseError("expected a Bearer challenge, got " + AuthQuote(challenge.scheme));
  }
  BearerChallenge out;
  auto get = [&](const char* name) {
    auto it = challenge.params.find(name);
    return it == challenge.params.end() ? std::string() : it->second;
  };
  out.realm = get("realm");
  if (out.realm.empty()) return ParseError("Bearer challenge has no realm (token endpoint URL)");
  if (!IsAbsoluteHttpUrl(out.realm)) {
    return ParseError("Bearer challenge realm " + AuthQuote(out.realm, 200) +
                      " is not an absolute http(s) URL");
  }
  out.service = get("service");
  out.error = get("error");
  std::string scope = get("scope");
  size_t i = 0;
  while (i < scope.size()) {
    size_t j = scope.find(' ', i);
    if (j == std::string::npos) j = scope.size();
    if (j > i) out.scopes.push_back(scope.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace hoist::registry
