// What the fetcher remembers between runs, in the archive's
// .cncert-fetch-state.json: per URL its validators and the file it became
// (or why it is gone for good), the progress of history walks so that an
// interrupted one resumes, and the issue of each archive file (keyed by
// its size and mtime) so that a walk need not parse the archive again.
#ifndef CNCERT_EXPORTER_FETCH_FETCH_STATE_H_
#define CNCERT_EXPORTER_FETCH_FETCH_STATE_H_

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace cncert {

struct UrlRecord {
  std::string etag;
  std::string last_modified;
  std::string file;  // the archive file it was stored as
  std::string gone;  // why it cannot be fetched (HTTP 4xx), else ""
};

struct FileIssue {
  long long size = 0;
  long long mtime_ns = 0;
  std::string issue;  // IssueLabel, "" when the file is no bulletin
};

class FetchState {
 public:
  explicit FetchState(std::string archive_dir);

  // Reads the file; a missing or unreadable one starts afresh (logged).
  void Load();
  void Save();

  UrlRecord Recall(const std::string& url) const;
  void Remember(const std::string& url, UrlRecord record);
  // Stored as a file, or gone for good.
  bool Handled(const std::string& url) const;

  // A walk's own record (HistoryWalk decides its shape); null when none.
  nlohmann::json Walk(const std::string& key) const;
  void SetWalk(const std::string& key, nlohmann::json record);

  std::map<std::string, FileIssue> file_issues() const;
  void set_file_issues(std::map<std::string, FileIssue> issues);

  const std::string& archive_dir() const { return archive_dir_; }

 private:
  std::string archive_dir_;
  mutable std::mutex mutex_;
  std::map<std::string, UrlRecord> urls_;
  std::map<std::string, nlohmann::json> walks_;
  std::map<std::string, FileIssue> file_issues_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_FETCH_STATE_H_
