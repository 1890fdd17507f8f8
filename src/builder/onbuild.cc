#include "builder/onbuild.h"

namespace hoist::builder {

Result<dockerfile::Instruction> ParseOnbuildTrigger(const std::string& trigger, const std::string& where, int n) {
  const std::string name = where + " trigger " + std::to_string(n);
  // The parser wants a FROM first; the trigger is then line 2 of this little file.
  auto parsed = dockerfile::Parse("FROM scratch\n" + trigger + "\n", name);
  if (!parsed.ok()) return std::move(parsed).error();
  if (parsed->stages.size() != 1 || parsed->stages[0].instructions.size() != 1) {
    return ParseError(name + ": \"" + trigger + "\" is not one instruction");
  }
  dockerfile::Instruction ins = std::move(parsed->stages[0].instructions[0]);
  if (ins.keyword == "ONBUILD" || ins.keyword == "MAINTAINER") {
    return ParseError(name + ": " + ins.keyword + " isn't allowed as an ONBUILD trigger");
  }
  ins.location = dockerfile::Location{name, 1, ins.location.column};
  return ins;
}

}  // namespace hoist::builder
