#pragma once
// Docker image references ("alpine", "localhost:5000/team/app:v1", "[::1]:5000/x@sha256:…"), parsed
// by the distribution/reference grammar and normalized the way docker does:
//
//   reference      := name [ ":" tag ] [ "@" digest ]
//   name           := [ domain "/" ] remote-name  (remote-name at most 255 characters once normalized,
//                                                   "library/" included; the domain is not counted)
//   domain         := host [ ":" port ]
//   host           := domain-name | "[" IPv6 address "]"
//   domain-name    := component ( "." component )*,  component := [a-zA-Z0-9] ( [a-zA-Z0-9-]* [a-zA-Z0-9] )?
//   remote-name    := path-component ( "/" path-component )*
//   path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*,  separator := "." | "_" | "__" | "-"+
//   tag            := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//   digest         := sha256:<64 hex> | sha512:<128 hex>  (Digest::Parse)
//
// The first "/"-separated part names a registry only if it contains '.' or ':', is "localhost", or has an
// uppercase letter; otherwise the image is on Docker Hub ("docker.io"), where one-part names live under
// "library/". "index.docker.io" is written "docker.io". A reference with neither tag nor digest gets
// ":latest" unless the caller asks for a bare repository.

#include <optional>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/error.h"

namespace hoist {

struct ReferenceParseOptions {
  // Add ":latest" when the input has neither tag nor digest. Off for callers that want a bare
  // repository (`tags`, `--all-tags`).
  bool default_tag = true;
};

class Reference {
 public:
  static constexpr std::string_view kDockerHubDomain = "docker.io";
  static constexpr std::string_view kDefaultTag = "latest";
  static constexpr size_t kMaxPathLength = 255;  // the repository path, without the domain
  static constexpr size_t kMaxTagLength = 128;

  // Parses and normalizes; errors are kInvalidArgument and quote the input.
  static Result<Reference> Parse(std::string_view text);
  static Result<Reference> Parse(std::string_view text, const ReferenceParseOptions& options);

  // Checks one part of the grammar on its own (for tags and repositories given apart from a reference).
  static Status ValidateTag(std::string_view tag);
  static Status ValidateRepository(std::string_view repository);  // path without domain, lowercase
  static Status ValidateDomain(std::string_view domain);

  const std::string& domain() const { return domain_; }          // "docker.io", "localhost:5000", "[::1]:5000"
  const std::string& repository() const { return repository_; }  // "library/alpine"
  std::string name() const;                                       // "docker.io/library/alpine"
  const std::optional<std::string>& tag() const { return tag_; }
  const std::optional<Digest>& digest() const { return digest_; }

  // The full normalized form: "docker.io/library/alpine:latest", "x/y:1@sha256:…". Parse(str()) == *this.
  std::string str() const;
  // Docker's short display form: "alpine:3.19", "foo/bar", "localhost:5000/x:1" (tag and digest kept).
  std::string Familiar() const;
  // Familiar() without tag or digest, as the REPOSITORY column of `images` shows it.
  std::string FamiliarName() const;

  // Copies with a tag or digest set; the other of the two is kept, as docker does.
  Result<Reference> WithTag(std::string_view tag) const;
  Reference WithDigest(Digest digest) const;
  // The repository alone: no tag, no digest.
  Reference Bare() const;

  // The host to contact for the Distribution API: Docker Hub's "docker.io" is served by
  // "registry-1.docker.io"; every other domain is itself (port and IPv6 brackets kept).
  std::string RegistryHost() const;

  bool operator==(const Reference& o) const = default;
  bool operator<(const Reference& o) const { return str() < o.str(); }

 private:
  Reference(std::string domain, std::string repository)
      : domain_(std::move(domain)), repository_(std::move(repository)) {}

  std::string domain_;
  std::string repository_;
  std::optional<std::string> tag_;
  std::optional<Digest> digest_;
};

}  // namespace hoist
