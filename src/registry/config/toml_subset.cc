#include "registry/config/toml_subset.h"

#include <optional>

namespace hoist::registry {

namespace {

bool IsBareKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

TomlValue* FindMutable(TomlValue& table, std::string_view key) {
  for (size_t i = 0; i < table.keys.size(); ++i) {
    if (table.keys[i] == key) return &table.items[i];
  }
  return nullptr;
}

TomlValue NewTable(int line) {
  TomlValue t;
  t.kind = TomlValue::Kind::kTable;
  t.line = line;
  return t;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : s_(text), file_(file) {}

  Result<TomlValue> Run() {
    TomlValue root = NewTable(1);
    TomlValue* current = &root;
    while (true) {
      SkipSpace();
      if (AtEnd()) break;
      if (Peek() == '\n' || Peek() == '\r') {
        HOIST_TRY(Newline());
        continue;
      }
      if (Peek() == '[') {
        HOIST_TRY_ASSIGN(current, Header(root));
      } else {
        HOIST_TRY(KeyValue(*current, 0));
      }
      SkipSpace();
      if (!AtEnd()) HOIST_TRY(Newline());
    }
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }

  Error Fail(const std::string& what) const {
    return ParseError(std::string(file_) + ":" + std::to_string(line_) + ": " + what);
  }

  // Spaces, tabs and a comment up to (not including) the end of the line.
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) ++pos_;
    if (Peek() == '#') {
      while (!AtEnd() && Peek() != '\n' && Peek() != '\r') {
        if (IsControl(static_cast<unsigned char>(Peek()))) return;  // reported by Newline()
        ++pos_;
      }
    }
  }

  Status Newline() {
    if (Peek() == '\r' && Peek(1) == '\n') ++pos_;
    if (Peek() != '\n') return Fail("expected the end of the line");
    ++pos_;
    ++line_;
    return Ok();
  }

  // Spaces, comments and line breaks (inside arrays).
  Status SkipSpaceAndLines() {
    while (true) {
      SkipSpace();
      if (Peek() != '\n' && Peek() != '\r') return Ok();
      HOIST_TRY(Newline());
    }
  }

  Result<std::string> SimpleKey() {
    if (Peek() == '"') return BasicString();
    if (Peek() == '\'') return LiteralString();
    size_t start = pos_;
    while (!AtEnd() && IsBareKeyChar(Peek())) ++pos_;
    if (pos_ == start) return Fail("expected a key");
    return std::string(s_.substr(start, pos_ - start));
  }

  Result<std::vector<std::string>> KeyPath() {
    std::vector<std::string> path;
    while (true) {
      SkipSpace();
      HOIST_TRY_ASSIGN(std::string key, SimpleKey());
      path.push_back(std::move(key));
      SkipSpace();
      if (Peek() != '.') return path;
      ++pos_;
    }
  }

  Result<TomlValue*> Header(TomlValue& root) {
    ++pos_;
    const bool array = Peek() == '[';
    if (array) ++pos_;
    HOIST_TRY_ASSIGN(auto path, KeyPath());
    if (Peek() != ']' || (array && Peek(1) != ']')) {
      return Fail(array ? "expected ]] after the table name" : "expected ] after the table name");
    }
    pos_ += array ? 2 : 1;
    TomlValue* t = &root;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      HOIST_TRY_ASSIGN(t, Descend(*t, path[i]));
    }
    const std::string& last = path.back();
    TomlValue* existing = FindMutable(*t, last);
    if (array) {
      if (existing == nullptr) {
        TomlValue a;
        a.kind = TomlValue::Kind::kArray;
        a.line = line_;
        a.array_of_tables = true;
        t->keys.push_back(last);
        t->items.push_back(std::move(a));
        existing = &t->items.back();
      } else if (existing->kind != TomlValue::Kind::kArray || !existing->array_of_tables) {
        return Fail("[[" + last + "]] names a key that is already something else");
      }
      existing->items.push_back(NewTable(line_));
      existing->items.back().header_defined = true;
      return &existing->items.back();
    }
    if (existing == nullptr) {
      t->keys.push_back(last);
      t->items.push_back(NewTable(line_));
      existing = &t->items.back();
    } else if (existing->kind != TomlValue::Kind::kTable || existing->sealed) {
      return Fail("[" + last + "] names a key that is already something else");
    } else if (existing->header_defined) {
      return Fail("table [" + last + "] is defined twice");
    }
    existing->header_defined = true;
    return existing;
  }

  // The table under `key` of `t` (made when missing; the last one of an array of tables).
  Result<TomlValue*> Descend(TomlValue& t, const std::string& key) {
    TomlValue* v = FindMutable(t, key);
    if (v == nullptr) {
      t.keys.push_back(key);
      t.items.push_back(NewTable(line_));
      return &t.items.back();
    }
    if (v->kind == TomlValue::Kind::kArray && v->array_of_tables && !v->items.empty()) return &v->items.back();
    if (v->kind != TomlValue::Kind::kTable || v->sealed) return Fail("key " + key + " is not a table");
    return v;
  }

  Status KeyValue(TomlValue& table, int depth) {
    HOIST_TRY_ASSIGN(auto path, KeyPath());
    if (Peek() != '=') return Fail("expected = after key " + path.back());
    ++pos_;
    SkipSpace();
    TomlValue* t = &table;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      HOIST_TRY_ASSIGN(t, Descend(*t, path[i]));
    }
    if (FindMutable(*t, path.back()) != nullptr) return Fail("key " + path.back() + " is defined twice");
    HOIST_TRY_ASSIGN(TomlValue v, Value(depth));
    t->keys.push_back(path.back());
    t->items.push_back(std::move(v));
    return Ok();
  }

  Result<TomlValue> Value(int depth) {
    if (depth >= kMaxTomlDepth) {
      return Fail("arrays and inline tables nest deeper than " + std::to_string(kMaxTomlDepth) + " (kMaxTomlDepth)");
    }
    TomlValue v;
    v.line = line_;
    char c = Peek();
    if (c == '"' || c == '\'') {
      v.kind = TomlValue::Kind::kString;
      HOIST_TRY_ASSIGN(v.text, c == '"' ? BasicString() : LiteralString());
    } else if (s_.substr(pos_, 4) == "true" && !IsBareKeyChar(Peek(4))) {
      v.kind = TomlValue::Kind::kBool;
      v.boolean = true;
      pos_ += 4;
    } else if (s_.substr(pos_, 5) == "false" && !IsBareKeyChar(Peek(5))) {
      v.kind = TomlValue::Kind::kBool;
      pos_ += 5;
    } else if (c == '[') {
      HOIST_TRY(Array(v, depth));
    } else if (c == '{') {
      HOIST_TRY(InlineTable(v, depth));
    } else if (c == '+' || c == '-' || (c >= '0' && c <= '9') || c == 'i' || c == 'n') {
      v.kind = TomlValue::Kind::kNumber;
      HOIST_TRY_ASSIGN(v.text, Number());
    } else if (AtEnd() || c == '\n' || c == '\r' || c == '#') {
      return Fail("expected a value after =");
    } else {
      return Fail("expected a value (a \"string\", true, false, a number, [array] or {table})");
    }
    return v;
  }

  // Decimal integers and floats, inf and nan; dates are refused by the check after the number.
  Result<std::string> Number() {
    size_t start = pos_;
    if (Peek() == '+' || Peek() == '-') ++pos_;
    if (s_.substr(pos_, 3) == "inf" || s_.substr(pos_, 3) == "nan") {
      pos_ += 3;
    } else {
      auto digits = [&] {
        size_t d = pos_;
        while (!AtEnd() && ((Peek() >= '0' && Peek() <= '9') || (Peek() == '_' && pos_ > d))) ++pos_;
        return pos_ > d;
      };
      if (!digits()) return Fail("expected a number");
      if (Peek() == '.') {
        ++pos_;
        if (!digits()) return Fail("expected digits after the decimal point");
      }
      if (Peek() == 'e' || Peek() == 'E') {
        ++pos_;
        if (Peek() == '+' || Peek() == '-') ++pos_;
        if (!digits()) return Fail("expected an exponent");
      }
    }
    if (IsBareKeyChar(Peek()) || Peek() == ':' || Peek() == '.') {
      return Fail("unsupported value (dates, times and hexadecimal numbers are not accepted here)");
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  Status Array(TomlValue& v, int depth) {
    v.kind = TomlValue::Kind::kArray;
    v.sealed = true;
    ++pos_;
    while (true) {
      HOIST_TRY(SkipSpaceAndLines());
      if (Peek() == ']') break;
      if (AtEnd()) return Fail("the array is not closed with ]");
      HOIST_TRY_ASSIGN(TomlValue item, Value(depth + 1));
      v.items.push_back(std::move(item));
      HOIST_TRY(SkipSpaceAndLines());
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (AtEnd()) return Fail("the array is not closed with ]");
      if (Peek() != ']') return Fail("expected , or ] in the array");
      break;
    }
    ++pos_;
    return Ok();
  }

  Status InlineTable(TomlValue& v, int depth) {
    v.kind = TomlValue::Kind::kTable;
    v.sealed = true;
    ++pos_;
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
      return Ok();
    }
    while (true) {
      SkipSpace();
      HOIST_TRY(KeyValue(v, depth + 1));
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() != '}') return Fail("expected , or } in the inline table (it must stay on one line)");
      ++pos_;
      return Ok();
    }
  }

  Result<std::string> LiteralString() {
    if (s_.substr(pos_, 3) == "'''") return Fail("multi-line strings are not supported here");
    ++pos_;
    std::string out;
    while (true) {
      if (AtEnd() || Peek() == '\n' || Peek() == '\r') return Fail("the string is not closed with '");
      char c = s_[pos_++];
      if (c == '\'') return out;
      if (IsControl(static_cast<unsigned char>(c))) return Fail("control character in a string");
      out += c;
    }
  }

  Result<std::string> BasicString() {
    if (s_.substr(pos_, 3) == "\"\"\"") return Fail("multi-line strings are not supported here");
    ++pos_;
    std::string out;
    while (true) {
      if (AtEnd() || Peek() == '\n' || Peek() == '\r') return Fail("the string is not closed with \"");
      char c = s_[pos_++];
      if (c == '"') return out;
      if (IsControl(static_cast<unsigned char>(c))) return Fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = Peek();
      ++pos_;
      switch (e) {
        case 'b': out += '\b'; break;
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'f': out += '\f'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u':
        case 'U': {
          size_t n = e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (size_t i = 0; i < n; ++i) {
            char h = Peek();
            int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                                                      : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) return Fail("bad \\" + std::string(1, e) + " escape in a string");
            cp = cp * 16 + static_cast<uint32_t>(d);
            ++pos_;
          }
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Fail("escape names no Unicode character");
          AppendUtf8(out, cp);
          break;
        }
        default: return Fail("unknown escape in a string");
      }
    }
  }

  std::string_view s_;
  std::string_view file_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

const TomlValue* TomlValue::Find(std::string_view key) const {
  if (kind != Kind::kTable) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

Result<TomlValue> ParseToml(std::string_view text, std::string_view file) { return Parser(text, file).Run(); }

}  // namespace hoist::registry
