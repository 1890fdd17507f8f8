#include "tools/management.h"

#include <algorithm>
#include <cctype>
#include <ostream>

#include "core/ascii.h"

namespace hoist::tools {

const CommandSpec& ImagesCommand();
const CommandSpec& RmiCommand();
const CommandSpec& PruneCommand();
const CommandSpec& InspectCommand();
const CommandSpec& HistoryCommand();
const CommandSpec& TagCommand();
const CommandSpec& SaveCommand();
const CommandSpec& LoadCommand();
const CommandSpec& ImportCommand();
const CommandSpec& PullCommand();
const CommandSpec& PushCommand();
const CommandSpec& BuildCommand();
const CommandSpec& PsCommand();
const CommandSpec& RmCommand();
const CommandSpec& CommitCommand();
const CommandSpec& ExportCommand();
const CommandSpec& RunCommand();
const CommandSpec& LogsCommand();
const CommandSpec& StopCommand();
const CommandSpec& StartCommand();
const CommandSpec& KillCommand();
const CommandSpec& WaitCommand();
const CommandSpec& ExecCommand();
const CommandSpec& DiffCommand();
const CommandSpec& VolumeCreateCommand();
const CommandSpec& VolumeLsCommand();
const CommandSpec& VolumeRmCommand();
const CommandSpec& VolumeInspectCommand();
const CommandSpec& SystemDfCommand();
const CommandSpec& SystemPruneCommand();
const CommandSpec& SystemInfoCommand();
const CommandSpec& IndexCreateCommand();
const CommandSpec& IndexAppendCommand();
const CommandSpec& ManifestCreateCommand();
const CommandSpec& ManifestAddCommand();
const CommandSpec& ManifestRemoveCommand();
const CommandSpec& ManifestAnnotateCommand();
const CommandSpec& ManifestInspectCommand();
const CommandSpec& ManifestPushCommand();

namespace {

constexpr size_t kMaxSuggestDistance = 2;  // cobra's SuggestionsMinimumDistance
constexpr size_t kMaxSuggestLength = 64;   // longer words are not compared (the distance is quadratic)

size_t Levenshtein(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

const std::vector<CommandGroup>& CommandGroups() {
  static const std::vector<CommandGroup> groups = {
      {"image",
       "Manage images in the local store",
       {{"ls", ImagesCommand, ""},
        {"rm", RmiCommand, ""},
        {"prune", PruneCommand, ""},
        {"inspect", InspectCommand, "image"},
        {"history", HistoryCommand, ""},
        {"tag", TagCommand, ""},
        {"save", SaveCommand, ""},
        {"load", LoadCommand, ""},
        {"import", ImportCommand, ""},
        {"pull", PullCommand, ""},
        {"push", PushCommand, ""},
        {"build", BuildCommand, ""}}},
      {"container",
       "Manage working containers",
       {{"ls", PsCommand, ""},
        {"rm", RmCommand, ""},
        {"commit", CommitCommand, ""},
        {"export", ExportCommand, "container"},
        {"inspect", InspectCommand, "container"},
        {"run", RunCommand, ""},
        {"logs", LogsCommand, ""},
        {"stop", StopCommand, ""},
        {"start", StartCommand, ""},
        {"kill", KillCommand, ""},
        {"wait", WaitCommand, ""},
        {"exec", ExecCommand, ""},
        {"diff", DiffCommand, ""}}},
      {"volume",
       "Manage named volumes",
       {{"create", VolumeCreateCommand, ""},
        {"ls", VolumeLsCommand, ""},
        {"rm", VolumeRmCommand, ""},
        {"inspect", VolumeInspectCommand, ""}}},
      {"system",
       "Disk usage, cleanup and facts about the local store",
       {{"df", SystemDfCommand, ""}, {"prune", SystemPruneCommand, ""}, {"info", SystemInfoCommand, ""}}},
      {"index",
       "Build multi-platform indexes (OCI image index, Docker manifest list) at a location",
       {{"create", IndexCreateCommand, ""}, {"append", IndexAppendCommand, ""}}},
      {"manifest",
       "Put a manifest list together and push it (docker manifest)",
       {{"create", ManifestCreateCommand, ""},
        {"add", ManifestAddCommand, ""},
        {"remove", ManifestRemoveCommand, ""},
        {"annotate", ManifestAnnotateCommand, ""},
        {"inspect", ManifestInspectCommand, ""},
        {"push", ManifestPushCommand, ""}}},
  };
  return groups;
}

const CommandGroup* FindGroup(const std::string& name) {
  for (const auto& g : CommandGroups()) {
    if (name == g.name) return &g;
  }
  return nullptr;
}

const Subcommand* FindSubcommand(const CommandGroup& group, const std::string& name) {
  for (const auto& s : group.subcommands) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

void PrintGroupHelp(const CommandGroup& group, std::ostream& out) {
  out << "Usage: hoist " << group.name << " COMMAND [FLAGS] [ARGS]\n\n" << group.summary << "\n\nCommands:\n";
  for (const auto& s : group.subcommands) {
    const CommandSpec& c = s.spec();
    std::string name = s.name;
    // Group commands ("system df", "volume ls", "index create") have no short form.
    const std::string gname = group.name;
    std::string same = gname == "system" || gname == "volume" || std::string(c.name).find(' ') != std::string::npos
                           ? ""
                           : std::string(" (hoist ") + c.name + ")";
    out << "  " << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << c.summary << same << "\n";
  }
  out << "\nRun 'hoist " << group.name << " COMMAND --help' for a command's flags and examples.\n";
}

std::string Suggest(const std::string& typed, const std::vector<std::string>& candidates) {
  if (typed.empty() || typed.size() > kMaxSuggestLength) return "";
  const std::string t = AsciiLower(typed);
  std::string best;
  size_t best_distance = kMaxSuggestDistance + 1;
  for (const auto& c : candidates) {
    if (c.size() > kMaxSuggestLength) continue;
    const std::string lc = AsciiLower(c);
    size_t d = Levenshtein(t, lc);
    if (lc.rfind(t, 0) == 0) d = std::min<size_t>(d, 1);  // a prefix: "hoist imag" → image
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

Error UnknownCommand(const std::string& typed, const std::vector<std::string>& candidates, const std::string& where) {
  std::string message = "unknown " + (where.empty() ? std::string() : where + " ") + "command \"" + typed + "\"";
  std::string near = Suggest(typed, candidates);
  if (!near.empty()) message += ": did you mean \"" + near + "\"?";
  return UsageError(std::move(message));
}

}  // namespace hoist::tools
