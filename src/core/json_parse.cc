#include "core/json_parse.h"

#include <unordered_set>
#include <vector>

namespace hoist {

namespace {

// Bracket depth outside strings: for valid JSON exactly its nesting, and cheap enough to run
// before every parse. (Invalid JSON may be misjudged; the parse then refuses it anyway.)
Status CheckDepth(std::string_view text) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kJsonMaxDepth) {
        return ParseError("JSON nested deeper than " + std::to_string(kJsonMaxDepth) +
                          " levels (kJsonMaxDepth), at byte " + std::to_string(i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return Ok();
}

// Quotes a key for a message: printable ASCII only, shortened.
std::string QuoteKey(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  for (char c : s.substr(0, kMax)) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (s.size() > kMax) out += "…";
  return out + "\"";
}

// Walks the tokens without building anything: where the text stops being JSON, and (when asked)
// an object that names a key twice.
template <typename Json>
class CheckingSax : public nlohmann::json_sax<Json> {
 public:
  using Base = nlohmann::json_sax<Json>;
  explicit CheckingSax(bool duplicates) : duplicates_(duplicates) {}
  std::string error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(typename Base::number_integer_t) override { return true; }
  bool number_unsigned(typename Base::number_unsigned_t) override { return true; }
  bool number_float(typename Base::number_float_t, const typename Base::string_t&) override { return true; }
  bool string(typename Base::string_t&) override { return true; }
  bool binary(typename Base::binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    if (duplicates_) keys_.emplace_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (duplicates_) keys_.emplace_back();
    return true;
  }
  bool end_object() override { return Pop(); }
  bool end_array() override { return Pop(); }
  bool key(typename Base::string_t& k) override {
    if (duplicates_ && !keys_.back().insert(k).second) {
      error = "duplicate key " + QuoteKey(k) + " in one JSON object";
      return false;
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    error = "not valid JSON (near byte " + std::to_string(position) + ")";
    return false;
  }

 private:
  bool Pop() {
    if (duplicates_) keys_.pop_back();
    return true;
  }
  bool duplicates_;
  std::vector<std::unordered_set<std::string>> keys_;
};

template <typename Json>
Result<Json> Parse(std::string_view text, JsonParseOptions options) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return ParseError("empty document (expected JSON)");
  }
  HOIST_TRY(CheckDepth(text));
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (options.reject_duplicate_keys) {
    CheckingSax<Json> sax(true);
    if (!Json::sax_parse(first, last, &sax)) return ParseError(sax.error.empty() ? "not valid JSON" : sax.error);
  }
  Json j = Json::parse(first, last, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) return j;
  // Only on failure: a second pass that says where.
  CheckingSax<Json> sax(false);
  Json::sax_parse(first, last, &sax);
  return ParseError(sax.error.empty() ? "not valid JSON" : sax.error);
}

template <typename Json>
std::string Dump(const Json& j, int indent, char indent_char) {
  return j.dump(indent, indent_char, /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text, JsonParseOptions options) {
  return Parse<nlohmann::json>(text, options);
}

Result<nlohmann::ordered_json> ParseOrderedJson(std::string_view text, JsonParseOptions options) {
  return Parse<nlohmann::ordered_json>(text, options);
}

std::string DumpJson(const nlohmann::json& j, int indent, char indent_char) { return Dump(j, indent, indent_char); }

std::string DumpJson(const nlohmann::ordered_json& j, int indent, char indent_char) {
  return Dump(j, indent, indent_char);
}

}  // namespace hoist
