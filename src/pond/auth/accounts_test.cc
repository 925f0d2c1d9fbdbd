// Accounts: the policy table, passwords, logins, throttling and sessions over a real engine.
#include "pond/auth/accounts.h"

#include <gtest/gtest.h>

#include "pond/auth/password.h"
#include "pond/testing/temp_dir.h"

namespace pond::auth {
namespace {

TEST(RolesTest, ThePolicyTable) {
  // Reads: owner, operator and analyst; staff and distributors only through their own records.
  EXPECT_TRUE(Allows(Role::kAnalyst, Need::kRead));
  EXPECT_FALSE(Allows(Role::kStaff, Need::kRead));
  EXPECT_TRUE(Allows(Role::kStaff, Need::kCustomers));
  EXPECT_TRUE(Allows(Role::kStaff, Need::kStaffWork));
  EXPECT_FALSE(Allows(Role::kAnalyst, Need::kStaffWork));
  EXPECT_FALSE(Allows(Role::kAnalyst, Need::kOperate));
  EXPECT_TRUE(Allows(Role::kOperator, Need::kOperate));
  EXPECT_FALSE(Allows(Role::kOperator, Need::kMoney));
  EXPECT_FALSE(Allows(Role::kOperator, Need::kTeam));
  EXPECT_TRUE(Allows(Role::kOwner, Need::kMoney));
  EXPECT_TRUE(Allows(Role::kDistributor, Need::kPortal));
  EXPECT_FALSE(Allows(Role::kDistributor, Need::kCustomers));
  for (Role r : {Role::kOwner, Role::kOperator, Role::kAnalyst, Role::kStaff, Role::kDistributor}) {
    EXPECT_FALSE(Allows(r, Need::kIngest)) << RoleName(r);  // machines only
    EXPECT_TRUE(Allows(r, Need::kSelf)) << RoleName(r);
    EXPECT_EQ(RoleFromName(RoleName(r)), r);
  }
  EXPECT_FALSE(SeesPersonalData(Role::kAnalyst));
  EXPECT_FALSE(SeesPersonalData(Role::kDistributor));
  EXPECT_FALSE(RoleFromName("admin").has_value());
}

TEST(PasswordTest, Argon2idHashesThatVerifyOnlyTheirPassword) {
  auto h = HashPassword("correct horse");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_EQ(h->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*h, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horsf"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "correct horse"));
  EXPECT_FALSE(VerifyPassword("", "correct horse"));
  EXPECT_NE(*HashPassword("correct horse"), *h);  // salted
  EXPECT_EQ(CheckPassword("short", "password").field(), "password");
  EXPECT_FALSE(CheckPassword(std::string(129, 'a'), "password").ok());
  EXPECT_FALSE(CheckPassword(std::string("abc\0defgh", 9), "password").ok());
  EXPECT_FALSE(CheckPassword("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "password").ok());
  EXPECT_TRUE(CheckPassword("密码很长很长", "password").ok());
  EXPECT_EQ(RandomPassword().size(), 16u);
  EXPECT_NE(RandomPassword(), RandomPassword());
}

TEST(LoginTest, EmailsAndPhonesNormalize) {
  EXPECT_EQ(*NormalizeLogin("Li.Na@Brand.CN", "login"), "li.na@brand.cn");
  EXPECT_EQ(*NormalizeLogin("138 0013 8000", "login"), "13800138000");
  EXPECT_EQ(*NormalizeLogin("+86-138-0013-8000", "login"), "+8613800138000");
  for (const char* bad :
       {"", "@x.cn", "a@b", "a@b.", "a@@b.cn", "12345", "138a", "a b@c.cn", "1+38001380000"}) {
    Status s = NormalizeLogin(bad, "login").status();
    EXPECT_EQ(s.field(), "login") << bad;
  }
  EXPECT_FALSE(NormalizeLogin(std::string(255, '1'), "login").ok());
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    ASSERT_TRUE(engine_->CreateWorkspace("brand-b", "B").ok());
    accounts_ = std::make_unique<AccountService>(engine_.get());
  }
  User Add(const std::string& ws, const std::string& login, const std::string& role,
           const std::string& password, const std::string& staff = "") {
    auto r = accounts_->AddUser(ws, {login, "", role, password, staff, ""});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->first : User{};
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<AccountService> accounts_;
};

TEST_F(AccountsTest, UsersAreValidatedAndLoginsUniqueAcrossWorkspaces) {
  Add(kDefaultWorkspace, "owner@brand.cn", "owner", "owner-pass-1");
  auto taken = accounts_->AddUser("brand-b", {"OWNER@brand.cn", "", "analyst", "x-pass-123"});
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(accounts_->AddUser(kDefaultWorkspace, {"a@b.cn", "", "admin", ""}).status().field(),
            "role");
  EXPECT_EQ(accounts_->AddUser(kDefaultWorkspace, {"s@b.cn", "", "staff", ""}).status().field(),
            "staff_id");
  EXPECT_EQ(accounts_->AddUser(kDefaultWorkspace, {"o@b.cn", "", "operator", "", "stf_1"})
                .status()
                .field(),
            "staff_id");
  EXPECT_EQ(
      accounts_->AddUser(kDefaultWorkspace, {"p@b.cn", "", "analyst", "short"}).status().field(),
      "password");
  EXPECT_EQ(accounts_->AddUser("nope", {"q@b.cn", "", "analyst", ""}).status().code(),
            StatusCode::kNotFound);
  clock_.Advance(kMicrosPerSecond);  // listed oldest first
  auto generated =
      accounts_->AddUser(kDefaultWorkspace, {"13800138000", "小王", "staff", "", "stf_wang", ""});
  ASSERT_TRUE(generated.ok());
  EXPECT_EQ(generated->second.size(), 16u);  // pond chose the password and shows it once
  auto users = accounts_->ListUsers(kDefaultWorkspace).value();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[1].name, "小王");
  EXPECT_EQ(users[1].staff_id, "stf_wang");
  EXPECT_TRUE(accounts_->Login("13800138000", generated->second, "1.2.3.4").ok());
}

TEST_F(AccountsTest, SessionsLiveUntilLogoutExpiryDisableOrReset) {
  Add(kDefaultWorkspace, "op@brand.cn", "operator", "operator-pass");
  EXPECT_EQ(accounts_->Login("op@brand.cn", "wrong-pass", "a").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts_->Login("nobody@brand.cn", "operator-pass", "a").status().message(),
            accounts_->Login("op@brand.cn", "wrong-pass", "a").status().message());

  auto s = accounts_->Login("OP@brand.cn", "operator-pass", "a");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->token.starts_with("pond_sess_default.usr_"));
  EXPECT_EQ(s->csrf_token, CsrfTokenFor(s->token));
  auto who = accounts_->Authenticate(s->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, Role::kOperator);
  EXPECT_EQ(who->workspace_id, kDefaultWorkspace);
  // Only the hash is stored.
  for (const StoredObject& o :
       engine_->ListObjects(kDefaultWorkspace, "session:" + who->user_id).value()) {
    EXPECT_EQ(o.id.find(s->token), std::string::npos);
    EXPECT_EQ(o.body.find(s->token), std::string::npos);
  }
  // A forged token naming another workspace or user, or altered, is nobody.
  std::string forged = s->token;
  forged.replace(forged.find("default"), 7, "brand-b");
  EXPECT_FALSE(accounts_->Authenticate(forged).ok());
  EXPECT_FALSE(accounts_->Authenticate(s->token + "0").ok());
  EXPECT_FALSE(accounts_->Authenticate("pond_sess_..").ok());

  ASSERT_TRUE(accounts_->Logout(s->token).ok());
  EXPECT_FALSE(accounts_->Authenticate(s->token).ok());
  EXPECT_FALSE(accounts_->Logout(s->token).ok());

  auto expiring = accounts_->Login("op@brand.cn", "operator-pass", "a").value();
  clock_.Advance(kSessionMicros);
  EXPECT_EQ(accounts_->Authenticate(expiring.token).status().code(), StatusCode::kUnauthenticated);

  auto before_reset = accounts_->Login("op@brand.cn", "operator-pass", "a").value();
  ASSERT_TRUE(accounts_->ResetPassword(kDefaultWorkspace, "op@brand.cn", "new-operator-pass").ok());
  EXPECT_FALSE(accounts_->Authenticate(before_reset.token).ok());
  EXPECT_FALSE(accounts_->Login("op@brand.cn", "operator-pass", "a").ok());
  auto after_reset = accounts_->Login("op@brand.cn", "new-operator-pass", "a").value();

  // Disabled from another process (another AccountService over the same store): seen after
  // the recheck interval.
  AccountService other(engine_.get());
  ASSERT_TRUE(accounts_->Authenticate(after_reset.token).ok());
  ASSERT_TRUE(other.DisableUser(kDefaultWorkspace, "op@brand.cn").ok());
  clock_.Advance(kRecheckMicros);
  EXPECT_FALSE(accounts_->Authenticate(after_reset.token).ok());
  EXPECT_FALSE(accounts_->Login("op@brand.cn", "new-operator-pass", "a").ok());
}

TEST_F(AccountsTest, FailedLoginsAreThrottledPerAccountAndPerAddress) {
  Add(kDefaultWorkspace, "a@brand.cn", "analyst", "analyst-pass");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        accounts_->Login("a@brand.cn", "guess-" + std::to_string(i), "10.0.0." + std::to_string(i))
            .status()
            .code(),
        StatusCode::kUnauthenticated);
  }
  // Five failures from five addresses: the account refuses even the right password for now.
  Status locked = accounts_->Login("a@brand.cn", "analyst-pass", "10.0.0.9").status();
  EXPECT_EQ(locked.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(locked.message().find("min"), std::string::npos);
  clock_.Advance(15 * 60 * kMicrosPerSecond);
  EXPECT_TRUE(accounts_->Login("a@brand.cn", "analyst-pass", "10.0.0.9").ok());

  // One address guessing across many accounts is stopped by the address limit.
  for (int i = 0; i < 20; ++i) {
    (void)accounts_->Login("user" + std::to_string(i) + "@x.cn", "whatever-pass", "6.6.6.6");
  }
  EXPECT_EQ(accounts_->Login("a@brand.cn", "analyst-pass", "6.6.6.6").status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(accounts_->Login("a@brand.cn", "analyst-pass", "10.0.0.10").ok());
}

}  // namespace
}  // namespace pond::auth
