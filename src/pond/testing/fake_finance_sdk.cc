// A test double of WeCom's chat-archive SDK (libWeWorkFinanceSdk_C.so): the same C API as the
// vendor's header (finance_sdk.h lists it), over a fixture instead of WeCom's servers, which
// cannot be reached from here. Built as a shared library that pond dlopens like the real one.
//   Init               reads the fixture named by $POND_FAKE_ARCHIVE: one chatdata item a line
//                      ({seq, msgid, publickey_ver, encrypt_random_key, encrypt_chat_msg}), in
//                      seq order; 10000 for an empty corpid or secret, 10002 for no fixture
//   GetChatData        the items after `seq`, at most `limit` (1–1000, else 10000), as
//                      {"errcode":0,"errmsg":"ok","chatdata":[…]}; $POND_FAKE_ARCHIVE_FAIL
//                      ("10001:2") makes the next calls return that code
//   DecryptData        the message sealed as the fixture writer seals it: base64 of
//                      "WWFS" + the JSON, XORed with the random key; 10006 when the key does
//                      not open it, 10000 for an empty key
// Nothing here is secure: it stands in for the vendor's cipher, which is the vendor's business.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Item {
  unsigned long long seq;
  std::string line;
};

int DecodeBase64Char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool DecodeBase64(const char* in, std::string* out) {
  int bits = 0, value = 0;
  for (const char* p = in; *p && *p != '='; ++p) {
    const int d = DecodeBase64Char(*p);
    if (d < 0) return false;
    value = (value << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((value >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace

extern "C" {

struct Slice_t {
  char* buf;
  int len;
};

struct WeWorkFinanceSdk_t {
  std::vector<Item> items;
  int fail_code = 0, fail_times = 0;
};

WeWorkFinanceSdk_t* NewSdk() { return new WeWorkFinanceSdk_t(); }

void DestroySdk(WeWorkFinanceSdk_t* sdk) { delete sdk; }

int Init(WeWorkFinanceSdk_t* sdk, const char* corpid, const char* secret) {
  if (!sdk || !corpid || !secret || !*corpid || !*secret) return 10000;
  const char* path = std::getenv("POND_FAKE_ARCHIVE");
  if (!path) return 10002;
  std::ifstream in(path);
  if (!in) return 10002;
  std::string line;
  while (std::getline(in, line)) {
    const size_t at = line.find("\"seq\":");
    if (at == std::string::npos) continue;
    sdk->items.push_back({std::strtoull(line.c_str() + at + 6, nullptr, 10), line});
  }
  if (const char* fail = std::getenv("POND_FAKE_ARCHIVE_FAIL")) {
    sdk->fail_code = std::atoi(fail);
    const char* colon = std::strchr(fail, ':');
    sdk->fail_times = colon ? std::atoi(colon + 1) : 1;
  }
  return 0;
}

Slice_t* NewSlice() { return static_cast<Slice_t*>(std::calloc(1, sizeof(Slice_t))); }

void FreeSlice(Slice_t* slice) {
  if (!slice) return;
  std::free(slice->buf);
  std::free(slice);
}

char* GetContentFromSlice(Slice_t* slice) { return slice ? slice->buf : nullptr; }

int GetSliceLen(Slice_t* slice) { return slice ? slice->len : 0; }

static void Put(Slice_t* out, const std::string& text) {
  std::free(out->buf);
  out->buf = static_cast<char*>(std::malloc(text.size() + 1));
  std::memcpy(out->buf, text.c_str(), text.size() + 1);
  out->len = static_cast<int>(text.size());
}

int GetChatData(WeWorkFinanceSdk_t* sdk, unsigned long long seq, unsigned int limit,
                const char* proxy, const char* passwd, int timeout, Slice_t* out) {
  (void)proxy;
  (void)passwd;
  if (!sdk || !out || limit < 1 || limit > 1000 || timeout <= 0) return 10000;
  if (sdk->fail_times > 0) {
    --sdk->fail_times;
    return sdk->fail_code;
  }
  std::string json = "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[";
  unsigned n = 0;
  for (const Item& item : sdk->items) {
    if (item.seq <= seq) continue;
    if (n == limit) break;
    json += (n++ ? "," : "") + item.line;
  }
  Put(out, json + "]}");
  return 0;
}

int DecryptData(const char* encrypt_key, const char* encrypt_msg, Slice_t* out) {
  if (!encrypt_key || !*encrypt_key || !encrypt_msg || !out) return 10000;
  std::string bytes;
  if (!DecodeBase64(encrypt_msg, &bytes)) return 10006;
  const size_t key_len = std::strlen(encrypt_key);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] ^= encrypt_key[i % key_len];
  if (bytes.compare(0, 4, "WWFS") != 0) return 10006;
  Put(out, bytes.substr(4));
  return 0;
}

}  // extern "C"
