#include "core/reference.h"

#include <arpa/inet.h>

#include <algorithm>

namespace hoist {

namespace {

constexpr std::string_view kLegacyHubDomain = "index.docker.io";
constexpr std::string_view kHubRegistryHost = "registry-1.docker.io";
constexpr std::string_view kOfficialPrefix = "library/";

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsLower(c) || IsUpper(c) || IsDigit(c); }
bool IsWord(char c) { return IsAlnum(c) || c == '_'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// docker reads a bare 64-digit lowercase hex string as an image ID, never as a name.
bool LooksLikeImageId(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); });
}

// Quotes user input for a message: non-printable bytes as \xNN, long input cut.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 100;
  static const char* kHex = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s.substr(0, kMax)) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  if (s.size() > kMax) out += "…";
  out += '"';
  return out;
}

Error Invalid(std::string why) { return InvalidArgument(std::move(why)); }

// Prefixes an error from one part of the grammar with the whole reference it came from.
Error InReference(std::string_view text, const Error& e) {
  return InvalidArgument("invalid reference " + Quote(text) + ": " + e.message());
}

// path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*, separator := "." | "_" | "__" | "-"+
bool IsPathComponent(std::string_view c) {
  size_t i = 0;
  auto run = [&] {  // one [a-z0-9]+ run; false if empty
    size_t start = i;
    while (i < c.size() && (IsLower(c[i]) || IsDigit(c[i]))) ++i;
    return i > start;
  };
  if (!run()) return false;
  while (i < c.size()) {
    if (c[i] == '.') {
      ++i;
    } else if (c[i] == '_') {
      ++i;
      if (i < c.size() && c[i] == '_') ++i;
    } else if (c[i] == '-') {
      while (i < c.size() && c[i] == '-') ++i;
    } else {
      return false;
    }
    if (!run()) return false;
  }
  return true;
}

// component := [a-zA-Z0-9] ( [a-zA-Z0-9-]* [a-zA-Z0-9] )?
bool IsDomainComponent(std::string_view c) {
  if (c.empty() || !IsAlnum(c.front()) || !IsAlnum(c.back())) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) { return IsAlnum(ch) || ch == '-'; });
}

Status ValidateHost(std::string_view host) {
  if (host.empty()) return Invalid("registry host is empty");
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      return Invalid("registry host " + Quote(host) + " is not a bracketed IPv6 address");
    }
    std::string addr(host.substr(1, host.size() - 2));
    // inet_pton alone would also take "::ffff:1.2.3.4"; the grammar allows hex digits and ':' only.
    in6_addr out;
    if (!std::all_of(addr.begin(), addr.end(), [](char c) { return IsHex(c) || c == ':'; }) ||
        inet_pton(AF_INET6, addr.c_str(), &out) != 1) {
      return Invalid("registry host " + Quote(host) + " is not a valid IPv6 address");
    }
    return Ok();
  }
  size_t start = 0;
  while (true) {
    size_t dot = host.find('.', start);
    std::string_view part = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!IsDomainComponent(part)) {
      return Invalid("registry host " + Quote(host) +
                     " is not valid: its parts are letters, digits and inner dashes, separated by single dots");
    }
    if (dot == std::string_view::npos) return Ok();
    start = dot + 1;
  }
}

Status ValidatePort(std::string_view port, std::string_view domain) {
  bool digits = !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), IsDigit);
  unsigned value = 0;
  if (digits) {
    for (char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (!digits || value > 65535) {
    return Invalid("registry " + Quote(domain) + " has an invalid port " + Quote(port) +
                   " (want a number up to 65535)");
  }
  return Ok();
}

}  // namespace

Status Reference::ValidateDomain(std::string_view domain) {
  // An IPv6 host holds colons of its own: the port is whatever follows the closing bracket.
  size_t host_end = domain.size();
  if (!domain.empty() && domain.front() == '[') {
    size_t close = domain.find(']');
    if (close == std::string_view::npos) {
      return Invalid("registry host " + Quote(domain) + " has no closing ']'");
    }
    host_end = close + 1;
    if (host_end < domain.size() && domain[host_end] != ':') {
      return Invalid("registry " + Quote(domain) + " has text after its IPv6 address");
    }
  } else {
    host_end = std::min(domain.find(':'), domain.size());
  }
  HOIST_TRY(ValidateHost(domain.substr(0, host_end)));
  if (host_end < domain.size()) HOIST_TRY(ValidatePort(domain.substr(host_end + 1), domain));
  return Ok();
}

Status Reference::ValidateRepository(std::string_view repository) {
  if (repository.empty()) return Invalid("repository name is empty");
  if (std::any_of(repository.begin(), repository.end(), IsUpper)) {
    return Invalid("repository name must be lowercase (got " + Quote(repository) + ")");
  }
  size_t start = 0;
  while (true) {
    size_t slash = repository.find('/', start);
    std::string_view part = repository.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (part.empty()) {
      return Invalid("repository name " + Quote(repository) + " has an empty path component");
    }
    if (!IsPathComponent(part)) {
      return Invalid("path component " + Quote(part) +
                     " is not valid: use lowercase letters and digits, separated by '.', '_', '__' or dashes");
    }
    if (slash == std::string_view::npos) return Ok();
    start = slash + 1;
  }
}

Status Reference::ValidateTag(std::string_view tag) {
  if (tag.empty()) return Invalid("tag is empty");
  if (tag.size() > kMaxTagLength) {
    return Invalid("tag " + Quote(tag) + " is too long (" + std::to_string(tag.size()) + " characters, at most " +
                   std::to_string(kMaxTagLength) + ")");
  }
  if (!IsWord(tag.front())) {
    return Invalid("tag " + Quote(tag) + " must start with a letter, digit or '_'");
  }
  if (!std::all_of(tag.begin(), tag.end(), [](char c) { return IsWord(c) || c == '.' || c == '-'; })) {
    return Invalid("tag " + Quote(tag) + " may hold only letters, digits, '_', '.' and '-'");
  }
  return Ok();
}

Result<Reference> Reference::Parse(std::string_view text) { return Parse(text, ReferenceParseOptions{}); }

Result<Reference> Reference::Parse(std::string_view text, const ReferenceParseOptions& options) {
  auto bad = [&](std::string_view why) {
    return Invalid("invalid reference " + Quote(text) + ": " + std::string(why));
  };
  if (text.empty()) return bad("empty reference");
  if (LooksLikeImageId(text)) {
    return bad("a 64-digit hex string is an image ID, not a reference (use NAME@sha256:ID)");
  }

  // Neither name nor tag holds '@', and a tag holds neither '/' nor ':'.
  std::string_view rest = text;
  std::optional<std::string_view> digest_text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    digest_text = rest.substr(at + 1);
    rest = rest.substr(0, at);
  }
  std::optional<std::string_view> tag_text;
  if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos || colon > slash) {
      tag_text = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
  }
  if (rest.empty()) return bad("missing repository name");

  // Domain detection as docker does it.
  std::string domain;
  std::string repository;
  size_t slash = rest.find('/');
  std::string_view first = rest.substr(0, slash);
  bool explicit_domain = slash != std::string_view::npos &&
                         (first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
                          std::any_of(first.begin(), first.end(), IsUpper));
  if (explicit_domain) {
    domain = std::string(first);
    repository = std::string(rest.substr(slash + 1));
    if (domain == kLegacyHubDomain) domain = std::string(kDockerHubDomain);
  } else {
    domain = std::string(kDockerHubDomain);
    repository = std::string(rest);
  }
  if (domain == kDockerHubDomain && repository.find('/') == std::string::npos) {
    repository.insert(0, kOfficialPrefix);
  }

  if (explicit_domain) {
    if (Status s = ValidateDomain(domain); !s.ok()) return InReference(text, s.error());
  }
  if (Status s = ValidateRepository(repository); !s.ok()) return InReference(text, s.error());

  Reference ref(std::move(domain), std::move(repository));
  // distribution/reference counts the path alone ("library/alpine"), never the registry before it.
  if (ref.repository_.size() > kMaxPathLength) {
    return bad("repository path " + Quote(ref.repository_) + " is too long (" +
               std::to_string(ref.repository_.size()) + " characters without its registry, at most " +
               std::to_string(kMaxPathLength) + ")");
  }
  if (tag_text) {
    if (Status s = ValidateTag(*tag_text); !s.ok()) return InReference(text, s.error());
    ref.tag_ = std::string(*tag_text);
  }
  if (digest_text) {
    auto digest = Digest::Parse(*digest_text);
    if (!digest.ok()) return InReference(text, digest.error());
    ref.digest_ = std::move(digest).value();
  }
  if (!ref.tag_ && !ref.digest_ && options.default_tag) ref.tag_ = std::string(kDefaultTag);
  return ref;
}

std::string Reference::name() const { return domain_ + "/" + repository_; }

std::string Reference::str() const {
  std::string s = name();
  if (tag_) s += ":" + *tag_;
  if (digest_) s += "@" + digest_->str();
  return s;
}

std::string Reference::FamiliarName() const {
  if (domain_ != kDockerHubDomain) return name();
  std::string_view repo = repository_;
  // "library/alpine" shortens to "alpine", but "library/a/b" keeps its prefix: "a/b" would be Hub user "a".
  // "library/<64 hex>" keeps it too: the bare hex would read as an image ID.
  if (repo.starts_with(kOfficialPrefix) && repo.find('/', kOfficialPrefix.size()) == std::string_view::npos &&
      !LooksLikeImageId(repo.substr(kOfficialPrefix.size()))) {
    return std::string(repo.substr(kOfficialPrefix.size()));
  }
  // "docker.io/a.b/c" keeps its domain: "a.b/c" would read as repository "c" on registry "a.b".
  std::string_view first = repo.substr(0, repo.find('/'));
  if (first.find('.') != std::string_view::npos || first == "localhost") return name();
  return std::string(repo);
}

std::string Reference::Familiar() const {
  std::string s = FamiliarName();
  if (tag_) s += ":" + *tag_;
  if (digest_) s += "@" + digest_->str();
  return s;
}

Result<Reference> Reference::WithTag(std::string_view tag) const {
  HOIST_TRY(ValidateTag(tag));
  Reference r = *this;
  r.tag_ = std::string(tag);
  return r;
}

Reference Reference::WithDigest(Digest digest) const {
  Reference r = *this;
  r.digest_ = std::move(digest);
  return r;
}

Reference Reference::Bare() const { return Reference(domain_, repository_); }

std::string Reference::RegistryHost() const {
  return domain_ == kDockerHubDomain ? std::string(kHubRegistryHost) : domain_;
}

}  // namespace hoist
