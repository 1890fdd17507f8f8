#include "tools/cli.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cxxopts.hpp>

#include "core/manifest_convert.h"
#include "core/terminal_text.h"
#include "core/version.h"
#include "tools/command.h"

namespace hoist::tools {

namespace {

// Global flags that take a value; used to find the verb when they come before it.
bool GlobalFlagTakesValue(const std::string& arg) {
  return arg == "--store" || arg == "--progress" || arg == "--format";
}

void AddGlobalOptions(cxxopts::Options& o) {
  o.add_options("Global")
      ("h,help", "Show help for this command")
      ("v,verbose", "More output (repeat for more)")
      ("debug", "Debug logging (secrets are never logged)")
      ("store", "Local image store directory (default $HOIST_STORE or ~/.local/share/hoist/store)",
       cxxopts::value<std::string>(), "DIR")
      ("progress", "Progress output: auto|tty|plain|json|none", cxxopts::value<std::string>()->default_value("auto"),
       "MODE")
      ("format", "Output format: text|json", cxxopts::value<std::string>()->default_value("text"), "FMT");
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
      << "Usage: hoist [GLOBAL FLAGS] COMMAND [FLAGS] [ARGS]\n\nCommands:\n";
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
      << "      --format FMT    text|json\n\n"
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

cxxopts::Options MakeOptions(const CommandSpec& c) {
  cxxopts::Options o(std::string("hoist ") + c.name, c.summary);
  o.custom_help("[FLAGS]");
  o.positional_help(c.positional);
  if (c.add_options) c.add_options(o);
  AddGlobalOptions(o);
  o.add_options()("args", "", cxxopts::value<std::vector<std::string>>());
  o.parse_positional({"args"});
  return o;
}

void PrintCommandHelp(const CommandSpec& c, std::ostream& out) {
  auto o = MakeOptions(c);
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
  return name == "copy" || name == "push" || name == "pull";
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
  if (format == "text") g.format = OutputFormat::kText;
  else if (format == "json") g.format = OutputFormat::kJson;
  else if (CommandConvertsFormat(command) && ParseManifestFormat(format)) g.format = OutputFormat::kText;
  else if (CommandConvertsFormat(command)) {
    return UsageError("--format must be text, json, oci or v2s2 (got \"" + format + "\")");
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

int ReportError(const Error& e, const std::string& verb, std::ostream& err) {
  int code = ExitCodeFor(e);
  if (code == kExitUsage) {
    // One line, so scripts can take stderr's last line as the reason.
    err << "hoist: " << EscapeForTerminal(e.message()) << " (see 'hoist " << (verb.empty() ? "" : verb + " ")
        << "--help')\n";
  } else {
    // Messages quote registries, archives and images; escaped, the error also stays on one line.
    err << "hoist: " << EscapeForTerminal(e.ToString()) << "\n";
  }
  return code;
}

// A listing whose stdout is a full disk, a closed pipe's file or /dev/full must not exit 0: flush what
// is buffered and look at the stream's state once the command is done.
Status CheckOutputWritten(std::ostream& out) {
  errno = 0;
  out.flush();
  int e = errno;
  if (out.good()) return Ok();
  if (e == 0) {
    // The stream failed before (mid-listing) and that errno is gone; a second flush may say why.
    out.clear();
    out.flush();
    e = errno;
  }
  return Error(ErrorCode::kIO, std::string("writing output: ") +
                                   (e != 0 ? std::strerror(e) : "the output stream failed"));
}

int RunParsed(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
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
  if (verb_at == args.size()) {
    for (const auto& a : args) {
      if (a == "--version") {
        out << "hoist version " << kVersion << "\n";
        return kExitOk;
      }
    }
    // `hoist` alone or `hoist --help` is a request for help; anything else is a usage error.
    bool asked = args.empty() || std::find(args.begin(), args.end(), "--help") != args.end() ||
                 std::find(args.begin(), args.end(), "-h") != args.end();
    if (asked) {
      PrintTopHelp(out);
      return kExitOk;
    }
    if (GlobalFlagTakesValue(args.back())) return ReportError(UsageError(args.back() + " needs a value"), "", err);
    return ReportError(UsageError("no command given (after " + args.back() + ")"), "", err);
  }

  std::string verb = args[verb_at];
  if (verb == "help") {
    if (verb_at + 1 < args.size()) {
      if (const CommandSpec* c = FindCommand(args[verb_at + 1])) {
        PrintCommandHelp(*c, out);
        return kExitOk;
      }
      return ReportError(UsageError("unknown command \"" + args[verb_at + 1] + "\""), "", err);
    }
    PrintTopHelp(out);
    return kExitOk;
  }
  const CommandSpec* command = FindCommand(verb);
  if (!command) return ReportError(UsageError("unknown command \"" + verb + "\""), "", err);

  // Everything except the verb goes to the command's parser, which knows the global flags too.
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i != verb_at) rest.push_back(args[i]);
  }
  auto options = MakeOptions(*command);
  if (std::string(command->name) == "run") EndFlagsAfterFirstOperand(options, rest);
  std::vector<char*> argv;
  std::string prog = "hoist";
  argv.push_back(prog.data());
  for (auto& a : rest) argv.push_back(a.data());

  try {
    auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
    if (parsed.count("help")) {
      PrintCommandHelp(*command, out);
      return kExitOk;
    }
    auto global = ReadGlobalOptions(parsed, *command);
    if (!global.ok()) return ReportError(global.error(), verb, err);
    ApplyLogLevel(*global);
    CommandContext ctx{*global, parsed, {}};
    if (parsed.count("args")) ctx.positional = parsed["args"].as<std::vector<std::string>>();
    auto result = command->run(ctx);
    if (!result.ok()) return ReportError(result.error(), verb, err);
    return *result;
  } catch (const cxxopts::exceptions::exception& e) {
    return ReportError(UsageError(e.what()), verb, err);
  }
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int code = RunParsed(args, out, err);
  if (code != kExitOk) return code;  // the command's own error is the one to report
  Status written = CheckOutputWritten(out);
  if (!written.ok()) return ReportError(written.error(), "", err);
  return code;
}

}  // namespace hoist::tools
