#include "exporter/archive/source_record.h"

#include <nlohmann/json.hpp>

#include "exporter/base/files.h"

namespace cncert {

std::string SourceRecord::ToJson() const {
  nlohmann::json j = {{"url", url}, {"fetched_from", fetched_from}};
  if (!page.empty()) j["page"] = page;
  if (published) j["published"] = FormatDate(*published);
  return j.dump(2) + "\n";
}

std::optional<SourceRecord> SourceRecord::FromJson(std::string_view json) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto text = [&j](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                 : std::string();
  };
  SourceRecord r;
  r.url = text("url");
  r.fetched_from = text("fetched_from");
  r.page = text("page");
  r.published = FindDate(text("published"));
  return r;
}

std::string SourceRecordName(const std::string& file_name) {
  return "." + file_name + std::string(kRecordSuffix);
}

Status StoreWithSource(const std::string& dir, const std::string& name,
                       std::string_view bytes, const SourceRecord& record) {
  Status s =
      WriteFileAtomically(dir + "/" + SourceRecordName(name), record.ToJson());
  if (!s.ok()) return s;
  return WriteFileAtomically(dir + "/" + name, bytes);
}

void MergeSourceRecord(const std::string& path, Bulletin& bulletin) {
  if (!bulletin.ok()) return;
  const auto slash = path.rfind('/');
  const std::string record_path =
      path.substr(0, slash + 1) + SourceRecordName(path.substr(slash + 1));
  constexpr std::size_t kMaxRecordBytes = std::size_t{64} * 1024;
  const FileContent file =
      ReadFileCapped(record_path, kMaxRecordBytes, FileOrigin::kArchive);
  if (!file.error.empty()) return;
  const auto record = SourceRecord::FromJson(file.bytes);
  if (!record) return;
  Identity& id = bulletin.identity;
  if (id.url.empty()) id.url = record->url;
  if (!id.published) id.published = record->published;
}

}  // namespace cncert
