// SealedStore: the personal data in any Store encrypted at rest (issue 26).
//
// It wraps a Store and seals, on the way in, what can name a person — each event's userId,
// anonymousId, properties, traits, context and identities (one sealed blob in the properties
// column), the identities and merge reasons (sealed deterministically, so a value still finds
// its row: a blind index), and every object body (users, notes, settings) — and opens them on
// the way out. Ids, names of events, times, amounts and orders stay readable: reports and other
// tools need them and they name nobody.
//
// Keys: each workspace has its own random data key, kept in the store wrapped (sealed) by the
// master key; the master key is POND_MASTER_KEY (64 hex digits) or DATA_DIR/master.key, made on
// first start. Losing the master key loses the personal data: back it up apart from the data.
//
// A sealed text reads "pond-sealed:1:WORKSPACE:BASE64". Text without the mark is returned as it
// is, so a store written before sealing still opens (and its old rows stay plain).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "pond/store/store.h"

namespace pond {

inline constexpr std::string_view kSealedMark = "pond-sealed:1:";

// POND_MASTER_KEY when set (64 hex digits, an error otherwise), else DATA_DIR/master.key.
Result<std::string> LoadMasterKey(const std::string& data_dir);

std::unique_ptr<Store> SealStore(std::unique_ptr<Store> inner, std::string master_key);

}  // namespace pond
