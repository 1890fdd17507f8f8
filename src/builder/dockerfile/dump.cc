#include "builder/dockerfile/dump.h"

namespace hoist::builder::dockerfile {

std::string DumpQuoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += "\\x";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string DumpInstruction(const Instruction& ins) {
  std::string out = "@" + std::to_string(ins.location.line) + " " + ins.keyword;
  for (const Flag& flag : ins.flags) out += " --" + flag.name + "=" + DumpQuoted(flag.value);
  if (ins.exec_form) {
    out += " exec[";
    for (size_t i = 0; i < ins.exec_args.size(); ++i) {
      if (i > 0) out += ',';
      out += DumpQuoted(ins.exec_args[i]);
    }
    out += ']';
  } else {
    out += " " + DumpQuoted(ins.text);
  }
  for (const Heredoc& doc : ins.heredocs) {
    out += " heredoc(" + doc.name + (doc.expand ? ",expand" : ",raw") + (doc.strip_tabs ? ",chomp" : "") + ")=";
    out += DumpQuoted(doc.content);
  }
  return out;
}

std::string Dump(const Dockerfile& file) {
  std::string out;
  if (!file.syntax.empty()) out += "# syntax=" + file.syntax + "\n";
  if (file.escape != '\\') out += std::string("# escape=") + file.escape + "\n";
  for (const Instruction& ins : file.global_args) out += DumpInstruction(ins) + "\n";
  for (const Stage& stage : file.stages) {
    out += "@" + std::to_string(stage.location.line) + " FROM " + DumpQuoted(stage.base);
    if (!stage.name.empty()) out += " AS " + DumpQuoted(stage.name);
    if (!stage.platform.empty()) out += " --platform=" + DumpQuoted(stage.platform);
    out += "\n";
    for (const Instruction& ins : stage.instructions) out += DumpInstruction(ins) + "\n";
  }
  return out;
}

}  // namespace hoist::builder::dockerfile
