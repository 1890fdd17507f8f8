#include "sign/signature_manifest.h"

#include <map>

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/media_types.h"

namespace hoist::sign {

namespace {
// go-containerregistry's zero time, as every "created" of a signature image reads.
constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";
}  // namespace

std::string SignatureTag(const Digest& image) {
  std::string tag(image.algorithm_name());
  tag += '-';
  tag += image.hex();
  tag += ".sig";
  return tag;
}

Result<std::vector<SignatureLayer>> ParseSignatureManifest(std::string_view bytes,
                                                           const SignatureManifestLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return TooLarge("signature manifest is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                    std::to_string(limits.max_bytes));
  }
  auto any = ParseAnyManifest(std::string(bytes));
  if (!any.ok()) return std::move(any).error().WithContext("signature manifest");
  const auto* manifest = std::get_if<Manifest>(&*any);
  if (!manifest) return ParseError("signature manifest is an index, not an image manifest");
  if (manifest->layers().size() > limits.max_layers) {
    return TooLarge("signature manifest lists " + std::to_string(manifest->layers().size()) +
                    " signatures, over the limit of " + std::to_string(limits.max_layers));
  }
  std::vector<SignatureLayer> out;
  out.reserve(manifest->layers().size());
  for (const Descriptor& d : manifest->layers()) {
    SignatureLayer l{d, ""};
    auto it = d.annotations.find(std::string(kSignatureAnnotation));
    if (it != d.annotations.end()) l.signature = it->second;
    out.push_back(std::move(l));
  }
  return out;
}

BuiltSignatureManifest BuildSignatureManifest(const std::vector<SignatureLayer>& layers) {
  // The config, with go-containerregistry's field order for v1.ConfigFile.
  nlohmann::ordered_json history = nlohmann::ordered_json::array();
  nlohmann::ordered_json diff_ids = nlohmann::ordered_json::array();
  for (const auto& l : layers) {
    history.push_back({{"created", kZeroTime}});
    diff_ids.push_back(l.layer.digest.str());  // the payload is stored uncompressed: diff_id == digest
  }
  nlohmann::ordered_json config;
  config["architecture"] = "";
  config["created"] = kZeroTime;
  config["history"] = history;
  config["os"] = "";
  config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  config["config"] = nlohmann::ordered_json::object();
  BuiltSignatureManifest out;
  out.config = DumpJson(config);

  nlohmann::ordered_json m;
  m["schemaVersion"] = 2;
  m["mediaType"] = kOciManifest;
  m["config"] = {{"mediaType", kOciConfig},
                 {"size", out.config.size()},
                 {"digest", Digest::Of(out.config).str()}};
  nlohmann::ordered_json js_layers = nlohmann::ordered_json::array();
  for (const auto& l : layers) {
    nlohmann::ordered_json d;
    d["mediaType"] = l.layer.media_type;
    d["size"] = l.layer.size;
    d["digest"] = l.layer.digest.str();
    // Sorted keys, as Go writes maps; the signature annotation is always this layer's signature.
    nlohmann::ordered_json sorted = nlohmann::ordered_json::object();
    std::map<std::string, std::string> all(l.layer.annotations);
    all[std::string(kSignatureAnnotation)] = l.signature;
    for (const auto& [k, v] : all) sorted[k] = v;
    d["annotations"] = sorted;
    js_layers.push_back(std::move(d));
  }
  m["layers"] = js_layers;
  out.manifest = DumpJson(m);
  return out;
}

SignatureLayer NewSignatureLayer(std::string_view payload, std::string_view signature_base64) {
  SignatureLayer l;
  l.layer = Descriptor::For(std::string(kSimpleSigningMediaType), payload);
  l.layer.annotations[std::string(kSignatureAnnotation)] = std::string(signature_base64);
  l.signature = std::string(signature_base64);
  return l;
}

std::vector<SignatureLayer> AppendSignature(std::vector<SignatureLayer> existing, SignatureLayer added) {
  for (const auto& l : existing) {
    if (l.layer.digest == added.layer.digest && l.signature == added.signature) return existing;
  }
  existing.push_back(std::move(added));
  return existing;
}

}  // namespace hoist::sign
