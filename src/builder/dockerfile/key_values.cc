// ExpandKeyValues (expand.h): the arguments of ENV, LABEL and ARG. Every value is expanded with the
// variables as they were before the instruction, as docker does (`ENV a=1 b=$a` sees the old a).
#include "builder/dockerfile/expand.h"
#include "builder/dockerfile/words.h"

namespace hoist::builder::dockerfile {
namespace {

Error At(const Instruction& ins, const std::string& message) {
  std::string m = ins.location.ToString();
  if (!m.empty()) m += ": ";
  m += message;
  return ParseError(std::move(m));
}

// The values of one instruction, held to kMaxVariableStateBytes as they are expanded.
Status CheckTotal(const Instruction& ins, size_t* total, const KeyValue& pair) {
  *total += pair.key.size() + (pair.value ? pair.value->size() : 0);
  if (*total <= kMaxVariableStateBytes) return Ok();
  return TooLarge(ins.location.ToString() + ": " + ins.keyword + " expands to more than " +
                  std::to_string(kMaxVariableStateBytes) + " bytes (kMaxVariableStateBytes)");
}

}  // namespace

Result<std::vector<KeyValue>> ExpandKeyValues(const Instruction& instruction, const VariableLookup& lookup,
                                              char escape) {
  const std::string& k = instruction.keyword;
  const bool is_arg = k == "ARG";
  std::vector<std::string> words = SplitKeepingQuotes(instruction.text, escape);
  if (words.empty()) return At(instruction, k + " requires at least one argument");
  std::vector<KeyValue> pairs;
  size_t total = 0;

  if (!is_arg && FindUnquotedEquals(words[0], escape) == std::string::npos) {
    // Legacy `ENV name value with spaces`: the first word is the name, the rest one value.
    std::string_view text = TrimBlanks(instruction.text);
    size_t name_end = 0;
    while (name_end < text.size() && !IsBlank(text[name_end])) ++name_end;
    std::string_view rest = TrimLeftBlanks(text.substr(name_end));
    if (rest.empty()) {
      return At(instruction, k + " must have two arguments: " + k + " name=value (or " + k + " name value)");
    }
    KeyValue pair;
    HOIST_TRY_ASSIGN(pair.key, ExpandWord(text.substr(0, name_end), lookup, escape, instruction.location));
    HOIST_TRY_ASSIGN(std::string value, ExpandWord(rest, lookup, escape, instruction.location));
    pair.value = std::move(value);
    if (pair.key.empty()) return At(instruction, k + " names can not be blank");
    pairs.push_back(std::move(pair));
    return pairs;
  }

  for (const std::string& word : words) {
    size_t eq = FindUnquotedEquals(word, escape);
    KeyValue pair;
    if (eq == std::string::npos) {
      if (!is_arg) {
        return At(instruction, "syntax error: can't find = in \"" + word + "\"; must be of the form name=value");
      }
      pair.key = word;  // `ARG name`: declared, no default
    } else {
      std::string_view name = std::string_view(word).substr(0, eq);
      if (is_arg) {
        pair.key = std::string(name);  // docker does not expand ARG names
      } else {
        HOIST_TRY_ASSIGN(pair.key, ExpandWord(name, lookup, escape, instruction.location));
      }
      HOIST_TRY_ASSIGN(std::string value,
                       ExpandWord(std::string_view(word).substr(eq + 1), lookup, escape, instruction.location));
      pair.value = std::move(value);
    }
    if (pair.key.empty()) return At(instruction, k + " names can not be blank");
    HOIST_TRY(CheckTotal(instruction, &total, pair));
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

}  // namespace hoist::builder::dockerfile
