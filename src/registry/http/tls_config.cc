#include "registry/http/tls_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "registry/http/request.h"
#include "registry/http/sanitize.h"

namespace hoist::registry {

namespace fs = std::filesystem;

namespace {

constexpr uintmax_t kMaxCertFile = 1 << 20;

std::string_view NormalizeEntry(std::string_view entry) {
  for (std::string_view prefix : {"https://", "http://"}) {
    if (entry.substr(0, prefix.size()) == prefix) entry.remove_prefix(prefix.size());
  }
  while (!entry.empty() && entry.back() == '/') entry.remove_suffix(1);
  return entry;
}

Result<std::string> ReadSmallFile(const fs::path& path) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return IOError("cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxCertFile) {
    return TooLarge("certificate file " + path.string() + " is larger than 1 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) return IOError("cannot read " + path.string());
  return ss.str();
}

bool HasExtension(const fs::path& p, std::string_view ext) { return p.extension() == ext; }

// A directory name taken from a URL's host must stay a single path component.
bool SafeComponent(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

// "[::1]:5000" → "::1", "127.0.0.1:5000" → "127.0.0.1", "localhost" → "localhost".
std::string_view HostOnly(std::string_view host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    size_t close = host_port.find(']');
    return close == std::string_view::npos ? std::string_view() : host_port.substr(1, close - 1);
  }
  if (std::count(host_port.begin(), host_port.end(), ':') > 1) return host_port;  // bare IPv6
  return host_port.substr(0, host_port.find(':'));
}

// Four decimal octets, each 0-255 without leading zeros, the first 127.
bool IsLoopbackIPv4(std::string_view h) {
  int parts = 0;
  while (true) {
    size_t dot = h.find('.');
    std::string_view octet = h.substr(0, dot);
    if (octet.empty() || octet.size() > 3 || (octet.size() > 1 && octet[0] == '0')) return false;
    int value = 0;
    for (char c : octet) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || (parts == 0 && value != 127)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    h.remove_prefix(dot + 1);
  }
  return parts == 4;
}

}  // namespace

bool IsLoopbackHost(std::string_view host_port) {
  std::string_view h = HostOnly(host_port);
  if (!h.empty() && h.back() == '.') h.remove_suffix(1);  // "localhost." is the same name
  return HeaderNameEquals(h, "localhost") || h == "::1" || h == "0:0:0:0:0:0:0:1" || IsLoopbackIPv4(h);
}

bool TlsErrorMeansPlainHttp(std::string_view curl_error) {
  // OpenSSL 1.1/3.x read "HTTP/1.x ..." as a TLS record: its version bytes are wrong, or (older
  // versions) its length is; GnuTLS says the packet was unexpected.
  for (std::string_view words : {"wrong version number", "packet length too long", "http request",
                                 "An unexpected TLS packet was received"}) {
    if (curl_error.find(words) != std::string_view::npos) return true;
  }
  return false;
}

std::string PlainHttpMessage(std::string_view host_port, std::string_view detail) {
  std::string h(host_port);
  return h + " " + std::string(kPlainHttpReply) + " (" + std::string(detail) +
         "): to use plain http, name it with --insecure-registry " + h +
         ", or list it in HOIST_INSECURE_REGISTRIES, \"insecure-registries\" of ~/.config/hoist/config.json, "
         "or a registries.conf [[registry]] with insecure = true";
}

bool IsInsecureRegistry(std::string_view host_port, const TlsSettings& settings) {
  return std::any_of(settings.insecure_registries.begin(), settings.insecure_registries.end(),
                     [&](const std::string& e) {
                       std::string_view entry = NormalizeEntry(e);
                       if (entry.substr(0, 2) == "*.") {  // registries.conf's wildcard: any subdomain, any port
                         std::string_view host = HostOnly(host_port);
                         std::string_view suffix = entry.substr(1);
                         return host.size() > suffix.size() &&
                                HeaderNameEquals(host.substr(host.size() - suffix.size()), suffix);
                       }
                       return HeaderNameEquals(entry, host_port);
                     });
}

Result<TlsOptions> TlsForHost(const std::string& host_port, const TlsSettings& settings) {
  TlsOptions out;
  out.verify = settings.tls_verify && !IsInsecureRegistry(host_port, settings);
  out.ca_file = settings.ca_file;
  if (!SafeComponent(host_port)) return out;

  for (const std::string& root : settings.cert_dirs) {
    fs::path dir = fs::path(root) / host_port;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;

    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      files.push_back(it->path());
    }
    if (ec)
      return IOError("cannot list certificate directory " + dir.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());  // a stable bundle order, whatever readdir says

    for (const fs::path& f : files) {
      if (HasExtension(f, ".crt")) {
        HOIST_TRY_ASSIGN(std::string pem, ReadSmallFile(f));
        out.ca_pem += pem;
        if (!pem.empty() && pem.back() != '\n') out.ca_pem += '\n';
      } else if (HasExtension(f, ".cert")) {
        fs::path key = fs::path(f).replace_extension(".key");
        if (!fs::exists(key, ec)) {
          return InvalidArgument("missing key " + key.string() + " for client certificate " +
                                 f.string());
        }
        if (out.client_cert.empty()) {
          out.client_cert = f.string();
          out.client_key = key.string();
        }
      } else if (HasExtension(f, ".key")) {
        fs::path cert = fs::path(f).replace_extension(".cert");
        if (!fs::exists(cert, ec)) {
          return InvalidArgument("missing client certificate " + cert.string() + " for key " +
                                 f.string());
        }
      }
    }
    break;
  }

  // A CA blob replaces the CA file in curl, so an explicit --ca-file joins the blob.
  if (!out.ca_pem.empty() && !out.ca_file.empty()) {
    HOIST_TRY_ASSIGN(std::string pem, ReadSmallFile(out.ca_file));
    out.ca_pem += pem;
  }
  return out;
}

}  // namespace hoist::registry
