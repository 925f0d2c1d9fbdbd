// Staff tasks through the real engine on a fake clock: the queue per staff account, overdue,
// complete (once) and snooze, churn alerts from friend_deleted, and a rebuild after restart.
#include "pond/journey/task_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/base/time.h"
#include "pond/journey/journey_events.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

class TaskServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    Restart();
  }
  void Restart() {
    tasks_.reset();
    auto s = TaskService::Start(engine_.get());
    ASSERT_TRUE(s.ok());
    tasks_ = std::move(*s);
  }
  void Submit(const std::string& id, const std::string& user, const std::string& name,
              const nlohmann::json& props) {
    Event e;
    e.message_id = id;
    e.user_id = user;
    e.name = name;
    e.properties = props.dump();
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  std::vector<std::string> Ids(const TaskQuery& q) {
    std::vector<std::string> out;
    Result<std::vector<StaffTask>> listed = tasks_->List(kDefaultWorkspace, q);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return out;
    for (const StaffTask& t : *listed) {
      out.push_back(t.title + "@" + t.assignee);
    }
    return out;
  }
  int64_t Count(const std::string& name) {
    auto p = engine_->GetCustomer(kDefaultWorkspace, "ann", 1000);
    int64_t n = 0;
    for (const Event& e : p->timeline) n += e.name == name;
    return n;
  }

  testing::TempDir dir_;
  FakeClock clock_{ParseIso8601("2026-03-02T10:00:00+08:00").value()};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<TaskService> tasks_;
};

TEST_F(TaskServiceTest, QueuePerStaffOverdueCompleteOnceAndSnooze) {
  const Micros now = clock_.NowMicros();
  Submit("t1", "ann", kTaskCreated,
         {{"title", "call"}, {"assignee", "li"}, {"due", FormatIso8601(now + kMicrosPerDay)}});
  Submit("t2", "bob", kTaskCreated,
         {{"title", "visit"}, {"assignee", "wang"}, {"due", FormatIso8601(now + kMicrosPerHour)}});
  Submit("t3", "ann", kTaskCreated,
         {{"title", "gift"}, {"assignee", "li"}, {"due", FormatIso8601(now + kMicrosPerHour)}});
  EXPECT_EQ(Ids({"li"}), (std::vector<std::string>{"gift@li", "call@li"}));  // by due
  EXPECT_EQ(Ids({}).size(), 3u);
  clock_.Advance(2 * kMicrosPerHour);
  TaskQuery overdue{"", "open", true};
  EXPECT_EQ(Ids(overdue), (std::vector<std::string>{"visit@wang", "gift@li"}));

  auto list = tasks_->List(kDefaultWorkspace, {"li"}).value();
  const std::string gift = list[0].id;
  ASSERT_TRUE(tasks_->Complete(kDefaultWorkspace, gift, "li").ok());
  ASSERT_TRUE(tasks_->Complete(kDefaultWorkspace, gift, "li").ok());  // again: nothing new
  EXPECT_EQ(Count(kTaskCompleted), 1);
  EXPECT_EQ(Ids({"li"}), (std::vector<std::string>{"call@li"}));
  EXPECT_EQ(Ids({"li", "done"}), (std::vector<std::string>{"gift@li"}));

  const std::string visit = tasks_->List(kDefaultWorkspace, {"wang"}).value()[0].id;
  ASSERT_TRUE(tasks_->Snooze(kDefaultWorkspace, visit, clock_.NowMicros() + kMicrosPerDay).ok());
  EXPECT_TRUE(Ids(overdue).empty());
  EXPECT_EQ(tasks_->Snooze(kDefaultWorkspace, visit, clock_.NowMicros() - 1).field(), "until");
  EXPECT_EQ(tasks_->Snooze(kDefaultWorkspace, gift, clock_.NowMicros() + kMicrosPerHour).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tasks_->Complete(kDefaultWorkspace, "tsk_999", "li").code(), StatusCode::kNotFound);
  EXPECT_EQ(tasks_->List(kDefaultWorkspace, {"", "later"}).status().field(), "status");

  Restart();  // rebuilt from the log
  EXPECT_EQ(Ids({"li", "all"}), (std::vector<std::string>{"call@li", "gift@li"}));
  EXPECT_EQ(tasks_->Get(kDefaultWorkspace, visit)->due, clock_.NowMicros() + kMicrosPerDay);
}

TEST_F(TaskServiceTest, ACustomerWhoDeletesTheStaffAccountRaisesAChurnAlert) {
  Submit("f1", "ann", "friend_deleted", {{"staff_id", "li"}, {"by", "customer"}});
  Submit("f2", "bob", "friend_deleted", {{"staff_id", "li"}, {"by", "staff"}});  // not churn
  Event old;
  old.message_id = "f3";
  old.user_id = "cy";
  old.name = "friend_deleted";
  old.properties = R"({"staff_id":"wang"})";
  old.timestamp = clock_.NowMicros() - 3 * kMicrosPerDay;  // history: no alert
  ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {old}).ok());
  ASSERT_TRUE(tasks_->Flush().ok());
  auto open = tasks_->List(kDefaultWorkspace, {}).value();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "churn_alert");
  EXPECT_EQ(open[0].assignee, "li");
  EXPECT_EQ(open[0].customer_id, engine_->GetCustomer(kDefaultWorkspace, "ann")->summary.id);
  EXPECT_EQ(open[0].due, clock_.NowMicros() + kMicrosPerDay);
  Restart();
  ASSERT_TRUE(tasks_->Flush().ok());
  EXPECT_EQ(tasks_->List(kDefaultWorkspace, {}).value().size(), 1u);  // not raised twice
}

}  // namespace
}  // namespace pond
