#pragma once
// The image-config edits of `hoist mutate` (crane mutate's flags): labels, environment,
// entrypoint/cmd, working directory, user, exposed ports, creation time, platform, history. Each
// flag value is parsed here, so a malformed one is refused before anything is read or written.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/image_config.h"
#include "core/platform.h"

namespace hoist::edit {

struct ConfigChanges {
  std::vector<std::pair<std::string, std::string>> labels;  // set (an existing key is replaced)
  std::vector<std::pair<std::string, std::string>> env;     // set in place, else appended
  std::optional<std::vector<std::string>> entrypoint;       // an empty list clears it
  std::optional<std::vector<std::string>> cmd;
  std::optional<std::string> working_dir;
  std::optional<std::string> user;
  std::vector<std::string> exposed_ports;  // "80/tcp", added
  std::optional<std::string> created;      // RFC 3339
  std::optional<Platform> platform;        // the config's (and its index entry's) new platform
  bool drop_history = false;

  bool empty() const {
    return labels.empty() && env.empty() && !entrypoint && !cmd && !working_dir && !user && exposed_ports.empty() &&
           !created && !platform && !drop_history;
  }
};

// Applies the changes to `config` (its mutators re-render the document; unknown fields stay).
void ApplyConfigChanges(const ConfigChanges& changes, ImageConfig& config);

// "KEY=VALUE" (VALUE may be empty or hold '='); KEY must be non-empty, without whitespace. `flag`
// names the flag in the error ("--label"). `bare_key`: "KEY" alone sets it to "" (docker build's
// --label and --annotation); otherwise the '=' is required (crane mutate's).
Result<std::pair<std::string, std::string>> ParseKeyValue(std::string_view text, std::string_view flag,
                                                          bool bare_key = false);

// An entrypoint or cmd: a JSON array of strings (`["sh", "-c", "x"]`), else comma-separated words
// as crane takes them (`sh,-c,x`). "" and "[]" clear it.
Result<std::vector<std::string>> ParseCommandList(std::string_view text, std::string_view flag);

// "80", "80/tcp", "53/udp", "132/sctp" → "PORT/PROTO" (tcp by default); port 1..65535.
Result<std::string> ParsePort(std::string_view text);

// An RFC 3339 time ("2024-01-02T03:04:05Z", fractions and offsets allowed), kept as written, or a
// Unix time in seconds (SOURCE_DATE_EPOCH's form), written as RFC 3339 UTC.
Result<std::string> ParseCreated(std::string_view text);

}  // namespace hoist::edit
