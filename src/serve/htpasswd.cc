#include "serve/htpasswd.h"

#include <crypt.h>

#include <cstring>
#include <memory>

#include "core/base64.h"
#include "core/digest.h"
#include "core/fs.h"

namespace hoist::serve {

namespace {
constexpr uint64_t kMaxHtpasswdFile = 16 * 1024 * 1024;
}

Result<std::unique_ptr<Htpasswd>> Htpasswd::Load(const std::string& path) {
  HOIST_TRY_ASSIGN(std::string text, ReadFileToString(path, kMaxHtpasswdFile));
  auto out = std::make_unique<Htpasswd>();
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    std::string hash = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (colon == 0 || hash.size() < 7 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$') {
      return InvalidArgument(path + " line " + std::to_string(line_no) +
                             " is not \"user:bcrypt-hash\": hoist serve takes bcrypt entries only (htpasswd -B)");
    }
    out->users_[line.substr(0, colon)] = hash;
  }
  if (out->users_.empty()) return InvalidArgument(path + " holds no user: nobody could log in");
  return out;
}

bool Htpasswd::Check(const std::string& authorization, std::string& user) {
  if (authorization.size() < 6 || strncasecmp(authorization.c_str(), "Basic ", 6) != 0) return false;
  auto decoded = DecodeBase64(authorization.substr(6), Base64Padding::kOptional);
  if (!decoded) return false;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  const std::string name = decoded->substr(0, colon);
  const std::string password = decoded->substr(colon + 1);
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  const std::string key = Digest::Of(name + '\0' + password + '\0' + it->second).hex();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (verified_.count(key)) {
      user = name;
      return true;
    }
  }
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* got = crypt_rn(password.c_str(), it->second.c_str(), data.get(), sizeof(crypt_data));
  if (!got || got[0] == '*' || it->second != got) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (verified_.size() >= kMaxRememberedCredentials) verified_.clear();
  verified_.insert(key);
  user = name;
  return true;
}

}  // namespace hoist::serve
