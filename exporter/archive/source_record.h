// What the fetcher knew of a file it stored in the archive, kept beside it as
// ".NAME.source.json": the URL it came from and the publication date of its
// report page. The bulletin's own statements win over it.
#ifndef CNCERT_EXPORTER_ARCHIVE_SOURCE_RECORD_H_
#define CNCERT_EXPORTER_ARCHIVE_SOURCE_RECORD_H_

#include <optional>
#include <string>
#include <string_view>

#include "exporter/base/status.h"
#include "parsers/bulletin.h"

namespace cncert {

struct SourceRecord {
  std::string url;           // of the stored document
  std::string fetched_from;  // the configured source (index or article URL)
  std::string page;          // the report page that linked it, if any
  std::optional<Date> published;

  std::string ToJson() const;
  static std::optional<SourceRecord> FromJson(std::string_view json);
};

// ".NAME.source.json" for the archive file NAME.
inline constexpr std::string_view kRecordSuffix = ".source.json";
std::string SourceRecordName(const std::string& file_name);

// Writes the record, then the file, each atomically, into `dir`: a file is
// never visible without its record.
Status StoreWithSource(const std::string& dir, const std::string& name,
                       std::string_view bytes, const SourceRecord& record);

// Reads the record of `path` (if any) into what the bulletin does not state.
void MergeSourceRecord(const std::string& path, Bulletin& bulletin);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_ARCHIVE_SOURCE_RECORD_H_
