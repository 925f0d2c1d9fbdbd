// Chat-archive items as WeCom's servers hand them to the SDK, for the SDK double
// (fake_finance_sdk.cc) in tests and benchmarks: the random key sealed with the brand's public
// key of `version`, the message sealed as the double opens it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "pond/channels/wecom/archive_keys.h"

namespace pond::testing {

// {seq, msgid, publickey_ver, encrypt_random_key, encrypt_chat_msg}.
nlohmann::json SealArchiveItem(const wecom::ArchiveKeys& keys, uint64_t seq,
                               const nlohmann::json& message, int version);

// A decrypted message: {msgid, action: send, from, tolist: [to], roomid, msgtime, msgtype,
// <msgtype>: body}.
nlohmann::json ArchiveMessage(const std::string& msgid, const std::string& from,
                              const std::string& to, const std::string& type, nlohmann::json body,
                              int64_t msgtime_ms, const std::string& room = "");

}  // namespace pond::testing
