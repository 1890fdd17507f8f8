// The hoist binary over a corpus of bad command lines (issue 17): whatever the arguments, hoist exits
// with a documented code (never a signal), and an error is exactly one line on stderr.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/run_command.h"
#include "support/temp_dir.h"

using hoist::testing::CommandResult;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;

namespace {

// README's and `hoist --help`'s exit codes (130 is Ctrl-C, which no test line sends).
const std::set<int> kDocumentedExitCodes = {0, 1, 2, 3, 4, 5, 6};

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

std::string Show(const std::vector<std::string>& args) {
  std::string out = "hoist";
  for (const auto& a : args) out += " [" + a + "]";
  return out;
}

// The command names `hoist --help` lists ("  name, alias   summary" lines under "Management
// commands:" and "Commands:").
std::vector<std::string> CommandNames() {
  CommandResult help = RunHoist({"--help"});
  REQUIRE(help.exit_code == 0);
  std::vector<std::string> names;
  for (const std::string section : {"Management commands:\n", "\nCommands:\n"}) {
    size_t at = help.out.find(section);
    REQUIRE(at != std::string::npos);
    size_t pos = at + section.size();
    while (pos < help.out.size() && help.out.compare(pos, 2, "  ") == 0) {
      size_t end = help.out.find('\n', pos);
      std::string line = help.out.substr(pos + 2, end - pos - 2);
      names.push_back(line.substr(0, line.find_first_of(", ")));
      pos = end + 1;
    }
  }
  REQUIRE(names.size() > 23);
  return names;
}

// Runs one bad line in an empty store with no credentials and nothing on stdin, and checks it.
void Check(const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> env = {"HOIST_STORE=" + dir / "store", "DOCKER_CONFIG=" + dir / "docker",
                                  "REGISTRY_AUTH_FILE=" + dir / "auth.json", "XDG_RUNTIME_DIR=" + dir / "run",
                                  "HOME=" + dir.path(), "HOIST_CONTENT_TRUST="};
  CommandResult r = RunHoist(args, env, "");
  INFO(Show(args) << "\nexit " << r.exit_code << "\nstderr: " << r.err);
  CHECK(r.exit_code < 128);  // 128 + N: killed by signal N
  CHECK(kDocumentedExitCodes.count(r.exit_code) == 1);
  if (r.exit_code != 0) {
    // rm, rmi, stop, start, kill and wait, as docker, report each operand that failed on its own line.
    static const std::set<std::string> kPerOperand = {"rm", "rmi", "stop", "start", "kill", "wait"};
    const bool per_operand = !args.empty() && kPerOperand.count(args[0]) == 1;
    if (per_operand) CHECK(Lines(r.err) <= std::max<size_t>(1, args.size() - 1));
    else CHECK(Lines(r.err) == 1);
    CHECK(r.err.rfind("hoist: ", 0) == 0);
  }
}

}  // namespace

TEST_CASE("every command's --help exits 0 with its help on stdout and nothing on stderr") {
  for (const auto& name : CommandNames()) {
    for (std::vector<std::string> args : {std::vector<std::string>{name, "--help"}, {"help", name}, {name, "-h"}}) {
      CommandResult r = RunHoist(args);
      INFO(Show(args) << ": " << r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.err.empty());
      CHECK_THAT(r.out, Catch::Contains("hoist " + name));
    }
  }
}

TEST_CASE("bad global command lines exit 2 with one line on stderr") {
  TempDir dir;
  const std::vector<std::vector<std::string>> lines = {
      {""},
      {"\xff\xfe"},
      {"no-such-command"},
      {"--store"},
      {"--progress"},
      {"--format"},
      {"--format", "yaml", "images"},
      {"--progress", "sideways", "images"},
      {"--no-such-flag"},
      {"help", "no-such-command"},
      {"help", "\xff"},
      {"-"},
      {"--"},
      {"---"},
      {"--store=", "images", "--format="},
      {"images", "--no-such-flag=1"},
      {"images", "--store"},
      {"--store", "", "images"},
      {"images", "--format", "\xff"},
      {"images", "", ""},
  };
  for (const auto& args : lines) Check(args, dir);
}

namespace {

// The corpus below for every command whose name starts with a letter in [first, last]: split in
// three test cases so that CTest runs them side by side (under ASan each line costs ~0.4 s).
void SurvivesBadLines(char first, char last) {
  TempDir dir;
  for (const auto& name : CommandNames()) {
    if (name == "help" || name.empty() || name[0] < first || name[0] > last) continue;
    const std::vector<std::vector<std::string>> lines = {
        // Global flags after the verb are parsed once for all commands: the global test has them.
        {name, "--no-such-flag"},
        {name, "-Z"},
        {name, ""},
        {name, "\xff"},
        {name, "\xc0\xaf", "\xed\xa0\x80"},
        {name, "docker://\xff/x"},
        {name, "--format"},
        {name, "--", "--help"},
        {name, std::string(10000, 'a')},
        {name, "-" + std::string(300, 'x')},
    };
    for (const auto& args : lines) {
      // serve with a directory operand serves it until stopped, as it should: only its bad flags here.
      const bool would_serve = name == "serve" && std::any_of(args.begin() + 1, args.end(), [](const std::string& a) {
                                 return !a.empty() && a[0] != '-' && a.size() < 1000;
                               });
      if (would_serve || (name == "serve" && args.size() == 3 && args[1] == "--")) continue;
      Check(args, dir);
    }
  }
}

}  // namespace

TEST_CASE("every command a-f survives unknown flags, missing values, empty and invalid UTF-8 operands") {
  SurvivesBadLines('a', 'f');
}

TEST_CASE("every command g-q survives unknown flags, missing values, empty and invalid UTF-8 operands") {
  SurvivesBadLines('g', 'q');
}

TEST_CASE("every command r-z survives unknown flags, missing values, empty and invalid UTF-8 operands") {
  SurvivesBadLines('r', 'z');
}

TEST_CASE("numeric flags refuse huge, negative and non-numeric values with a usage error") {
  TempDir dir;
  const std::vector<std::vector<std::string>> lines = {
      {"pull", "--jobs", "99999999999999999999", "x"},
      {"pull", "--jobs", "-1", "x"},
      {"pull", "--jobs", "1e9", "x"},
      {"pull", "--jobs", "", "x"},
      {"pull", "--jobs", "\xff", "x"},
      {"copy", "--jobs", "99999999999999999999", "a", "b"},
      {"mirror", "--jobs", "-5", "plan.yaml"},
      {"tags", "--page-size", "99999999999999999999", "docker://127.0.0.1:9/x"},
      {"tags", "--page-size", "-1", "docker://127.0.0.1:9/x"},
      {"catalog", "--page-size", "0x10", "docker://127.0.0.1:9"},
  };
  for (const auto& args : lines) {
    Check(args, dir);
    CommandResult r = RunHoist(args, {"HOIST_STORE=" + dir / "store"});
    INFO(Show(args) << ": " << r.err);
    CHECK(r.exit_code == 2);
  }
}

TEST_CASE("flags in odd places: after operands, repeated, before the verb") {
  TempDir dir;
  const std::vector<std::vector<std::string>> lines = {
      {"images", "--format", "json", "--format", "text"},
      {"images", "extra-operand"},
      {"--format", "json", "images", "--quiet"},
      {"rmi", "x", "--force", "--force"},
      {"tag", "a", "--", "b"},
      {"tag"},
      {"tag", "a"},
      {"tag", "a", "b", "c"},
      {"pull"},
      {"push"},
      {"copy", "only-one"},
      {"login", "-u"},
      {"login", "--password-stdin"},
      {"run"},
      {"run", "--rm"},
      {"inspect"},
      {"save"},
      {"load", "-i"},
      {"export"},
      {"build", "--file"},
      {"key"},
      {"key", "generate", "--output-key-prefix"},
      {"sign"},
      {"verify"},
      {"mirror"},
      {"unpack"},
  };
  for (const auto& args : lines) Check(args, dir);
}
