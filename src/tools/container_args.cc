#include "tools/container_args.h"

#include <signal.h>

#include "core/ascii.h"
#include "tools/store_flags.h"

namespace hoist::tools {

namespace {

struct SignalName {
  const char* name;
  int number;
};
constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},   {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO}, {"PWR", SIGPWR},   {"SYS", SIGSYS}};

}  // namespace

Result<FoundContainer> FindContainerArg(CommandContext& ctx, const std::string& name) {
  if (!StoreExists(ctx)) return NotFound("no container named " + name + " (see hoist ps -a)");
  HOIST_TRY_ASSIGN(auto layout, OpenStore(ctx, StoreAccess::kRead));
  HOIST_TRY_ASSIGN(auto record, container::ContainerStore(layout.paths()).Find(name));
  if (!record.problem.empty()) {
    return ParseError("container " + record.id.substr(0, 12) + " is broken (" + record.problem +
                      "): remove it with hoist rm");
  }
  return FoundContainer{std::move(layout), std::move(record)};
}

Result<int> ParseSignal(const std::string& text, const std::string& flag) {
  if (!text.empty() && text.size() <= 2 && text.find_first_not_of("0123456789") == std::string::npos) {
    int n = std::stoi(text);
    if (n >= 1 && n < NSIG) return n;
  }
  std::string upper = AsciiLower(text);
  for (auto& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (upper.rfind("SIG", 0) == 0) upper = upper.substr(3);
  for (const auto& s : kSignals) {
    if (upper == s.name) return s.number;
  }
  return UsageError(flag + ": unknown signal \"" + text + "\" (a name such as TERM, KILL, HUP or a number)");
}

}  // namespace hoist::tools
