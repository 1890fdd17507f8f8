#include "registry/client/upload_session.h"
#include "core/json_parse.h"

#include <nlohmann/json.hpp>

namespace hoist::registry {

using nlohmann::json;

std::string EncodeUploadSession(const UploadSession& session) {
  json j = {{"location", session.location},
            {"offset", session.offset},
            {"min_chunk", session.min_chunk}};
  return DumpJson(j);
}

Result<UploadSession> DecodeUploadSession(std::string_view text) {
  auto parsed = ParseJson(text);
  json j = parsed.ok() ? std::move(parsed).value() : json(json::value_t::discarded);
  auto bad = [](std::string why) {
    return ParseError("saved upload session is unusable: " + std::move(why));
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  UploadSession s;
  auto loc = j.find("location");
  if (loc == j.end() || !loc->is_string() || loc->get<std::string>().empty()) {
    return bad("\"location\" must be a non-empty string");
  }
  s.location = loc->get<std::string>();
  auto off = j.find("offset");
  if (off == j.end() || !off->is_number_unsigned()) return bad("\"offset\" must be a number >= 0");
  s.offset = off->get<uint64_t>();
  if (auto min = j.find("min_chunk"); min != j.end()) {
    if (!min->is_number_unsigned()) return bad("\"min_chunk\" must be a number >= 0");
    s.min_chunk = min->get<uint64_t>();
  }
  return s;
}

}  // namespace hoist::registry
