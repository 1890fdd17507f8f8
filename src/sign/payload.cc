#include "sign/payload.h"
#include "core/json_parse.h"

namespace hoist::sign {

namespace {

// Appends `s` as a JSON string the way Go's encoding/json does (HTML-safe escaping on).
// Returns false on invalid UTF-8.
bool AppendGoJsonString(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: validate it, pass it through, except U+2028/U+2029.
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (len == 0 || c > 0xf4 || i + len > s.size()) return false;
    uint32_t cp = c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;  // overlong or surrogate
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out += '"';
  return true;
}

const nlohmann::json* Member(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

}  // namespace

std::string CosignDockerReference(const Reference& ref) {
  if (ref.domain() == Reference::kDockerHubDomain) return "index.docker.io/" + ref.repository();
  return ref.name();
}

Result<std::string> RenderPayload(std::string_view docker_reference, const Digest& manifest_digest,
                                  const std::map<std::string, std::string>& annotations) {
  std::string out = R"({"critical":{"identity":{"docker-reference":)";
  if (!AppendGoJsonString(out, docker_reference)) return InvalidArgument("the reference is not valid UTF-8");
  out += R"(},"image":{"docker-manifest-digest":")";
  out += manifest_digest.str();
  out += R"("},"type":")";
  out += kCosignSignatureType;
  out += R"("},"optional":)";
  if (annotations.empty()) {
    out += "null";
  } else {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : annotations) {  // std::map: sorted by bytes, as Go sorts map keys
      if (!first) out += ',';
      first = false;
      if (!AppendGoJsonString(out, k)) return InvalidArgument("annotation key is not valid UTF-8");
      out += ':';
      if (!AppendGoJsonString(out, v)) return InvalidArgument("annotation \"" + k + "\" is not valid UTF-8");
    }
    out += '}';
  }
  out += '}';
  return out;
}

Result<Payload> ParsePayload(std::string_view bytes) {
  if (bytes.size() > kMaxPayloadSize) return TooLarge("signature payload is larger than 64 KiB");
  auto document = ParseJson(bytes);
  if (!document.ok()) return ParseError("signature payload: " + document.error().message());
  const nlohmann::json& doc = *document;
  if (!doc.is_object()) return ParseError("signature payload is not a JSON object");
  const nlohmann::json* critical = Member(doc, "critical");
  if (!critical || !critical->is_object()) return ParseError("signature payload has no \"critical\" section");
  const nlohmann::json* type = Member(*critical, "type");
  if (!type || !type->is_string() || type->get<std::string>() != kCosignSignatureType) {
    return ParseError("signature payload is not a \"cosign container image signature\"");
  }
  const nlohmann::json* image = Member(*critical, "image");
  const nlohmann::json* digest = image ? Member(*image, "docker-manifest-digest") : nullptr;
  if (!digest || !digest->is_string()) return ParseError("signature payload names no docker-manifest-digest");
  auto parsed = Digest::Parse(digest->get<std::string>());
  if (!parsed.ok()) return ParseError("signature payload: docker-manifest-digest: " + parsed.error().message());
  Payload p;
  p.manifest_digest = *parsed;
  const nlohmann::json* identity = Member(*critical, "identity");
  const nlohmann::json* dref = identity ? Member(*identity, "docker-reference") : nullptr;
  if (!dref || !dref->is_string()) return ParseError("signature payload names no docker-reference");
  p.docker_reference = dref->get<std::string>();
  if (const nlohmann::json* opt = Member(doc, "optional")) {
    if (!opt->is_null() && !opt->is_object()) return ParseError("signature payload: \"optional\" is not an object");
    p.optional = *opt;
  }
  return p;
}

bool SameRepository(std::string_view docker_reference, const Reference& ref) {
  auto signed_ref = Reference::Parse(docker_reference, ReferenceParseOptions{/*default_tag=*/false});
  if (!signed_ref.ok()) return false;
  return signed_ref->name() == ref.name();
}

}  // namespace hoist::sign
