#include "pond/channels/wecom/finance_sdk.h"

#include <dlfcn.h>

#include <mutex>

namespace pond::wecom {
namespace {

struct Slice;  // the SDK's Slice_t, read only through its functions
struct Sdk;    // the SDK's WeWorkFinanceSdk_t

}  // namespace

struct FinanceSdk::Api {
  void* lib = nullptr;
  Sdk* sdk = nullptr;
  Sdk* (*new_sdk)() = nullptr;
  int (*init)(Sdk*, const char*, const char*) = nullptr;
  int (*get_chat_data)(Sdk*, unsigned long long, unsigned int, const char*, const char*, int,
                       Slice*) = nullptr;
  int (*decrypt_data)(const char*, const char*, Slice*) = nullptr;
  Slice* (*new_slice)() = nullptr;
  void (*free_slice)(Slice*) = nullptr;
  char* (*content)(Slice*) = nullptr;
  int (*length)(Slice*) = nullptr;
  void (*destroy_sdk)(Sdk*) = nullptr;
  std::mutex mu;  // the SDK's thread safety is not documented: one call at a time

  // The slice's bytes, then freed.
  std::string Take(Slice* s) {
    std::string out;
    if (const char* p = content(s); p) {
      const int n = length(s);
      out.assign(p, n > 0 ? static_cast<size_t>(n) : 0);
    }
    free_slice(s);
    return out;
  }
};

std::string FinanceSdkError(int code) {
  switch (code) {
    case 10000:
      return "parameter error";
    case 10001:
      return "network error";
    case 10002:
      return "data could not be parsed";
    case 10003:
      return "system failure";
    case 10004:
      return "encryption failed: a wrong key";
    case 10005:
      return "wrong fileid";
    case 10006:
      return "decryption failed";
    case 10007:
      return "no private key for the message's encryption version";
    case 10008:
      return "encrypt_key could not be parsed";
    case 10009:
      return "IP not allowed";
    case 10010:
      return "data expired";
    case 10011:
      return "certificate error";
  }
  return "unknown error";
}

static Status SdkStatus(const char* call, int code) {
  std::string what = std::string("chat archive SDK ") + call + " returned " + std::to_string(code) +
                     ": " + FinanceSdkError(code);
  if (code == 10001 || code == 10003 || code == 10010) return Status::Unavailable(what);
  return Status::FailedPrecondition(what);
}

FinanceSdk::FinanceSdk(std::unique_ptr<Api> api) : api_(std::move(api)) {}

FinanceSdk::~FinanceSdk() {
  if (api_->sdk) api_->destroy_sdk(api_->sdk);
  if (api_->lib) dlclose(api_->lib);
}

Result<std::unique_ptr<FinanceSdk>> FinanceSdk::Load(const std::string& path,
                                                     const std::string& corp_id,
                                                     const std::string& secret) {
  auto api = std::make_unique<Api>();
  api->lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!api->lib) {
    const char* why = dlerror();
    return Status::NotFound("the chat archive SDK did not load from " + path + ": " +
                            (why ? why : "unknown"));
  }
  std::unique_ptr<FinanceSdk> sdk(new FinanceSdk(std::move(api)));
  Api& a = *sdk->api_;
  auto find = [&](const char* name, auto* fn) -> bool {
    *fn = reinterpret_cast<std::remove_pointer_t<decltype(fn)>>(dlsym(a.lib, name));
    return *fn != nullptr;
  };
  for (bool ok :
       {find("NewSdk", &a.new_sdk), find("Init", &a.init), find("GetChatData", &a.get_chat_data),
        find("DecryptData", &a.decrypt_data), find("NewSlice", &a.new_slice),
        find("FreeSlice", &a.free_slice), find("GetContentFromSlice", &a.content),
        find("GetSliceLen", &a.length), find("DestroySdk", &a.destroy_sdk)}) {
    if (!ok) {
      return Status::FailedPrecondition(path +
                                        " lacks the chat archive SDK's C API (NewSdk, "
                                        "Init, GetChatData, DecryptData, slices, DestroySdk)");
    }
  }
  a.sdk = a.new_sdk();
  if (!a.sdk) return Status::FailedPrecondition("chat archive SDK NewSdk returned null");
  if (const int code = a.init(a.sdk, corp_id.c_str(), secret.c_str()); code != 0) {
    return SdkStatus("Init", code);
  }
  return sdk;
}

Result<std::string> FinanceSdk::GetChatData(uint64_t seq, unsigned limit, const std::string& proxy,
                                            const std::string& passwd, int timeout_seconds) {
  if (limit < 1 || limit > kMaxChatDataLimit) return FieldError("limit", "1 to 1000");
  std::lock_guard lock(api_->mu);
  Slice* out = api_->new_slice();
  const int code = api_->get_chat_data(api_->sdk, seq, limit, proxy.c_str(), passwd.c_str(),
                                       timeout_seconds, out);
  std::string data = api_->Take(out);
  if (code != 0) return SdkStatus("GetChatData", code);
  return data;
}

Result<std::string> FinanceSdk::DecryptData(const std::string& random_key,
                                            const std::string& message) {
  std::lock_guard lock(api_->mu);
  Slice* out = api_->new_slice();
  const int code = api_->decrypt_data(random_key.c_str(), message.c_str(), out);
  std::string plain = api_->Take(out);
  if (code != 0) return SdkStatus("DecryptData", code);
  return plain;
}

}  // namespace pond::wecom
