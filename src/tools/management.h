#pragma once
// docker's management forms: `hoist image ls` is `hoist images`, `hoist container rm` is `hoist rm`,
// `hoist system df` … Each subcommand names the CommandSpec it runs and, for inspect and export, the
// kind of object its operand names. Also the "did you mean" suggestion for a mistyped command.

#include <string>
#include <vector>

#include "tools/command.h"

namespace hoist::tools {

struct Subcommand {
  const char* name;
  const CommandSpec& (*spec)();
  const char* object_type;  // CommandContext::object_type: "", "image" or "container"
};

struct CommandGroup {
  const char* name;
  const char* summary;
  std::vector<Subcommand> subcommands;
};

const std::vector<CommandGroup>& CommandGroups();
const CommandGroup* FindGroup(const std::string& name);
const Subcommand* FindSubcommand(const CommandGroup& group, const std::string& name);

// `hoist image --help`: the group's subcommands and what each runs.
void PrintGroupHelp(const CommandGroup& group, std::ostream& out);

// The candidate nearest to what was typed, docker-like (cobra: Levenshtein distance at most 2, or
// the candidate starts with what was typed); "" when none is near.
std::string Suggest(const std::string& typed, const std::vector<std::string>& candidates);

// "unknown command "X"" plus ": did you mean "Y"?" when Suggest finds one.
Error UnknownCommand(const std::string& typed, const std::vector<std::string>& candidates,
                     const std::string& where = "");

}  // namespace hoist::tools
