// The outcome of an operation that can fail: reads as success or error at the
// call site (`if (!status.ok())`), unlike an optional message.
#ifndef CNCERT_EXPORTER_BASE_STATUS_H_
#define CNCERT_EXPORTER_BASE_STATUS_H_

#include <string>
#include <utility>

namespace cncert {

class [[nodiscard]] Status {
 public:
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    Status s;
    s.ok_ = false;
    s.message_ = std::move(message);
    return s;
  }

  bool ok() const { return ok_; }
  // What failed and why; empty when ok().
  const std::string& message() const { return message_; }

 private:
  Status() = default;
  bool ok_ = true;
  std::string message_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_STATUS_H_
