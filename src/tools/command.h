#pragma once
// How a subcommand plugs into the CLI: each cmd_<verb>.cc defines one CommandSpec and
// commands.cc lists them. A command file only declares flags and calls library code.

#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "core/error.h"

namespace hoist::tools {

enum class Progress { kAuto, kTty, kPlain, kJson, kNone };
// kTemplate: --format holds a Go template (format_name), see go_template.h; only commands that
// print rows or documents (images, ps, history, inspect, system df, system info) accept one.
enum class OutputFormat { kText, kJson, kTemplate };

// Flags every command accepts, before or after the verb.
struct GlobalOptions {
  int verbosity = 0;  // -v repeats
  bool debug = false;
  std::string store;  // --store, else $HOIST_STORE, else the XDG default
  Progress progress = Progress::kAuto;
  OutputFormat format = OutputFormat::kText;
  // --format as given: `save` reads its archive formats (docker-archive, oci-archive) from it, and
  // it holds the template for kTemplate.
  std::string format_name = "text";
};

struct CommandContext {
  GlobalOptions global;
  const cxxopts::ParseResult& args;
  std::vector<std::string> positional;
  // Set by a management form: "image" (`hoist image inspect`) or "container" (`hoist container
  // inspect`, `hoist container export`) when the operand must name that kind of object; "" otherwise.
  std::string object_type;
};

struct CommandSpec {
  const char* name;
  std::vector<std::string> aliases;
  const char* summary;      // one line for `hoist --help`
  const char* positional;   // e.g. "REF..." shown in the usage line
  const char* description;  // paragraphs shown by `hoist CMD --help`
  const char* examples;     // shown by `hoist CMD --help`
  void (*add_options)(cxxopts::Options&);  // may be nullptr
  // Returns an exit code, or an Error that main maps to one.
  Result<int> (*run)(CommandContext&);
};

const std::vector<const CommandSpec*>& AllCommands();
const CommandSpec* FindCommand(const std::string& name);

// Exit codes, documented in README.md and `hoist --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitAuth = 4;
inline constexpr int kExitDigestMismatch = 5;
inline constexpr int kExitNetwork = 6;
inline constexpr int kExitCancelled = 130;

int ExitCodeFor(const Error& e);

// A non-negative integer flag. cxxopts' own integer parsing is avoided: g++ 12 reports a false
// -Wrestrict inside it.
Result<int> IntegerFlag(const cxxopts::ParseResult& args, const std::string& name);

// Every value given for a repeatable flag, each occurrence whole: cxxopts' own vector parsing would
// split a value at commas, and JSON arrays (`--change 'CMD ["a", "b"]'`) have them.
std::vector<std::string> RepeatedFlag(const cxxopts::ParseResult& args, const std::string& long_name);

// A usage error: main prints it with a pointer to --help and exits 2.
Error UsageError(std::string message);

// Writes one error line on stderr: "hoist: MESSAGE" (terminal controls escaped), or with
// `--format json` the object {"code": exit code, "error": MESSAGE, "kind": "usage" or the error's
// category} (README: "Errors as JSON"). For commands that report each operand's failure (rm, rmi).
void PrintErrorLine(std::ostream& err, const std::string& message, int code, const std::string& kind, bool json);
void PrintOperandError(const CommandContext& ctx, const Error& e);

}  // namespace hoist::tools
