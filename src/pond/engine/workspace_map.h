// WorkspaceMap: the state a service keeps for each workspace, made on first use, at an address
// that stays put while the map grows. Not thread-safe: the service guards it with its own mutex.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pond {

template <typename W>
class WorkspaceMap {
 public:
  // The workspace's state; made the first time (its `id` set where W has one), and then
  // handed to `made` once, for what else a fresh state needs (its zone, its defaults).
  template <typename Made>
  W& For(const std::string& ws, Made&& made) {
    auto& w = map_[ws];
    if (!w) {
      w = std::make_unique<W>();
      if constexpr (requires { w->id = ws; }) w->id = ws;
      std::forward<Made>(made)(*w);
    }
    return *w;
  }
  W& For(const std::string& ws) {
    return For(ws, [](W&) {});
  }

  // The workspace's state if it has been made, else nullptr.
  W* Find(const std::string& ws) const {
    auto it = map_.find(ws);
    return it == map_.end() ? nullptr : it->second.get();
  }

  // The workspaces made so far, in id order: what a background round walks.
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    ids.reserve(map_.size());
    for (const auto& [id, w] : map_) ids.push_back(id);
    return ids;
  }

  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (auto& [id, w] : map_) fn(id, *w);
  }

 private:
  std::map<std::string, std::unique_ptr<W>> map_;
};

}  // namespace pond
