// Parse(): logical lines → instructions → stages (dockerfile.h).
#include <cctype>
#include <string>

#include "builder/dockerfile/dockerfile.h"
#include "builder/dockerfile/instruction.h"
#include "builder/dockerfile/lines.h"
#include "builder/dockerfile/words.h"
#include "core/ascii.h"

namespace hoist::builder::dockerfile {
namespace {

constexpr size_t kMaxDockerfileBytes = 10 * 1024 * 1024;
constexpr size_t kMaxHeredocsPerInstruction = 64;

Error At(const Location& where, const std::string& message) {
  std::string m = where.ToString();
  m += ": ";
  m += message;
  return ParseError(std::move(m));
}

// Docker's stage-name rule: ^[a-z][a-z0-9-_.]*$ (after lower-casing).
bool IsValidStageName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status StartStage(Dockerfile& dockerfile, const Instruction& from) {
  std::vector<std::string> words = SplitOnBlanks(from.text);
  Stage stage;
  if (words.size() == 3 && AsciiLower(words[1]) == "as") {
    stage.name = AsciiLower(words[2]);
    if (!IsValidStageName(stage.name)) {
      return At(from.location, "invalid name for build stage: \"" + words[2] +
                                   "\", name can't start with a number or contain symbols");
    }
    for (const Stage& earlier : dockerfile.stages) {
      if (earlier.name == stage.name) {
        return At(from.location, "duplicate stage name \"" + stage.name + "\" (first used at " +
                                     earlier.location.ToString() + ")");
      }
    }
  } else if (words.size() != 1) {
    return At(from.location, "FROM requires either one or three arguments: FROM [--platform=PLATFORM] IMAGE [AS NAME]");
  }
  stage.base = words[0];
  stage.platform = from.FlagValue("platform").value_or("");
  stage.index = static_cast<int>(dockerfile.stages.size());
  stage.location = from.location;
  dockerfile.stages.push_back(std::move(stage));
  return Ok();
}

Status ReadHeredocs(LineReader& reader, const LogicalLine& line, Instruction& ins) {
  std::vector<Heredoc> docs = FindHeredocs(line.text);
  if (docs.size() > kMaxHeredocsPerInstruction) {
    return At(ins.location, "too many heredocs on one line (at most " +
                                std::to_string(kMaxHeredocsPerInstruction) + ")");
  }
  for (Heredoc& doc : docs) HOIST_TRY(reader.ReadHeredocBody(doc, ins.location));
  ins.heredocs = std::move(docs);
  return Ok();
}

}  // namespace

std::string Location::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::optional<std::string> Instruction::FlagValue(std::string_view name) const {
  std::optional<std::string> value;
  for (const Flag& flag : flags) {
    if (flag.name == name) value = flag.value;
  }
  return value;
}

Result<Dockerfile> Parse(std::string_view text, const std::string& file_name) {
  if (text.size() > kMaxDockerfileBytes) {
    return TooLarge(file_name + ": the Dockerfile is " + std::to_string(text.size()) + " bytes, over the limit of " +
                    std::to_string(kMaxDockerfileBytes));
  }
  LineReader reader(text, file_name);
  Dockerfile dockerfile;
  dockerfile.file = file_name;
  bool any_instruction = false;
  while (true) {
    HOIST_TRY_ASSIGN(std::optional<LogicalLine> line, reader.Next());
    if (!line) break;
    HOIST_TRY_ASSIGN(Instruction ins, ParseInstruction(*line, reader.directives().escape()));
    if (CanHaveHeredocs(ins)) HOIST_TRY(ReadHeredocs(reader, *line, ins));
    any_instruction = true;
    if (ins.keyword == "FROM") {
      HOIST_TRY(StartStage(dockerfile, ins));
    } else if (!dockerfile.stages.empty()) {
      dockerfile.stages.back().instructions.push_back(std::move(ins));
    } else if (ins.keyword == "ARG") {
      dockerfile.global_args.push_back(std::move(ins));
    } else {
      return At(ins.location, ins.keyword + " before the first FROM (only ARG may come before FROM)");
    }
  }
  dockerfile.syntax = reader.directives().syntax();
  dockerfile.escape = reader.directives().escape();
  if (!any_instruction) return ParseError(file_name + ": the file has no instructions");
  if (dockerfile.stages.empty()) return ParseError(file_name + ": no FROM instruction: nothing to build");
  return dockerfile;
}

}  // namespace hoist::builder::dockerfile
