#pragma once
// Shared machinery of the spec documents (Manifest, Index, ImageConfig):
//  - spec_json::Parse: strict JSON parsing (no exceptions, bounded nesting, no duplicate keys — a
//    document two parsers could read differently is refused);
//  - typed field readers whose errors name the field ("layers[2].size: …");
//  - JsonDocument: a document's exact bytes next to its parsed form, so an unchanged document keeps
//    its digest and a changed one keeps the fields hoist does not know.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/error.h"

namespace hoist {

namespace spec_json {

using Json = nlohmann::ordered_json;

// Deeper than any real manifest or config; keeps recursive walks (dump, compare) off the stack's edge.
inline constexpr size_t kMaxDepth = 64;

// Parses `raw` as one JSON value; errors say "not valid JSON (at byte N)" and never echo the input.
Result<Json> Parse(std::string_view raw);

// "layers[2]" + "digest" → "layers[2].digest"; "" + "config" → "config".
std::string Join(std::string_view path, std::string_view key);
std::string Item(std::string_view path, size_t i);  // "layers", 3 → "layers[3]"
// ParseError("path: problem").
Error FieldError(std::string_view path, std::string_view problem);
// "a string", "an array", "null", … for messages.
std::string TypeName(const Json& j);
// Rebuilds `e` with "prefix: " before its message (same code).
Error Prefixed(const Error& e, std::string_view prefix);
// Quotes and shortens user input for a message; non-printable bytes become '?'.
std::string Quote(std::string_view s);

// Member lookup; nullptr when absent or JSON null (Go's encoders write null for empty fields).
const Json* Find(const Json& obj, std::string_view key);
bool Has(const Json& obj, std::string_view key);  // present, even if null

// Field readers: `path` is the path of `obj`. Optional fields read as empty when absent or null.
Result<std::string> GetString(const Json& obj, std::string_view key, std::string_view path, bool required);
Result<std::vector<std::string>> GetStringArray(const Json& obj, std::string_view key, std::string_view path);
Result<std::map<std::string, std::string>> GetStringMap(const Json& obj, std::string_view key,
                                                         std::string_view path);
// A JSON integer (not 1.0, not "1") in [0, INT64_MAX].
Result<int64_t> GetNonNegative(const Json& obj, std::string_view key, std::string_view path, bool required);
// Requires obj[key] to be an object (or absent/null when !required); returns it or nullptr.
Result<const Json*> GetObject(const Json& obj, std::string_view key, std::string_view path, bool required);
Result<const Json*> GetArray(const Json& obj, std::string_view key, std::string_view path, bool required);

// Makes obj[key] say "nothing": a null or empty value already there stays (an unchanged document
// then keeps its bytes' meaning and shape); anything else is erased.
void ClearField(Json& obj, const std::string& key);

// Writers: set obj[key], or ClearField it when the value is empty.
void SetOrErase(Json& obj, const std::string& key, const std::string& value);
void SetOrErase(Json& obj, const std::string& key, const std::map<std::string, std::string>& value);
void SetOrErase(Json& obj, const std::string& key, const std::vector<std::string>& value);

// `fresh` with its keys in `old`'s order where `old` had them (new keys follow), so rewriting an
// object does not shuffle it. Keys of `old` that `fresh` lacks are dropped, except null ones
// (which say nothing anyway).
Json KeepOrder(const Json& old, Json fresh);

// Compact JSON; invalid UTF-8 in strings set by callers is replaced, never thrown about.
std::string Dump(const Json& j);

}  // namespace spec_json

// The exact bytes of a spec document and its parse. raw() is what was parsed until a mutator runs;
// after that it is the compact re-rendering of the updated JSON, so raw(), Serialize() and digest()
// always describe the same bytes.
class JsonDocument {
 public:
  const std::string& raw() const { return raw_; }
  std::string Serialize() const { return raw_; }
  const Digest& digest() const { return digest_; }
  int64_t size() const { return static_cast<int64_t>(raw_.size()); }
  // The whole parsed document, unknown fields included.
  const nlohmann::ordered_json& json() const { return doc_; }

 protected:
  JsonDocument();
  // Adopts parsed bytes and their parse (which must agree).
  void Adopt(std::string raw, nlohmann::ordered_json doc);
  nlohmann::ordered_json& mutable_json() { return doc_; }
  // Re-renders raw() (and digest()) after mutable_json() changed.
  void Render();

 private:
  std::string raw_;
  nlohmann::ordered_json doc_;
  Digest digest_;
};

}  // namespace hoist
