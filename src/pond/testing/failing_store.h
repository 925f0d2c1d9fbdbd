// FailingStore: a real store whose commits, or reads of events by seq, can be made to fail, to
// test what a refused commit (a full disk, an I/O error) or an unreadable log leaves behind.
// Every other call goes to the real store.
#pragma once

#include <atomic>
#include <memory>

#include "pond/store/store.h"

namespace pond::testing {

class FailingStore final : public Store {
 public:
  explicit FailingStore(std::unique_ptr<Store> real) : real_(std::move(real)) {}
  std::atomic<bool> fail{false};        // commits
  std::atomic<bool> fail_reads{false};  // EventsBySeq (what services replay from)
  using Store::Commit;
  Status Commit(std::span<const CommitBatch* const> b) override {
    if (fail) return Status::Internal("disk I/O error");
    return real_->Commit(b);
  }
  Result<int64_t> LastEventSeq() override { return real_->LastEventSeq(); }
  Status ScanEvents(int64_t after, const EventVisitor& fn) override {
    return real_->ScanEvents(after, fn);
  }
  Result<std::vector<Event>> EventsBySeq(std::span<const int64_t> s) override {
    if (fail_reads) return Status::Internal("disk I/O error");
    return real_->EventsBySeq(s);
  }
  Result<std::optional<Customer>> GetCustomer(const std::string& w, const std::string& c) override {
    return real_->GetCustomer(w, c);
  }
  Result<std::vector<Identity>> IdentitiesOf(const std::string& w, const std::string& c) override {
    return real_->IdentitiesOf(w, c);
  }
  Result<std::vector<Merge>> MergesInto(const std::string& w, const std::string& c) override {
    return real_->MergesInto(w, c);
  }
  Result<std::vector<Order>> OrdersBySeq(const std::string& w,
                                         std::span<const int64_t> s) override {
    return real_->OrdersBySeq(w, s);
  }
  Result<std::vector<Refund>> RefundsBySeq(const std::string& w,
                                           std::span<const int64_t> s) override {
    return real_->RefundsBySeq(w, s);
  }
  Result<StoreStats> Stats(const std::string& w) override { return real_->Stats(w); }
  Status RewriteEvents(const std::string& w, std::span<const Event> e,
                       std::span<const IdentityRename> r) override {
    if (fail) return Status::Internal("disk I/O error");
    return real_->RewriteEvents(w, e, r);
  }
  int64_t BytesOnDisk() override { return real_->BytesOnDisk(); }
  Status PutWorkspace(const Workspace& w) override { return real_->PutWorkspace(w); }
  Result<std::vector<Workspace>> ListWorkspaces() override { return real_->ListWorkspaces(); }
  Status PutApiKey(const ApiKey& k) override { return real_->PutApiKey(k); }
  Result<std::optional<ApiKey>> FindApiKeyByHash(const std::string& h) override {
    return real_->FindApiKeyByHash(h);
  }
  Status RevokeApiKey(const std::string& w, const std::string& id, Micros at) override {
    return real_->RevokeApiKey(w, id, at);
  }
  Result<std::vector<ApiKey>> ListApiKeys(const std::string& w) override {
    return real_->ListApiKeys(w);
  }
  Status PutChannel(const std::string& w, const Channel& c) override {
    return real_->PutChannel(w, c);
  }
  Result<std::vector<Channel>> ListChannels(const std::string& w) override {
    return real_->ListChannels(w);
  }
  Status PutChannelSpend(const std::string& w, const ChannelSpend& s) override {
    return real_->PutChannelSpend(w, s);
  }
  Result<std::vector<ChannelSpend>> ListChannelSpend(const std::string& w,
                                                     const std::string& c) override {
    return real_->ListChannelSpend(w, c);
  }
  Status PutStaffAccount(const std::string& w, const StaffAccount& s) override {
    return real_->PutStaffAccount(w, s);
  }
  Result<std::vector<StaffAccount>> ListStaffAccounts(const std::string& w) override {
    return real_->ListStaffAccounts(w);
  }
  Status PutObject(const std::string& w, const StoredObject& o) override {
    return real_->PutObject(w, o);
  }
  Result<bool> DeleteObject(const std::string& w, const std::string& k,
                            const std::string& id) override {
    return real_->DeleteObject(w, k, id);
  }
  Result<std::vector<StoredObject>> ListObjects(const std::string& w,
                                                const std::string& k) override {
    return real_->ListObjects(w, k);
  }

 private:
  std::unique_ptr<Store> real_;
};

}  // namespace pond::testing
