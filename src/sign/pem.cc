#include "sign/pem.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <memory>

namespace hoist::sign {

Result<PemBlock> DecodePem(std::string_view text) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())),
                                                 &BIO_free);
  if (!bio) return Internal("out of memory reading PEM");
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    return ParseError("not a PEM file (no well-formed -----BEGIN …----- block)");
  }
  PemBlock block{name, std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(len))};
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_cleanse(data, static_cast<size_t>(len));  // may be key material
  OPENSSL_free(data);
  return block;
}

std::string EncodePem(std::string_view type, std::string_view bytes) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  std::string t(type);
  PEM_write_bio(bio.get(), t.c_str(), "", reinterpret_cast<const unsigned char*>(bytes.data()),
                static_cast<long>(bytes.size()));
  char* out = nullptr;
  long n = BIO_get_mem_data(bio.get(), &out);
  return std::string(out, static_cast<size_t>(n));
}

}  // namespace hoist::sign
