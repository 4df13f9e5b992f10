// Why a file holds no usable bulletin: one closed set, named once, so that
// logs, metrics and the API agree.
#ifndef CNCERT_PARSERS_FAILURE_H_
#define CNCERT_PARSERS_FAILURE_H_

#include <array>
#include <string_view>

namespace cncert {

enum class Failure {
  kNone,
  kEmpty,       // zero bytes
  kTooLarge,    // over the size cap
  kBinary,      // not text in any supported encoding
  kEncoding,    // text, but mis-encoded
  kPdf,         // a PDF that cannot be read or has no text layer
  kFormat,      // no decoder recognised it
  kNoBulletin,  // readable, but no CNCERT weekly bulletin in it
  kUnreadable,  // the exporter could not open or read the file
  kNotRegular,  // a directory, device, FIFO or symlink
  kResources,   // a parser went over its memory or time budget
};

inline constexpr std::array kAllFailures = {
    Failure::kEmpty,      Failure::kTooLarge,   Failure::kBinary,
    Failure::kEncoding,   Failure::kPdf,        Failure::kFormat,
    Failure::kNoBulletin, Failure::kUnreadable, Failure::kNotRegular,
    Failure::kResources};

// The label value: "too_large", "no_bulletin", …; "" for kNone.
constexpr std::string_view FailureName(Failure f) {
  switch (f) {
    case Failure::kNone:
      return "";
    case Failure::kEmpty:
      return "empty";
    case Failure::kTooLarge:
      return "too_large";
    case Failure::kBinary:
      return "binary";
    case Failure::kEncoding:
      return "encoding";
    case Failure::kPdf:
      return "pdf";
    case Failure::kFormat:
      return "format";
    case Failure::kNoBulletin:
      return "no_bulletin";
    case Failure::kUnreadable:
      return "unreadable";
    case Failure::kNotRegular:
      return "not_regular";
    case Failure::kResources:
      return "resources";
  }
  return "";
}

}  // namespace cncert

#endif  // CNCERT_PARSERS_FAILURE_H_
