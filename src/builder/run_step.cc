#include "builder/run_step.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "builder/dockerfile/lines.h"
#include "builder/prefixed_output.h"
#include "container/unique_fd.h"
#include "core/fs.h"

namespace hoist::builder {

namespace {

Error At(const dockerfile::Instruction& ins, const std::string& message) {
  std::string s = ins.location.ToString();
  s += ": ";
  s += message;
  return ParseError(s);
}

// Points fds 1 and 2 at `fd` for the duration of the run, so the sandboxed command (which
// inherits them) writes where the build output goes.
class RedirectOutput {
 public:
  explicit RedirectOutput(int fd) {
    std::fflush(stdout);
    std::fflush(stderr);
    saved_out_ = ::dup(1);
    saved_err_ = ::dup(2);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  ~RedirectOutput() {
    std::fflush(stdout);
    std::fflush(stderr);
    if (saved_out_ >= 0) ::dup2(saved_out_, 1), ::close(saved_out_);
    if (saved_err_ >= 0) ::dup2(saved_err_, 2), ::close(saved_err_);
  }

 private:
  int saved_out_ = -1;
  int saved_err_ = -1;
};

std::string Quoted(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

}  // namespace

std::vector<std::string> RunArgv(const dockerfile::Instruction& ins, const std::vector<std::string>& shell) {
  if (ins.exec_form) return ins.exec_args;
  std::vector<std::string> argv = shell;
  std::string script = ins.text;
  if (!ins.heredocs.empty()) {
    std::string trimmed = script;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) trimmed.pop_back();
    const auto& first = ins.heredocs.front();
    // As BuildKit: when the whole command is one heredoc opener (`<<EOF`, `<<  EOF`), the body is the script.
    auto opener = dockerfile::ParseHeredocOpener(trimmed);
    bool whole = opener && opener->name == first.name;
    if (whole) {
      script = first.content;  // RUN <<EOF ... EOF: the body is the script
    } else {
      // RUN cat <<EOF > file: the shell reads the heredocs itself.
      for (const auto& h : ins.heredocs) script += "\n" + h.content + h.name;
      script += "\n";
    }
  }
  argv.push_back(script);
  return argv;
}

Result<RunFlags> ParseRunFlags(const dockerfile::Instruction& ins, bool allow_insecure) {
  RunFlags flags;
  for (const auto& f : ins.flags) {
    if (f.name == "network") {
      if (f.value == "none") {
        flags.network = container::SandboxOptions::Network::kNone;
      } else if (f.value == "host" || f.value == "default") {
        flags.network = container::SandboxOptions::Network::kHost;
      } else {
        return At(ins, "RUN --network must be default, host or none, got \"" + f.value + "\"");
      }
    } else if (f.name == "security") {
      if (f.value == "sandbox") {
        flags.insecure = false;
      } else if (f.value == "insecure") {
        if (!allow_insecure) {
          return At(ins, "RUN --security=insecure runs the step with every capability and no seccomp filter; "
                         "it needs `hoist build --allow security.insecure`");
        }
        flags.insecure = true;
      } else {
        return At(ins, "RUN --security must be sandbox or insecure, got \"" + f.value + "\"");
      }
    } else if (f.name == "mount") {
      flags.mounts.push_back(f.value);
    } else {
      return At(ins, "RUN --" + f.name + " is not supported");
    }
  }
  return flags;
}

Status ExecuteRun(const dockerfile::Instruction& ins, const std::string& rootfs, const RunCommand& command,
                  std::FILE* output, bool quiet, const std::string& scratch_dir, int plain_vertex) {
  container::SandboxOptions sandbox;
  sandbox.rootfs = rootfs;
  sandbox.argv = command.argv;
  sandbox.env = command.env;
  sandbox.working_dir = command.working_dir.empty() ? "/" : command.working_dir;
  sandbox.user = command.user;
  sandbox.network = command.network;
  sandbox.null_stdin = true;
  sandbox.privileged = command.insecure;
  sandbox.mounts = command.mounts;

  // -q: the output goes to a file, shown only if the command fails.
  const std::string log_path = scratch_dir + "/run-output.log";
  container::UniqueFd log;
  if (quiet) {
    log.Reset(::open(log_path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!log.valid()) return ErrnoError("create " + log_path, errno);
  }
  std::fflush(output);
  std::optional<PrefixedOutput> prefixed;
  if (!quiet && plain_vertex > 0) {
    auto started = PrefixedOutput::Start(plain_vertex, ::fileno(output));
    if (!started.ok()) return std::move(started).error().WithContext(ins.location.ToString() + ": RUN");
    prefixed.emplace(std::move(started).value());
  }
  Result<int> code = [&]() {
    RedirectOutput redirect(quiet ? log.get() : prefixed ? prefixed->input_fd() : ::fileno(output));
    return container::RunInSandbox(sandbox);
  }();
  if (prefixed) prefixed->Finish();  // every line shown before the step's outcome
  if (!code.ok()) return std::move(code).error().WithContext(ins.location.ToString() + ": RUN");
  if (*code == 0) return Ok();
  if (container::SandboxInterrupted()) {
    // Ctrl-C: exit 130 (kCancelled), as the build's --help documents, not a failed RUN.
    return Error(ErrorCode::kCancelled, ins.location.ToString() + ": RUN " + Quoted(command.argv) +
                                            " interrupted (Ctrl-C); nothing was tagged");
  }
  if (quiet) {
    auto text = ReadFileToString(log_path, 64 * 1024);
    if (text.ok()) std::fprintf(output, "%s", text->c_str());
  }
  std::string message = "RUN ";
  message += Quoted(command.argv);
  message += " failed with exit code " + std::to_string(*code);
  std::string text = ins.location.ToString();
  text += ": ";
  text += message;
  return InvalidArgument(std::move(text));
}

}  // namespace hoist::builder
