#include "tools/command.h"

namespace hoist::tools {

// Each command lives in its own cmd_<verb>.cc.
const CommandSpec& VersionCommand();
const CommandSpec& ReferenceCommand();
const CommandSpec& LoginCommand();
const CommandSpec& LogoutCommand();
const CommandSpec& TagsCommand();
const CommandSpec& CatalogCommand();
const CommandSpec& SearchCommand();
const CommandSpec& InspectCommand();
const CommandSpec& ImagesCommand();
const CommandSpec& TagCommand();
const CommandSpec& RmiCommand();
const CommandSpec& HistoryCommand();
const CommandSpec& PruneCommand();
const CommandSpec& FsckCommand();
const CommandSpec& DeleteCommand();
const CommandSpec& PullCommand();
const CommandSpec& PushCommand();
const CommandSpec& CopyCommand();
const CommandSpec& SaveCommand();
const CommandSpec& LoadCommand();
const CommandSpec& ImportCommand();
const CommandSpec& ExportCommand();
const CommandSpec& KeyCommand();
const CommandSpec& MirrorCommand();
const CommandSpec& SignCommand();
const CommandSpec& VerifyCommand();
const CommandSpec& RunCommand();
const CommandSpec& PsCommand();
const CommandSpec& CommitCommand();
const CommandSpec& RmCommand();
const CommandSpec& UnpackCommand();
const CommandSpec& LogsCommand();
const CommandSpec& StopCommand();
const CommandSpec& StartCommand();
const CommandSpec& KillCommand();
const CommandSpec& WaitCommand();
const CommandSpec& ExecCommand();
const CommandSpec& DiffCommand();
const CommandSpec& BuildCommand();
const CommandSpec& MutateCommand();
const CommandSpec& AppendCommand();
const CommandSpec& FlattenCommand();
const CommandSpec& RebaseCommand();
const CommandSpec& ServeCommand();

const std::vector<const CommandSpec*>& AllCommands() {
  static const std::vector<const CommandSpec*> all = {
      &PullCommand(),
      &PushCommand(),
      &CopyCommand(),
      &SaveCommand(),
      &LoadCommand(),
      &ImportCommand(),
      &ExportCommand(),
      &LoginCommand(),
      &LogoutCommand(),
      &ImagesCommand(),
      &TagCommand(),
      &RmiCommand(),
      &InspectCommand(),
      &HistoryCommand(),
      &PruneCommand(),
      &FsckCommand(),
      &TagsCommand(),
      &CatalogCommand(),
      &SearchCommand(),
      &DeleteCommand(),
      &RunCommand(),
      &PsCommand(),
      &CommitCommand(),
      &RmCommand(),
      &LogsCommand(),
      &StopCommand(),
      &StartCommand(),
      &KillCommand(),
      &WaitCommand(),
      &ExecCommand(),
      &DiffCommand(),
      &UnpackCommand(),
      &BuildCommand(),
      &MutateCommand(),
      &AppendCommand(),
      &FlattenCommand(),
      &RebaseCommand(),
      &SignCommand(),
      &VerifyCommand(),
      &KeyCommand(),
      &MirrorCommand(),
      &ServeCommand(),
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
