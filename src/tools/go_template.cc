#include "tools/go_template.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

#include "core/terminal_text.h"

namespace hoist::tools {

using json = nlohmann::json;

// The parsed form. Not in an anonymous namespace: GoTemplate::Node holds these.
namespace template_detail {

enum class ArgKind { kField, kString, kNumber, kFunction };

struct Arg {
  ArgKind kind = ArgKind::kField;
  std::vector<std::string> path;  // kField: ".A.B" → {A, B}; "." → {}
  std::string text;               // kString: the value; kFunction: the name
  int64_t number = 0;
};

struct Command {
  std::vector<Arg> args;
};

struct Pipeline {
  std::vector<Command> commands;
};

}  // namespace template_detail

using template_detail::Arg;
using template_detail::ArgKind;
using template_detail::Command;
using template_detail::Pipeline;

struct GoTemplate::Node {
  enum class Kind { kList, kText, kAction, kIf, kWith, kRange } kind = Kind::kList;
  std::string text;
  Pipeline pipe;
  std::vector<std::shared_ptr<Node>> children;  // kList
  std::shared_ptr<Node> body, else_body;        // kIf, kWith, kRange
};

namespace {

using Node = GoTemplate::Node;

Error TemplateError(const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, "template: " + message);
}

Error UnsupportedConstruct(const std::string& construct) {
  return TemplateError("unsupported template construct " + construct +
                       " (hoist supports fields, json, join, index, upper, lower, title, split, len, truncate, "
                       "pad, eq, ne, not, and, or, if, with, range; see README)");
}

struct FunctionInfo {
  const char* name;
  size_t min_args, max_args;
};

constexpr FunctionInfo kFunctions[] = {
    {"json", 1, 1},  {"join", 2, 2},  {"index", 2, 2}, {"upper", 1, 1}, {"lower", 1, 1},
    {"title", 1, 1}, {"split", 2, 2}, {"len", 1, 1},   {"truncate", 2, 2}, {"pad", 3, 3},
    {"eq", 2, 2},    {"ne", 2, 2},    {"not", 1, 1},   {"and", 1, 8},   {"or", 1, 8},
};

const FunctionInfo* FindFunction(const std::string& name) {
  for (const auto& f : kFunctions) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

enum class TokKind { kArg, kIdent, kPipe };
struct Token {
  TokKind kind;
  Arg arg;  // kArg
  std::string ident;
};

// Splits the inside of one {{…}} into tokens.
Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (IsSpace(c)) {
      ++i;
    } else if (c == '|') {
      out.push_back({TokKind::kPipe, {}, {}});
      ++i;
    } else if (c == '.') {
      Arg a;
      ++i;
      if (i < s.size() && IsIdentStart(s[i])) {
        while (true) {
          size_t start = i;
          while (i < s.size() && IsIdentChar(s[i])) ++i;
          a.path.emplace_back(s.substr(start, i - start));
          if (i < s.size() && s[i] == '.') {
            ++i;
            if (i >= s.size() || !IsIdentStart(s[i])) return TemplateError("a field name must follow '.'");
            continue;
          }
          break;
        }
      }
      if (i < s.size() && !IsSpace(s[i]) && s[i] != '|') {
        if (s[i] == '(' || s[i] == ')') return UnsupportedConstruct("parentheses");
        return TemplateError(std::string("unexpected '") + s[i] + "' after a field");
      }
      out.push_back({TokKind::kArg, std::move(a), {}});
    } else if (c == '"' || c == '`') {
      Arg a;
      a.kind = ArgKind::kString;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char d = s[i++];
        if (d == c) {
          closed = true;
          break;
        }
        if (c == '"' && d == '\\') {
          if (i >= s.size()) break;
          char e = s[i++];
          switch (e) {
            case 'n': a.text += '\n'; break;
            case 't': a.text += '\t'; break;
            case 'r': a.text += '\r'; break;
            case '\\': a.text += '\\'; break;
            case '"': a.text += '"'; break;
            default: return TemplateError(std::string("unsupported escape \\") + e + " in a string");
          }
          continue;
        }
        a.text += d;
      }
      if (!closed) return TemplateError("unterminated string");
      out.push_back({TokKind::kArg, std::move(a), {}});
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t start = i++;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      Arg a;
      a.kind = ArgKind::kNumber;
      auto [ptr, ec] = std::from_chars(s.data() + start, s.data() + i, a.number);
      if (ec != std::errc() || ptr != s.data() + i) return TemplateError("number out of range");
      if (i < s.size() && !IsSpace(s[i]) && s[i] != '|') return UnsupportedConstruct("number \"" + std::string(s.substr(start, i - start + 1)) + "…\" (only integers)");
      out.push_back({TokKind::kArg, std::move(a), {}});
    } else if (IsIdentStart(c)) {
      size_t start = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      out.push_back({TokKind::kIdent, {}, std::string(s.substr(start, i - start))});
    } else if (c == '$') {
      return UnsupportedConstruct("variables ($…)");
    } else if (c == '(' || c == ')') {
      return UnsupportedConstruct("parentheses");
    } else if (c == ':' || c == '=') {
      return UnsupportedConstruct("variable declarations (:=)");
    } else {
      return TemplateError(std::string("unexpected character '") + c + "' in an action");
    }
  }
  return out;
}

Result<Pipeline> ParsePipeline(const std::vector<Token>& toks, size_t from) {
  Pipeline p;
  Command cur;
  auto finish = [&]() -> Status {
    if (cur.args.empty()) return TemplateError("missing command in a pipeline");
    const bool piped = !p.commands.empty();
    const Arg& first = cur.args[0];
    if (first.kind == ArgKind::kFunction) {
      const FunctionInfo* f = FindFunction(first.text);
      size_t n = cur.args.size() - 1 + (piped ? 1 : 0);
      if (n < f->min_args || n > f->max_args) {
        return TemplateError("wrong number of arguments for " + first.text + ": " + std::to_string(n) +
                             (f->min_args == f->max_args ? " given, it takes " + std::to_string(f->min_args)
                                                         : " given"));
      }
    } else if (piped) {
      return TemplateError("only a function can follow '|'");
    } else if (cur.args.size() > 1) {
      return TemplateError("a field or constant takes no arguments (is a function name missing?)");
    }
    for (size_t k = 1; k < cur.args.size(); ++k) {
      if (cur.args[k].kind == ArgKind::kFunction) {
        return UnsupportedConstruct("\"" + cur.args[k].text + "\" as an argument (use a pipeline: .X | " +
                           cur.args[k].text + ")");
      }
    }
    p.commands.push_back(std::move(cur));
    cur = Command{};
    return Ok();
  };
  for (size_t i = from; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind == TokKind::kPipe) {
      HOIST_TRY(finish());
      continue;
    }
    if (t.kind == TokKind::kArg) {
      cur.args.push_back(t.arg);
      continue;
    }
    static const char* const kKeywords[] = {"if", "else", "end", "range", "with"};
    for (const char* k : kKeywords) {
      if (t.ident == k) return TemplateError("\"" + t.ident + "\" cannot appear inside a pipeline");
    }
    if (!FindFunction(t.ident)) return UnsupportedConstruct("function \"" + t.ident + "\"");
    Arg a;
    a.kind = ArgKind::kFunction;
    a.text = t.ident;
    cur.args.push_back(std::move(a));
  }
  HOIST_TRY(finish());
  return p;
}

// One lexed item: text between actions, or an action's inside.
struct Item {
  bool action;
  std::string text;
};

Result<std::vector<Item>> Lex(std::string_view t) {
  std::vector<Item> items;
  size_t i = 0;
  while (i < t.size()) {
    size_t open = t.find("{{", i);
    if (open == std::string_view::npos) {
      items.push_back({false, std::string(t.substr(i))});
      break;
    }
    if (open > i) items.push_back({false, std::string(t.substr(i, open - i))});
    size_t p = open + 2;
    if (p + 1 < t.size() && t[p] == '-' && IsSpace(t[p + 1])) {
      p += 2;
      if (!items.empty() && !items.back().action) {
        std::string& prev = items.back().text;
        while (!prev.empty() && IsSpace(prev.back())) prev.pop_back();
      }
    }
    size_t close = std::string_view::npos;
    char quote = 0;
    for (size_t q = p; q + 1 < t.size(); ++q) {
      char c = t[q];
      if (quote) {
        if (quote == '"' && c == '\\') ++q;
        else if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '`') quote = c;
      else if (c == '}' && t[q + 1] == '}') {
        close = q;
        break;
      }
    }
    if (close == std::string_view::npos) {
      return TemplateError("unclosed action: no \"}}\" after \"{{\" at offset " + std::to_string(open));
    }
    std::string_view inner = t.substr(p, close - p);
    bool trim_right = inner.size() >= 2 && inner.back() == '-' && IsSpace(inner[inner.size() - 2]);
    if (trim_right) inner.remove_suffix(1);
    i = close + 2;
    if (trim_right) {
      while (i < t.size() && IsSpace(t[i])) ++i;
    }
    size_t a = 0, b = inner.size();
    while (a < b && IsSpace(inner[a])) ++a;
    while (b > a && IsSpace(inner[b - 1])) --b;
    std::string_view body = inner.substr(a, b - a);
    if (body.size() >= 4 && body.substr(0, 2) == "/*" && body.substr(body.size() - 2) == "*/") continue;
    if (body.substr(0, 2) == "/*") return TemplateError("unclosed comment");
    items.push_back({true, std::string(inner)});
  }
  return items;
}

class Parser {
 public:
  explicit Parser(std::vector<Item> items) : items_(std::move(items)) {}

  Result<std::shared_ptr<Node>> Run() {
    std::string stop;
    HOIST_TRY_ASSIGN(auto root, ParseList(0, stop));
    if (!stop.empty()) return TemplateError("{{" + stop + "}} without a matching if, with or range");
    return root;
  }

 private:
  // Parses items until the end, or an {{end}} / {{else}} (named in `stop`).
  Result<std::shared_ptr<Node>> ParseList(size_t depth, std::string& stop) {
    auto list = std::make_shared<Node>();
    while (pos_ < items_.size()) {
      const Item& item = items_[pos_++];
      if (!item.action) {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::kText;
        n->text = item.text;
        list->children.push_back(std::move(n));
        continue;
      }
      HOIST_TRY_ASSIGN(auto toks, Tokenize(item.text));
      if (toks.empty()) return TemplateError("empty action {{}}");
      const std::string kw = toks[0].kind == TokKind::kIdent ? toks[0].ident : "";
      if (kw == "end" || kw == "else") {
        if (toks.size() > 1) {
          if (kw == "else" && toks[1].kind == TokKind::kIdent && (toks[1].ident == "if" || toks[1].ident == "with")) {
            return UnsupportedConstruct("{{else " + toks[1].ident + "}} (nest an {{if}} inside {{else}})");
          }
          return TemplateError("{{" + kw + "}} takes nothing after it");
        }
        stop = kw;
        return list;
      }
      if (kw == "define" || kw == "template" || kw == "block" || kw == "break" || kw == "continue") {
        return UnsupportedConstruct("{{" + kw + "}}");
      }
      if (kw == "if" || kw == "with" || kw == "range") {
        if (depth + 1 > kMaxTemplateNesting) {
          return TemplateError("blocks nest deeper than kMaxTemplateNesting (" + std::to_string(kMaxTemplateNesting) +
                               ")");
        }
        if (toks.size() < 2) return TemplateError("{{" + kw + "}} needs a value");
        auto n = std::make_shared<Node>();
        n->kind = kw == "if" ? Node::Kind::kIf : kw == "with" ? Node::Kind::kWith : Node::Kind::kRange;
        HOIST_TRY_ASSIGN(n->pipe, ParsePipeline(toks, 1));
        std::string inner_stop;
        HOIST_TRY_ASSIGN(n->body, ParseList(depth + 1, inner_stop));
        if (inner_stop == "else") {
          HOIST_TRY_ASSIGN(n->else_body, ParseList(depth + 1, inner_stop));
          if (inner_stop == "else") return TemplateError("a second {{else}} in one {{" + kw + "}}");
        }
        if (inner_stop != "end") return TemplateError("{{" + kw + "}} without {{end}}");
        list->children.push_back(std::move(n));
        continue;
      }
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kAction;
      HOIST_TRY_ASSIGN(n->pipe, ParsePipeline(toks, 0));
      list->children.push_back(std::move(n));
    }
    return list;
  }

  std::vector<Item> items_;
  size_t pos_ = 0;
};

// A value, and whether it is already safe to print on a terminal (literals, json and join output).
struct Val {
  json v;
  bool safe = false;
};

// Go's %v for a value decoded from JSON.
std::string Format(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "<no value>";
    case json::value_t::string: return v.get_ref<const std::string&>();
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer: return std::to_string(v.get<int64_t>());
    case json::value_t::number_unsigned: return std::to_string(v.get<uint64_t>());
    case json::value_t::number_float: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get<double>());
      return std::string(buf, r.ptr);
    }
    case json::value_t::array: {
      std::string s = "[";
      for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + Format(v[i]);
      return s + "]";
    }
    case json::value_t::object: {
      std::string s = "map[";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        s += (first ? "" : " ") + it.key() + ":" + Format(it.value());
        first = false;
      }
      return s + "]";
    }
    default: return "";
  }
}

bool Truthy(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return false;
    case json::value_t::boolean: return v.get<bool>();
    case json::value_t::number_integer: return v.get<int64_t>() != 0;
    case json::value_t::number_unsigned: return v.get<uint64_t>() != 0;
    case json::value_t::number_float: return v.get<double>() != 0;
    case json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object: return !v.empty();
    default: return false;
  }
}

std::string Printable(const Val& v) { return v.safe ? Format(v.v) : EscapeForTerminal(Format(v.v)); }

class Executor {
 public:
  explicit Executor(const TemplateOptions& options) : options_(options) {}

  Status Walk(const Node& n, const json& dot) {
    HOIST_TRY(Step());
    switch (n.kind) {
      case Node::Kind::kList:
        for (const auto& c : n.children) HOIST_TRY(Walk(*c, dot));
        return Ok();
      case Node::Kind::kText: return Emit(n.text);
      case Node::Kind::kAction: {
        HOIST_TRY_ASSIGN(Val v, EvalPipe(n.pipe, dot));
        return Emit(Printable(v));
      }
      case Node::Kind::kIf:
      case Node::Kind::kWith: {
        HOIST_TRY_ASSIGN(Val v, EvalPipe(n.pipe, dot));
        if (Truthy(v.v)) return Walk(*n.body, n.kind == Node::Kind::kWith ? v.v : dot);
        return n.else_body ? Walk(*n.else_body, dot) : Ok();
      }
      case Node::Kind::kRange: {
        HOIST_TRY_ASSIGN(Val v, EvalPipe(n.pipe, dot));
        if (v.v.is_array() || v.v.is_object()) {
          if (v.v.empty()) return n.else_body ? Walk(*n.else_body, dot) : Ok();
          for (const auto& e : v.v) HOIST_TRY(Walk(*n.body, e));  // objects: values in key order
          return Ok();
        }
        if (v.v.is_null() || options_.header) return n.else_body ? Walk(*n.else_body, dot) : Ok();
        return TemplateError("range can't iterate over " + Format(v.v));
      }
    }
    return Ok();
  }

  std::string Take() { return std::move(out_); }

 private:
  Status Step() {
    if (++steps_ > kMaxTemplateSteps) {
      return Error(ErrorCode::kTooLarge, "template: evaluation takes more than kMaxTemplateSteps (" +
                                             std::to_string(kMaxTemplateSteps) + ") steps");
    }
    return Ok();
  }

  static Error OutputTooLarge() {
    return Error(ErrorCode::kTooLarge, "template: output is larger than kMaxTemplateOutput (" +
                                           std::to_string(kMaxTemplateOutput) + " bytes)");
  }

  Status Emit(const std::string& s) {
    if (out_.size() + s.size() > kMaxTemplateOutput) return OutputTooLarge();
    out_ += s;
    return Ok();
  }

  Result<Val> EvalPipe(const Pipeline& p, const json& dot) {
    std::optional<Val> prev;
    for (const auto& c : p.commands) {
      HOIST_TRY(Step());
      if (c.args[0].kind != ArgKind::kFunction) {
        HOIST_TRY_ASSIGN(Val v, EvalArg(c.args[0], dot));
        prev = std::move(v);
        continue;
      }
      std::vector<Val> args;
      for (size_t i = 1; i < c.args.size(); ++i) {
        HOIST_TRY_ASSIGN(Val v, EvalArg(c.args[i], dot));
        args.push_back(std::move(v));
      }
      if (prev) args.push_back(std::move(*prev));
      HOIST_TRY_ASSIGN(Val r, Call(c.args[0].text, std::move(args)));
      prev = std::move(r);
    }
    return std::move(*prev);
  }

  Result<Val> EvalArg(const Arg& a, const json& dot) {
    switch (a.kind) {
      case ArgKind::kString: return Val{json(a.text), true};
      case ArgKind::kNumber: return Val{json(a.number), true};
      case ArgKind::kFunction: return TemplateError("internal: a function as an argument");
      case ArgKind::kField: break;
    }
    const json* cur = &dot;
    for (size_t i = 0; i < a.path.size(); ++i) {
      const std::string& name = a.path[i];
      if (cur->is_object()) {
        auto it = cur->find(name);
        if (it != cur->end()) {
          cur = &*it;
          continue;
        }
        if (options_.header) return Val{json(""), true};
        if (options_.strict_fields && i == 0) return TemplateError("no field ." + name + " (" + FieldList(*cur) + ")");
        return Val{json(nullptr), true};
      }
      if (cur->is_null()) return Val{json(nullptr), true};
      if (options_.header) return Val{json(""), true};
      return TemplateError("can't evaluate field " + name + " in " + std::string(cur->type_name()) + " " +
                           EscapeForTerminal(Format(*cur).substr(0, 40)));
    }
    return Val{*cur, false};
  }

  static std::string FieldList(const json& obj) {
    std::string s = "fields:";
    for (auto it = obj.begin(); it != obj.end(); ++it) s += " ." + it.key();
    return s;
  }

  Result<Val> Call(const std::string& f, std::vector<Val> args) {
    static const char* const kHeaderIdentity[] = {"json", "join", "split", "upper", "lower", "title", "truncate", "pad"};
    if (options_.header) {
      for (const char* h : kHeaderIdentity) {
        if (f == h) return std::move(args[0]);
      }
    }
    if (f == "json") {
      return Val{json(EscapeForTerminal(args[0].v.dump(-1, ' ', false, json::error_handler_t::replace))), true};
    }
    if (f == "join") {
      if (args[0].v.is_null()) return Val{json(""), true};
      if (!args[0].v.is_array()) return TemplateError("join needs an array, got " + std::string(args[0].v.type_name()));
      const std::string sep = Printable(Val{json(args[1].v.is_string() ? args[1].v.get<std::string>() : Format(args[1].v)), args[1].safe});
      std::string s;
      for (size_t i = 0; i < args[0].v.size(); ++i) {
        if (i) s += sep;
        s += EscapeForTerminal(Format(args[0].v[i]));
        if (s.size() > kMaxTemplateOutput) return OutputTooLarge();
      }
      return Val{json(s), true};
    }
    if (f == "index") {
      const json& c = args[0].v;
      const json& k = args[1].v;
      if (c.is_null()) return Val{json(""), true};
      if (c.is_object()) {
        if (!k.is_string()) return TemplateError("index of a map needs a string key");
        auto it = c.find(k.get<std::string>());
        return it == c.end() ? Val{json(""), true} : Val{*it, false};
      }
      if (c.is_array()) {
        if (!k.is_number_integer()) return TemplateError("index of an array needs a number");
        int64_t n = k.get<int64_t>();
        if (n < 0 || static_cast<uint64_t>(n) >= c.size()) return TemplateError("index " + std::to_string(n) + " out of range");
        return Val{c[static_cast<size_t>(n)], false};
      }
      return TemplateError("can't index " + std::string(c.type_name()));
    }
    if (f == "upper" || f == "lower" || f == "title") {
      std::string s = Format(args[0].v);
      bool word_start = true;
      for (char& ch : s) {
        unsigned char u = static_cast<unsigned char>(ch);
        if (f == "upper") ch = static_cast<char>(std::toupper(u));
        else if (f == "lower") ch = static_cast<char>(std::tolower(u));
        else if (word_start) ch = static_cast<char>(std::toupper(u));
        word_start = !std::isalnum(u) && u < 0x80;
      }
      return Val{json(s), args[0].safe};
    }
    if (f == "split") {
      std::string s = Format(args[0].v), sep = Format(args[1].v);
      json parts = json::array();
      if (sep.empty()) {
        parts.push_back(s);
      } else {
        size_t at = 0;
        while (true) {
          size_t next = s.find(sep, at);
          parts.push_back(s.substr(at, next == std::string::npos ? std::string::npos : next - at));
          if (next == std::string::npos) break;
          at = next + sep.size();
        }
      }
      return Val{parts, args[0].safe};
    }
    if (f == "len") {
      const json& v = args[0].v;
      if (v.is_string()) return Val{json(v.get_ref<const std::string&>().size()), true};
      if (v.is_array() || v.is_object()) return Val{json(v.size()), true};
      return TemplateError("len of " + std::string(v.type_name()));
    }
    if (f == "truncate" || f == "pad") {
      for (size_t i = 1; i < args.size(); ++i) {
        if (!args[i].v.is_number_integer() || args[i].v.get<int64_t>() < 0 ||
            args[i].v.get<uint64_t>() > kMaxTemplateOutput) {
          return TemplateError(f + " needs counts from 0 to kMaxTemplateOutput");
        }
      }
      std::string s = Format(args[0].v);
      if (f == "pad") {
        s = std::string(args[1].v.get<size_t>(), ' ') + s + std::string(args[2].v.get<size_t>(), ' ');
      } else {
        size_t keep = args[1].v.get<size_t>(), n = 0, i = 0;
        for (; i < s.size(); ++i) {
          if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == keep) break;
        }
        s.resize(i);
      }
      return Val{json(s), args[0].safe};
    }
    if (f == "eq") return Val{json(args[0].v == args[1].v), true};
    if (f == "ne") return Val{json(args[0].v != args[1].v), true};
    if (f == "not") return Val{json(!Truthy(args[0].v)), true};
    if (f == "and" || f == "or") {
      for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (Truthy(args[i].v) == (f == "or")) return std::move(args[i]);
      }
      return std::move(args.back());
    }
    return UnsupportedConstruct("function \"" + f + "\"");
  }

  const TemplateOptions& options_;
  std::string out_;
  size_t steps_ = 0;
};

}  // namespace

Result<GoTemplate> GoTemplate::Parse(std::string_view text) {
  if (text.size() > kMaxTemplateSize) {
    return TemplateError("the template is longer than kMaxTemplateSize (" + std::to_string(kMaxTemplateSize) +
                         " bytes)");
  }
  HOIST_TRY_ASSIGN(auto items, Lex(text));
  Parser parser(std::move(items));
  HOIST_TRY_ASSIGN(auto root, parser.Run());
  GoTemplate t;
  t.root_ = std::move(root);
  return t;
}

Result<std::string> GoTemplate::Execute(const json& dot, const TemplateOptions& options) const {
  Executor e(options);
  HOIST_TRY(e.Walk(*root_, dot));
  return e.Take();
}

}  // namespace hoist::tools
