#pragma once
// The subset of Go's text/template that docker users write in `--format`, evaluated over the JSON
// object a row (or an inspect document) would print as:
//
//   text                      copied as is
//   {{.}} {{.A.B}}            the value (strings as is, numbers, true/false, [a b] for arrays,
//                             map[k:v] for objects, <no value> for a missing or null one)
//   {{json .X}}               compact JSON        {{join .X ","}}   an array's elements joined
//   {{index .X "key"}}        a map's value ("" when missing) or an array's element by number
//   {{upper .X}} {{lower .X}} {{title .X}} {{split .X ","}} {{len .X}} {{truncate .X 10}}
//   {{pad .X 1 2}}            spaces before and after
//   {{.X | json}}             pipelines: the value is the last argument of the next function
//   {{if P}}…{{else}}…{{end}} {{with P}}…{{end}} {{range P}}…{{else}}…{{end}} (dot = the element;
//                             a map's values in key order)
//   eq ne not and or          for conditions          {{/* comment */}}  {{- and -}} trim spaces
//
// Anything else (variables, parentheses, printf, define/template/block, else if) is refused when the
// template is parsed, with an error naming the construct. Errors are kInvalidArgument: the caller
// reports them as usage errors.

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::tools {

// Limits on what a user's template can cost (each named in its error message).
inline constexpr size_t kMaxTemplateSize = 64 * 1024;          // bytes of template text
inline constexpr size_t kMaxTemplateNesting = 32;              // if/with/range blocks inside each other
inline constexpr size_t kMaxTemplateOutput = 16 * 1024 * 1024;  // bytes one execution may produce
inline constexpr size_t kMaxTemplateSteps = 1'000'000;         // nodes one execution may evaluate

struct TemplateOptions {
  // A field the top-level object lacks is an error (rows all have the same fields, so a typo would
  // otherwise print <no value> on every line). Inspect documents vary and are not strict.
  bool strict_fields = false;
  // docker's header rendering for `table`: functions return their first argument unchanged, so
  // {{json .Size}} heads its column with SIZE.
  bool header = false;
};

class GoTemplate {
 public:
  static Result<GoTemplate> Parse(std::string_view text);
  Result<std::string> Execute(const nlohmann::json& dot, const TemplateOptions& options = {}) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

}  // namespace hoist::tools
