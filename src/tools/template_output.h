#pragma once
// --format with a Go template for listing commands (images, ps, history, system df) and inspect, as
// docker's formatter does it: `table` prints a header row (the template evaluated over the header
// names) and aligns columns like Go's tabwriter; the literal two-character sequences \t and \n become
// a tab and a newline; each row is followed by a newline.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "tools/go_template.h"

namespace hoist::tools {

// Whether --format's value is a template rather than a format name: it has an action ("{{") or
// starts with "table ".
bool IsTemplateFormat(const std::string& format);

class TemplatePrinter {
 public:
  // Template errors are usage errors naming the unsupported construct.
  static Result<TemplatePrinter> Parse(const std::string& format);

  // `headers` maps each field of a row to its column header (docker's: .ID → "IMAGE ID").
  // strict: a field the rows lack is an error (the rows all have the same fields).
  Status Print(const std::vector<nlohmann::json>& rows, const nlohmann::json& headers, std::ostream& out,
               bool strict = true) const;

 private:
  GoTemplate template_;
  bool table_ = false;
};

// Go's text/tabwriter with docker's settings (minwidth 10, tabwidth 1, padding 3, spaces): cells end
// at a tab; each column of a block of consecutive lines is as wide as its widest cell plus 3.
std::string TabWrite(const std::string& text);

}  // namespace hoist::tools
