// The console's files: what a path gets, and hostile paths that must not leave the directory.
#include "server/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "pond/testing/temp_dir.h"

namespace pond::server {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(site_.path() / "dist" / "assets");
    Write("dist/index.html", "<html>console</html>");
    Write("dist/assets/app-1a2b.js", "console.log(1)");
    Write("secret.txt", "outside the site");
  }
  void Write(const std::string& name, const std::string& body) {
    std::ofstream(site_.path() / name) << body;
  }
  std::string Dist() const { return (site_.path() / "dist").string(); }

  testing::TempDir site_;
};

TEST_F(StaticFilesTest, ServesFilesAndTheAppForOtherPaths) {
  auto js = ServeStatic(Dist(), "/assets/app-1a2b.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->headers["Cache-Control"], "public, max-age=31536000, immutable");
  for (const char* path : {"/", "/customers/cus_00000001", "/segments?x=1", "/assets/missing.js"}) {
    auto page = ServeStatic(Dist(), path);
    ASSERT_TRUE(page.has_value()) << path;
    EXPECT_EQ(page->body, "<html>console</html>") << path;
    EXPECT_EQ(page->headers["Cache-Control"], "no-cache");
  }
}

TEST_F(StaticFilesTest, HostilePathsNeverLeaveTheDirectory) {
  const std::string nul("/assets/app-1a2b.js\0../../secret.txt", 36);
  for (const std::string& path :
       {std::string("/../secret.txt"), std::string("/assets/../../secret.txt"),
        std::string("/./index.html/../../secret.txt"), std::string("/..\\secret.txt"),
        std::string("//etc/passwd"), std::string("/assets//app-1a2b.js"), nul,
        "/" + std::string(100'000, 'a')}) {
    auto r = ServeStatic(Dist(), path);
    ASSERT_TRUE(r.has_value()) << path.substr(0, 40);
    EXPECT_EQ(r->body, "<html>console</html>") << path.substr(0, 40);
  }
}

TEST_F(StaticFilesTest, NothingWithoutABuiltConsole) {
  EXPECT_FALSE(ServeStatic("", "/").has_value());
  EXPECT_FALSE(ServeStatic((site_.path() / "nowhere").string(), "/").has_value());
  EXPECT_EQ(ContentTypeFor("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("blob"), "application/octet-stream");
}

}  // namespace
}  // namespace pond::server
