#include "server/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pond::server {
namespace {

bool ReadFile(const std::filesystem::path& file, std::string* out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream body;
  body << in.rdbuf();
  *out = std::move(body).str();
  return true;
}

// Only plain relative paths: no "..", no backslashes, no NULs, no empty segments.
bool IsSafe(const std::string& relative) {
  if (relative.empty() || relative.find('\\') != std::string::npos ||
      relative.find('\0') != std::string::npos) {
    return false;
  }
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    const std::string_view segment(relative.data() + start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string ContentTypeFor(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<HttpResponse> ServeStatic(const std::string& web_dir, const std::string& path) {
  if (web_dir.empty()) return std::nullopt;
  const std::filesystem::path root(web_dir);
  HttpResponse r;
  const std::string relative = path.size() > 1 ? path.substr(1) : "";
  if (IsSafe(relative) && ReadFile(root / relative, &r.body)) {
    r.content_type = ContentTypeFor(relative);
    // Vite names built assets by their content's hash: they never change under one name.
    r.headers["Cache-Control"] =
        relative.starts_with("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    return r;
  }
  if (!ReadFile(root / "index.html", &r.body)) return std::nullopt;
  r.content_type = "text/html; charset=utf-8";
  r.headers["Cache-Control"] = "no-cache";
  return r;
}

}  // namespace pond::server
