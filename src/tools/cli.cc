#include "tools/cli.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "core/manifest_convert.h"
#include "core/terminal_text.h"
#include "core/version.h"
#include "tools/command.h"
#include "tools/management.h"
#include "tools/template_output.h"

namespace hoist::tools {

namespace {

// Global flags that take a value; used to find the verb when they come before it.
bool GlobalFlagTakesValue(const std::string& arg) {
  return arg == "--store" || arg == "--progress" || arg == "--format";
}

// `run` takes -v for --volume, as docker's does: after the verb its verbose flag is --verbose only.
bool OwnsShortV(const CommandSpec& c) { return std::string(c.name) == "run"; }

// Commands whose operands end with a command line for the container (`run IMG CMD…`, `exec CTR CMD…`).
bool TakesCommandLine(const CommandSpec& c) {
  const std::string name = c.name;
  return name == "run" || name == "exec";
}

// `inspect` also takes -f for --format, as docker's does.
void AddGlobalOptions(cxxopts::Options& o, bool short_format, bool short_verbose) {
  o.add_options("Global")
      ("h,help", "Show help for this command")
      (short_verbose ? "v,verbose" : "verbose", "More output (repeat for more)")
      ("debug", "Debug logging (secrets are never logged)")
      ("store", "Local image store directory (default $HOIST_STORE or ~/.local/share/hoist/store)",
       cxxopts::value<std::string>(), "DIR")
      ("progress", "Progress output: auto|tty|plain|json|none", cxxopts::value<std::string>()->default_value("auto"),
       "MODE")
      (short_format ? "f,format" : "format", "Output format: text|json, or a Go template where the command has one ('{{.ID}}', 'table {{.ID}}\\t{{.Size}}')",
       cxxopts::value<std::string>()->default_value("text"), "FMT");
}

// Commands whose --format also takes a Go template (they print rows or a document).
bool TakesTemplate(const CommandSpec& c) {
  static const char* const kNames[] = {"images", "ps", "history", "inspect", "system df", "system info", "search"};
  for (const char* n : kNames) {
    if (c.name == std::string(n)) return true;
  }
  return false;
}

std::vector<std::string> SubcommandNames(const CommandGroup& g) {
  std::vector<std::string> names;
  for (const auto& sc : g.subcommands) names.push_back(sc.name);
  return names;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::vector<std::string> TopLevelNames() {
  std::vector<std::string> names;
  for (const auto& g : CommandGroups()) names.push_back(g.name);
  for (const CommandSpec* c : AllCommands()) {
    names.push_back(c->name);
    for (const auto& a : c->aliases) names.push_back(a);
  }
  names.push_back("help");
  return names;
}

const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0    success\n"
    "  1    failure\n"
    "  2    usage error (unknown command or flag, bad argument)\n"
    "  3    not found (image, tag, blob, file)\n"
    "  4    authentication or authorization failed\n"
    "  5    digest or size mismatch (corrupt content)\n"
    "  6    network or registry unavailable (connection, timeout, 429, 5xx)\n"
    "  130  interrupted (Ctrl-C); run the same command again to resume\n";

void PrintTopHelp(std::ostream& out) {
  out << "hoist " << kVersion << ": a fast, verifying OCI registry client and image toolkit\n\n"
      << "Usage: hoist [GLOBAL FLAGS] COMMAND [FLAGS] [ARGS]\n\nManagement commands:\n";
  for (const auto& g : CommandGroups()) {
    std::string subs;
    for (const auto& sc : g.subcommands) subs += (subs.empty() ? "" : "|") + std::string(sc.name);
    out << "  " << g.name << std::string(14 - std::string(g.name).size(), ' ') << g.summary << " (" << subs << ")\n";
  }
  out << "\nCommands:\n";
  for (const CommandSpec* c : AllCommands()) {
    std::string name = c->name;
    for (const auto& a : c->aliases) name += ", " + a;
    out << "  " << name << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') << c->summary << "\n";
  }
  out << "\nGlobal flags:\n"
      << "  -v, --verbose       more output (repeat for more)\n"
      << "      --debug         debug logging (secrets are never logged)\n"
      << "      --store DIR     local image store (default $HOIST_STORE or ~/.local/share/hoist/store)\n"
      << "      --progress MODE auto|tty|plain|json|none\n"
      << "      --format FMT    text|json, or a Go template for images, ps, history, inspect, system df|info\n\n"
      << kExitCodesHelp << "\nRun 'hoist COMMAND --help' for a command's flags and examples.\n";
}

// `run` takes a command line after its image, as `docker run` does: flags end at the image, so
// `hoist run IMG sh -c 'x'` hands -c to sh. Flags that take a value are skipped with their value.
void EndFlagsAfterFirstOperand(const cxxopts::Options& o, std::vector<std::string>& rest) {
  std::vector<std::string> takes_value;
  for (const auto& g : o.groups()) {
    for (const auto& d : o.group_help(g).options) {
      if (d.is_boolean) continue;
      if (!d.s.empty()) takes_value.push_back("-" + d.s);
      for (const auto& l : d.l) takes_value.push_back("--" + l);
    }
  }
  for (size_t i = 0; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a == "--") return;
    if (a.size() > 1 && a[0] == '-') {
      if (std::find(takes_value.begin(), takes_value.end(), a) != takes_value.end()) ++i;
      continue;
    }
    rest.insert(rest.begin() + static_cast<std::ptrdiff_t>(i) + 1, "--");
    return;
  }
}

// `display` is how the user named the command ("images", "image ls").
cxxopts::Options MakeOptions(const CommandSpec& c, const std::string& display) {
  cxxopts::Options o("hoist " + display, c.summary);
  o.custom_help("[FLAGS]");
  o.positional_help(c.positional);
  if (c.add_options) c.add_options(o);
  AddGlobalOptions(o, std::string(c.name) == "inspect", !OwnsShortV(c));
  o.add_options()("args", "", cxxopts::value<std::vector<std::string>>());
  o.parse_positional({"args"});
  return o;
}

void PrintCommandHelp(const CommandSpec& c, std::ostream& out, const std::string& display = "") {
  auto o = MakeOptions(c, display.empty() ? c.name : display);
  std::vector<std::string> groups;
  for (const auto& g : o.groups()) {
    if (g != "Global") groups.push_back(g);
  }
  groups.push_back("Global");
  out << o.help(groups);
  if (c.description && *c.description) out << "\n" << c.description << "\n";
  if (c.examples && *c.examples) out << "\nExamples:\n" << c.examples << "\n";
  out << "\n" << kExitCodesHelp;
}

// Commands whose --format names something other than text|json (`save`: the archive format).
bool CommandOwnsFormat(const CommandSpec& c) { return std::string(c.name) == "save"; }

// Commands whose --format also takes skopeo's manifest formats (oci|v2s2: convert on the way).
bool CommandConvertsFormat(const CommandSpec& c) {
  const std::string name = c.name;
  return name == "copy" || name == "push" || name == "pull" || name == "mutate" || name == "append" ||
         name == "flatten" || name == "rebase" || name == "index create" || name == "index append" ||
         name == "manifest push";
}

Result<GlobalOptions> ReadGlobalOptions(const cxxopts::ParseResult& r, const CommandSpec& command) {
  GlobalOptions g;
  g.verbosity = static_cast<int>(r.count("verbose"));
  g.debug = r.count("debug") > 0;
  if (r.count("store")) g.store = r["store"].as<std::string>();
  const std::string progress = r["progress"].as<std::string>();
  if (progress == "auto") g.progress = Progress::kAuto;
  else if (progress == "tty") g.progress = Progress::kTty;
  else if (progress == "plain") g.progress = Progress::kPlain;
  else if (progress == "json") g.progress = Progress::kJson;
  else if (progress == "none") g.progress = Progress::kNone;
  else return UsageError("--progress must be auto, tty, plain, json or none (got \"" + progress + "\")");
  const std::string format = r["format"].as<std::string>();
  // "table" alone is docker's name for the default table.
  if (format == "text" || (format == "table" && TakesTemplate(command))) g.format = OutputFormat::kText;
  else if (format == "json") g.format = OutputFormat::kJson;
  else if (CommandConvertsFormat(command) && ParseManifestFormat(format)) g.format = OutputFormat::kText;
  else if (CommandConvertsFormat(command)) {
    return UsageError("--format must be text, json, oci or v2s2 (got \"" + format + "\")");
  } else if (TakesTemplate(command) && IsTemplateFormat(format)) {
    g.format = OutputFormat::kTemplate;
  } else if (TakesTemplate(command)) {
    return UsageError("--format must be text, json or a Go template such as '{{.ID}}' (got \"" + format + "\")");
  } else if (!CommandOwnsFormat(command)) {
    return UsageError("--format must be text or json (got \"" + format + "\")");
  }
  g.format_name = format;
  return g;
}

void ApplyLogLevel(const GlobalOptions& g) {
  if (g.debug || g.verbosity >= 2) {
    spdlog::set_level(spdlog::level::debug);
  } else if (g.verbosity == 1) {
    spdlog::set_level(spdlog::level::info);
  }
}

// `--format json` anywhere before "--" asks for errors as JSON too.
bool WantsJsonErrors(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--format=json") return true;
    if (args[i] == "--format" && i + 1 < args.size() && args[i + 1] == "json") return true;
  }
  return false;
}

// How errors are printed: one line on stderr, as text or (with --format json) as a JSON object
// {"error": MESSAGE, "code": EXIT_CODE, "kind": "usage" | ErrorCodeName} (README: "Errors as JSON").
struct ErrorReporter {
  std::ostream& err;
  bool json = false;

  int operator()(const Error& e, const std::string& verb) const {
    int code = ExitCodeFor(e);
    std::string message = code == kExitUsage
                              ? e.message() + " (see 'hoist " + (verb.empty() ? "" : verb + " ") + "--help')"
                              : e.ToString();
    PrintErrorLine(err, message, code, code == kExitUsage ? "usage" : ErrorCodeName(e.code()), json);
    return code;
  }
};

// A listing whose stdout is a full disk, a closed pipe's file or /dev/full must not exit 0: flush what
// is buffered and look at the stream's state once the command is done.
Status CheckOutputWritten(std::ostream& out) {
  errno = 0;
  out.flush();
  int e = errno;
  if (out.good()) return Ok();
  if (e == 0) {
    // The stream failed before (mid-listing) and that errno is gone: one more byte, written through,
    // says why (the output is incomplete anyway).
    out.clear();
    out.put('\n');
    out.flush();
    e = errno;
  }
  return Error(ErrorCode::kIO, std::string("writing output: ") +
                                   (e != 0 ? std::strerror(e) : "the output stream failed"));
}

int RunParsed(const std::vector<std::string>& args, std::ostream& out, const ErrorReporter& report) {
  // Find the verb: the first argument that is neither a global flag nor a global flag's value.
  size_t verb_at = args.size();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.empty() || a[0] != '-') {
      verb_at = i;
      break;
    }
    if (GlobalFlagTakesValue(a)) ++i;
  }
  const bool asked_help = std::find(args.begin(), args.end(), "--help") != args.end() ||
                          std::find(args.begin(), args.end(), "-h") != args.end();
  if (verb_at == args.size()) {
    for (const auto& a : args) {
      if (a == "--version") {
        out << "hoist version " << kVersion << "\n";
        return kExitOk;
      }
    }
    // `hoist` alone or `hoist --help` is a request for help; anything else is a usage error.
    if (args.empty() || asked_help) {
      PrintTopHelp(out);
      return kExitOk;
    }
    if (GlobalFlagTakesValue(args.back())) return report(UsageError(args.back() + " needs a value"), "");
    return report(UsageError("no command given (after " + args.back() + ")"), "");
  }

  std::string verb = args[verb_at];
  if (verb == "help") {
    if (verb_at + 1 < args.size()) {
      const std::string& topic = args[verb_at + 1];
      if (const CommandGroup* g = FindGroup(topic)) {
        if (verb_at + 2 < args.size()) {
          const Subcommand* sub = FindSubcommand(*g, args[verb_at + 2]);
          if (!sub) return report(UnknownCommand(args[verb_at + 2], SubcommandNames(*g), g->name), "");
          PrintCommandHelp(sub->spec(), out, std::string(g->name) + " " + sub->name);
          return kExitOk;
        }
        PrintGroupHelp(*g, out);
        return kExitOk;
      }
      if (const CommandSpec* c = FindCommand(topic)) {
        PrintCommandHelp(*c, out);
        return kExitOk;
      }
      return report(UnknownCommand(topic, TopLevelNames()), "");
    }
    PrintTopHelp(out);
    return kExitOk;
  }

  // A management form (`hoist image ls`): its subcommand is the next operand.
  std::string display = verb;
  std::string object_type;
  size_t sub_at = args.size();
  const CommandSpec* command = nullptr;
  if (const CommandGroup* group = FindGroup(verb)) {
    for (size_t i = verb_at + 1; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--") break;
      if (a.empty() || a[0] != '-') {
        sub_at = i;
        break;
      }
      if (GlobalFlagTakesValue(a)) ++i;
    }
    if (sub_at == args.size()) {
      if (asked_help || verb_at + 1 == args.size()) {
        PrintGroupHelp(*group, out);
        return kExitOk;
      }
      return report(UsageError(verb + " needs a subcommand: " + JoinNames(SubcommandNames(*group))), verb);
    }
    const Subcommand* sub = FindSubcommand(*group, args[sub_at]);
    if (!sub) return report(UnknownCommand(args[sub_at], SubcommandNames(*group), verb), verb);
    command = &sub->spec();
    object_type = sub->object_type;
    display = verb + " " + sub->name;
  } else {
    command = FindCommand(verb);
    if (!command) return report(UnknownCommand(verb, TopLevelNames()), "");
  }

  // Everything except the verb (and subcommand) goes to the command's parser, which knows the global
  // flags too.
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i == verb_at || i == sub_at) continue;
    // Before the verb, -v is the global --verbose even for a command whose own -v is --volume.
    const std::string& a = args[i];
    if (i < verb_at && OwnsShortV(*command) && a.size() >= 2 && a[0] == '-' && a[1] == 'v' &&
        a.find_first_not_of('v', 1) == std::string::npos) {
      for (size_t n = 1; n < a.size(); ++n) rest.push_back("--verbose");
      continue;
    }
    rest.push_back(a);
  }
  auto options = MakeOptions(*command, display);
  if (TakesCommandLine(*command)) EndFlagsAfterFirstOperand(options, rest);
  std::vector<char*> argv;
  std::string prog = "hoist";
  argv.push_back(prog.data());
  for (auto& a : rest) argv.push_back(a.data());

  try {
    auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
    if (parsed.count("help")) {
      PrintCommandHelp(*command, out, display);
      return kExitOk;
    }
    auto global = ReadGlobalOptions(parsed, *command);
    if (!global.ok()) return report(global.error(), display);
    ApplyLogLevel(*global);
    CommandContext ctx{*global, parsed, {}, object_type};
    if (parsed.count("args")) ctx.positional = parsed["args"].as<std::vector<std::string>>();
    auto result = command->run(ctx);
    if (!result.ok()) return report(result.error(), display);
    return *result;
  } catch (const cxxopts::exceptions::exception& e) {
    return report(UsageError(e.what()), display);
  }
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ErrorReporter report{err, WantsJsonErrors(args)};
  int code = RunParsed(args, out, report);
  if (code != kExitOk) return code;  // the command's own error is the one to report
  Status written = CheckOutputWritten(out);
  if (!written.ok()) return report(written.error(), "");
  return code;
}

}  // namespace hoist::tools
