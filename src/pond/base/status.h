// Status and Result<T>: pond's one error vocabulary (after absl::Status / absl::StatusOr).
//
// A Status carries a canonical code, a human message and, for input errors, the field that was
// wrong ("batch[3].timestamp"), so that the server and the CLI can say exactly what to fix.
// Nothing in pond throws across a library boundary; functions that can fail return one of these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace pond {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,
  kPayloadTooLarge,
  kUnauthenticated,
  kPermissionDenied,
  kAborted,
  kUnavailable,
  kInternal,
};

// "invalid_argument", "not_found", ... as used in API error bodies.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return {StatusCode::kInvalidArgument, std::move(msg), std::move(field)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status PayloadTooLarge(std::string msg, std::string field = {}) {
    return {StatusCode::kPayloadTooLarge, std::move(msg), std::move(field)};
  }
  static Status Unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // Prefixes the field path: Status("…", "timestamp").WithFieldPrefix("batch[3]") names
  // "batch[3].timestamp". The message is prefixed the same way so a log line stands alone.
  Status WithFieldPrefix(std::string_view prefix) const;

  // "invalid_argument: batch[3].timestamp: not ISO-8601 (\"2024-13-01\")"
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_ && a.field_ == b.field_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

// Result<T> holds either a value or a non-OK Status (absl::StatusOr).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

// An input error about one field: FieldError("timestamp", "not ISO-8601") reads
// "timestamp: not ISO-8601" and names the field for the API's error body.
inline Status FieldError(std::string field, std::string_view problem) {
  std::string message = field + ": " + std::string(problem);
  return Status::InvalidArgument(std::move(message), std::move(field));
}

}  // namespace pond

#define POND_CONCAT_INNER(a, b) a##b
#define POND_CONCAT(a, b) POND_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::pond::Status pond_status_ = (expr);        \
    if (!pond_status_.ok()) return pond_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(POND_CONCAT(pond_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
