#include "pond/store/sealing.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace pond {
namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string SealWithNonce(std::string_view plain, std::string_view key,
                          const unsigned char* nonce) {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  std::copy(nonce, nonce + crypto_secretbox_NONCEBYTES, p);
  crypto_secretbox_easy(p + crypto_secretbox_NONCEBYTES, Bytes(plain), plain.size(), p, Bytes(key));
  return out;
}

Result<std::string> ReadKey(int fd, const std::string& path) {
  std::string key(kSealKeyBytes, '\0');
  size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = ::read(fd, key.data() + got, key.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != key.size()) return Status::Internal(path + " is not a key of 32 bytes");
  return key;
}

}  // namespace

Result<std::string> ReadOrCreateKeyFile(const std::string& path) {
  if (!SodiumReady()) return Status::Internal("libsodium did not start");
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      Result<std::string> key = ReadKey(fd, path);
      // A file another process is still writing reads short: wait for it briefly.
      if (key.ok() || attempt == 49) return key;
      ::usleep(2000);
      continue;
    }
    // Written under a temporary name and linked into place, so nobody reads half a key.
    const std::string tmp = path + ".new." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Internal("cannot create " + tmp);
    const std::string key = RandomKey();
    const bool written =
        ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    ::close(fd);
    const bool linked = written && ::link(tmp.c_str(), path.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(tmp.c_str());
    if (linked) return key;
    if (!written || link_errno != EEXIST) return Status::Internal("cannot write " + path);
    // Another process made the file first: read theirs.
  }
  return Status::Internal("cannot read " + path);
}

std::string RandomKey() {
  SodiumReady();
  std::string key(kSealKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

// A nonce never repeats under one key: 16 random bytes drawn once per process, then a counter.
// (Drawing 24 random bytes per value cost a getrandom system call each: a third of ingest.)
std::string SealBytes(std::string_view plain, std::string_view key) {
  SodiumReady();
  static const std::array<unsigned char, 16> prefix = [] {
    std::array<unsigned char, 16> p;
    randombytes_buf(p.data(), p.size());
    return p;
  }();
  static std::atomic<uint64_t> counter{0};
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  static_assert(sizeof nonce == 16 + sizeof(uint64_t));
  std::copy(prefix.begin(), prefix.end(), nonce);
  const uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  std::memcpy(nonce + 16, &n, sizeof n);
  return SealWithNonce(plain, key, nonce);
}

// The nonce's key is derived from the sealing key, so the nonce says nothing without it.
std::string BlindIndexKey(std::string_view key) { return DeriveKey(key, 1, "blindidx"); }

std::string SealDeterministic(std::string_view plain, std::string_view key) {
  return SealDeterministic(plain, key, BlindIndexKey(key));
}

std::string SealDeterministic(std::string_view plain, std::string_view key,
                              std::string_view blind_key) {
  SodiumReady();
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  crypto_generichash(nonce, sizeof nonce, Bytes(plain), plain.size(), Bytes(blind_key),
                     blind_key.size());
  return SealWithNonce(plain, key, nonce);
}

Result<std::string> OpenBytes(std::string_view sealed, std::string_view key) {
  constexpr size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (sealed.size() < kOverhead || key.size() != kSealKeyBytes) {
    return Status::Internal("a sealed value is too short to open");
  }
  std::string plain(sealed.size() - kOverhead, '\0');
  const unsigned char* in = Bytes(sealed);
  if (crypto_secretbox_open_easy(
          reinterpret_cast<unsigned char*>(plain.data()), in + crypto_secretbox_NONCEBYTES,
          sealed.size() - crypto_secretbox_NONCEBYTES, in, Bytes(key)) != 0) {
    return Status::Internal("a sealed value does not open with this key (wrong key or damaged)");
  }
  return plain;
}

std::string DeriveKey(std::string_view master, uint64_t id, const char (&context)[9]) {
  SodiumReady();
  std::string sub(kSealKeyBytes, '\0');
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(sub.data()), sub.size(), id, context,
                             Bytes(master));
  return sub;
}

}  // namespace pond
