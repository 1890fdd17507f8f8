#include "tools/command.h"

namespace hoist::tools {

// Each command lives in its own cmd_<verb>.cc.
const CommandSpec& VersionCommand();
const CommandSpec& ReferenceCommand();
const CommandSpec& LoginCommand();
const CommandSpec& LogoutCommand();
const CommandSpec& TagsCommand();
const CommandSpec& CatalogCommand();
const CommandSpec& InspectCommand();
const CommandSpec& DeleteCommand();

const std::vector<const CommandSpec*>& AllCommands() {
  static const std::vector<const CommandSpec*> all = {
      &LoginCommand(),
      &LogoutCommand(),
      &InspectCommand(),
      &TagsCommand(),
      &CatalogCommand(),
      &DeleteCommand(),
      &ReferenceCommand(),
      &VersionCommand(),
  };
  return all;
}

const CommandSpec* FindCommand(const std::string& name) {
  for (const CommandSpec* c : AllCommands()) {
    if (name == c->name) return c;
    for (const auto& a : c->aliases) {
      if (name == a) return c;
    }
  }
  return nullptr;
}

}  // namespace hoist::tools
