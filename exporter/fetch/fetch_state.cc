#include "exporter/fetch/fetch_state.h"

#include "exporter/base/files.h"
#include "exporter/base/log.h"

namespace cncert {

namespace {

constexpr const char* kStateFile = ".cncert-fetch-state.json";

}  // namespace

FetchState::FetchState(std::string archive_dir)
    : archive_dir_(std::move(archive_dir)) {}

void FetchState::Load() {
  const FileContent file = ReadFileCapped(archive_dir_ + "/" + kStateFile,
                                          64u << 20, FileOrigin::kArchive);
  if (!file.error.empty()) return;  // first run
  const auto j = nlohmann::json::parse(file.bytes, nullptr, false);
  if (!j.is_object() || !j.contains("urls") || !j["urls"].is_object()) {
    log::Warn("fetch state unreadable; starting afresh",
              {{"file", kStateFile}});
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [url, v] : j["urls"].items()) {
    if (!v.is_object()) continue;
    urls_[url] = {v.value("etag", ""), v.value("last_modified", ""),
                  v.value("file", ""), v.value("gone", "")};
  }
  if (const auto w = j.find("walks"); w != j.end() && w->is_object()) {
    for (const auto& [key, v] : w->items()) {
      if (v.is_object()) walks_[key] = v;
    }
  }
  if (const auto f = j.find("files"); f != j.end() && f->is_object()) {
    for (const auto& [name, v] : f->items()) {
      if (!v.is_object()) continue;
      file_issues_[name] = {v.value("size", 0LL), v.value("mtime_ns", 0LL),
                            v.value("issue", "")};
    }
  }
}

void FetchState::Save() {
  nlohmann::json j = {{"urls", nlohmann::json::object()}};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [url, r] : urls_) {
      nlohmann::json& u = j["urls"][url];
      u = {{"file", r.file}};
      if (!r.etag.empty()) u["etag"] = r.etag;
      if (!r.last_modified.empty()) u["last_modified"] = r.last_modified;
      if (!r.gone.empty()) u["gone"] = r.gone;
    }
    if (!walks_.empty()) j["walks"] = walks_;
    for (const auto& [name, f] : file_issues_) {
      j["files"][name] = {
          {"size", f.size}, {"mtime_ns", f.mtime_ns}, {"issue", f.issue}};
    }
  }
  const Status s =
      WriteFileAtomically(archive_dir_ + "/" + kStateFile, j.dump(1));
  if (!s.ok()) log::Warn("cannot save fetch state", {{"err", s.message()}});
}

UrlRecord FetchState::Recall(const std::string& url) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = urls_.find(url);
  return it == urls_.end() ? UrlRecord{} : it->second;
}

void FetchState::Remember(const std::string& url, UrlRecord record) {
  std::lock_guard<std::mutex> lock(mutex_);
  urls_[url] = std::move(record);
}

bool FetchState::Handled(const std::string& url) const {
  const UrlRecord r = Recall(url);
  return !r.file.empty() || !r.gone.empty();
}

nlohmann::json FetchState::Walk(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = walks_.find(key);
  return it == walks_.end() ? nlohmann::json() : it->second;
}

void FetchState::SetWalk(const std::string& key, nlohmann::json record) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (record.is_null()) {
    walks_.erase(key);
  } else {
    walks_[key] = std::move(record);
  }
}

std::map<std::string, FileIssue> FetchState::file_issues() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return file_issues_;
}

void FetchState::set_file_issues(std::map<std::string, FileIssue> issues) {
  std::lock_guard<std::mutex> lock(mutex_);
  file_issues_ = std::move(issues);
}

}  // namespace cncert
