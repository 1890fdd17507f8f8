#pragma once
// Fake docker-credential-* programs for tests: shell scripts in a temp dir put first on PATH.

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "support/temp_dir.h"

namespace hoist::testing {

// A docker-credential-test that keeps one file per server URL next to itself and logs its argv.
inline const char* kFakeCredentialHelper = R"SH(#!/bin/sh
dir="$(dirname "$0")/helper-store"
mkdir -p "$dir"
echo "$*" >> "$dir/argv.log"
key() { printf '%s' "$1" | tr -c 'A-Za-z0-9.-' '_'; }
case "$1" in
  store)
    in=$(cat)
    url=$(printf '%s' "$in" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p')
    printf '%s' "$in" > "$dir/$(key "$url")"
    ;;
  get|erase)
    url=$(cat)
    f="$dir/$(key "$url")"
    if [ ! -f "$f" ]; then echo "credentials not found in native keychain"; exit 1; fi
    if [ "$1" = get ]; then cat "$f"; else rm -f "$f"; fi
    ;;
  *) echo "unknown action $1"; exit 1 ;;
esac
)SH";

inline void WriteHelperScript(const TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir / ("docker-credential-" + name);
  WriteFile(path, body);
  ::chmod(path.c_str(), 0755);
}

// Puts a directory first on PATH for the life of the guard.
class PathGuard {
 public:
  explicit PathGuard(const std::string& dir) {
    const char* old = std::getenv("PATH");
    old_ = old ? old : "/usr/bin:/bin";
    ::setenv("PATH", (dir + ":" + old_).c_str(), 1);
  }
  ~PathGuard() { ::setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

}  // namespace hoist::testing
