#pragma once
// The Distribution API, one function per resource (each in its own file). Each makes the Exchange
// for a routed request; method checks and read-only refusals happen inside.

#include <memory>
#include <optional>
#include <string>

#include "serve/http.h"
#include "serve/route.h"
#include "serve/served_layout.h"

namespace hoist::serve {

std::unique_ptr<Exchange> ManifestRequest(ServedLayout& s, const Request& req, const Route& r);  // manifests.cc
std::unique_ptr<Exchange> BlobRequest(ServedLayout& s, const Request& req, const Route& r);      // blobs.cc
std::unique_ptr<Exchange> UploadRequest(ServedLayout& s, const Request& req, const Route& r);    // upload_api.cc
std::unique_ptr<Exchange> TagsRequest(ServedLayout& s, const Request& req, const Route& r);      // listing.cc
std::unique_ptr<Exchange> CatalogRequest(ServedLayout& s, const Request& req);                   // listing.cc
std::unique_ptr<Exchange> ReferrersRequest(ServedLayout& s, const Request& req, const Route& r); // referrers.cc

// Shared by the handlers.
struct RepoLookup {
  std::string layout_name;              // the client's name without --prefix
  std::optional<std::string> existing;  // the layout repository it finds, when there is one
  std::shared_ptr<const NameIndex> names;
};
// NAME_INVALID (400), a name outside --prefix (404 NAME_UNKNOWN) or a store error are answered.
Result<RepoLookup> LookupRepo(ServedLayout& s, const std::string& name);
Response LookupError(const Error& e);
Response ReadOnlyRefusal();
Response MethodNotAllowed(const Request& req, const char* allowed);

}  // namespace hoist::serve
