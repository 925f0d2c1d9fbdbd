// WeCom's chat-archive SDK (会话内容存档 C SDK, libWeWorkFinanceSdk_C.so), loaded with dlopen
// from a configured path and called through its documented C API:
//   WeWorkFinanceSdk_t* NewSdk();
//   int  Init(WeWorkFinanceSdk_t*, const char* corpid, const char* secret);
//   int  GetChatData(WeWorkFinanceSdk_t*, unsigned long long seq, unsigned int limit,
//                    const char* proxy, const char* passwd, int timeout, Slice_t* out);
//   int  DecryptData(const char* encrypt_key, const char* encrypt_msg, Slice_t* out);
//   Slice_t* NewSlice(); void FreeSlice(Slice_t*);
//   char* GetContentFromSlice(Slice_t*); int GetSliceLen(Slice_t*);
//   void DestroySdk(WeWorkFinanceSdk_t*);
// The SDK is the vendor's: pond does not ship it and its tests do not need it (they load a
// double that speaks the same API, src/pond/testing/fake_finance_sdk.c). Its return codes
// (10000 parameters … 10011 certificate) become errors that name the code and its meaning:
// Unavailable for those that may pass (10001 network, 10003 system, 10010 data expired),
// FailedPrecondition for the rest.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pond/base/status.h"

namespace pond::wecom {

inline constexpr unsigned kMaxChatDataLimit = 1000;  // GetChatData's limit

// What the SDK's return code means (its header's list).
std::string FinanceSdkError(int code);

class FinanceSdk {
 public:
  // dlopen(`path`), the functions looked up, NewSdk and Init(corp_id, secret). NotFound for a
  // library that is not there, FailedPrecondition for one without the API or an Init refused.
  static Result<std::unique_ptr<FinanceSdk>> Load(const std::string& path,
                                                  const std::string& corp_id,
                                                  const std::string& secret);
  ~FinanceSdk();
  FinanceSdk(const FinanceSdk&) = delete;
  FinanceSdk& operator=(const FinanceSdk&) = delete;

  // The messages after `seq`, at most `limit` (1–1000): the SDK's JSON {errcode, errmsg,
  // chatdata: [{seq, msgid, publickey_ver, encrypt_random_key, encrypt_chat_msg}]}.
  Result<std::string> GetChatData(uint64_t seq, unsigned limit, const std::string& proxy,
                                  const std::string& passwd, int timeout_seconds);
  // encrypt_chat_msg opened with the random key (already opened with the brand's RSA key).
  Result<std::string> DecryptData(const std::string& random_key, const std::string& message);

 private:
  struct Api;
  explicit FinanceSdk(std::unique_ptr<Api> api);
  std::unique_ptr<Api> api_;
};

}  // namespace pond::wecom
