// Erasure (issue 26; docs/privacy.md, "Erasure"): what forgetting a customer does to the log.
//
// The log is the source of truth and the state is rebuilt from it, so erasure rewrites the log
// rather than deleting from it. Each of the customer's identity values (phone, unionid, userId,
// …) is replaced, wherever any event names it, by a random stand-in ("erased-" and 32 hex
// digits) that nothing keeps the way back from: replay still finds that the same events belong
// to the same customer, and merges the same profiles, but no value leads to the person. The
// customer's own events also lose their traits and every personal or free-text property (the
// caller's list). Their names, times, amounts, order ids and links to other records stay, so
// reports, orders and the commission ledger add up as before.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pond/model/event.h"
#include "pond/store/store.h"

namespace pond {

// True for a property, trait or context key whose value names or describes a person.
using PersonalKeyTest = std::function<bool(std::string_view key)>;

inline constexpr std::string_view kErasedPrefix = "erased-";
// The event that records an erasure ({identities, events}: how many were rewritten).
inline constexpr std::string_view kCustomerErased = "customer_erased";

// A fresh random stand-in for each distinct identity (pond's own customer ids are not
// identities of a person and are left out).
std::vector<IdentityRename> StandInsFor(const std::vector<Identity>& identities);

// Rewrites one stored event: every identity value in `renames` (userId, anonymousId and the
// identities list) becomes its stand-in; when `own` (the erased customer's event), traits become
// "{}" and personal keys (and context.traits) leave properties and context. True when anything
// changed (the first erasure also rewrites the JSON compactly; a second one changes nothing).
bool EraseFromEvent(Event* event, std::span<const IdentityRename> renames, bool own,
                    const PersonalKeyTest& is_personal);

// The JSON object without the members whose key is personal, at any depth of nested objects
// (arrays are kept as they are unless under a personal key: line items name products, not
// people). Text that is not a JSON object becomes "{}".
std::string WithoutPersonalKeys(std::string_view json, const PersonalKeyTest& is_personal);

}  // namespace pond
