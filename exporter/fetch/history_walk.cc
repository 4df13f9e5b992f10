#include "exporter/fetch/history_walk.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "exporter/base/files.h"
#include "exporter/base/log.h"
#include "parsers/parser.h"

namespace cncert {

namespace {

// The year of an IssueLabel ("2024-28"); 0 when there is none.
int YearOf(const std::string& issue) {
  return issue.size() >= 4 && std::isdigit(static_cast<unsigned char>(issue[0]))
             ? std::stoi(issue.substr(0, 4))
             : 0;
}

std::string SinceText(const std::optional<Date>& since) {
  return since ? FormatDate(*since) : "";
}

// Does a finished walk back to `covered` ("" = the whole series) cover a
// walk back to `wanted`?
bool Covers(const std::string& covered, const std::optional<Date>& wanted) {
  if (covered.empty()) return true;
  return wanted && FormatDate(*wanted) >= covered;
}

struct Candidate {
  std::string url;
  std::string title;
  std::string issue;  // "" when the title names none
};

// Newest issue first; the article the walk starts from, whose issue is not
// known yet, before all.
bool Before(const Candidate& a, const Candidate& b) {
  if (a.issue.empty() != b.issue.empty()) return a.issue.empty();
  return a.issue > b.issue;
}

}  // namespace

HistoryWalk::HistoryWalk(Fetcher& fetcher, const RuleSet& rules,
                         WalkOptions options)
    : fetcher_(fetcher), rules_(rules), options_(options) {
  held_ = HeldIssues(fetcher_.state(), rules_);
  held_before_ = held_;
  fetcher_.set_held_issues(&held_);
}

void HistoryWalk::Stop() {
  stop_ = true;
  fetcher_.client().Interrupt();
}

std::set<std::string> HistoryWalk::HeldIssues(FetchState& state,
                                              const RuleSet& rules) {
  const std::string& dir = state.archive_dir();
  const auto known = state.file_issues();
  std::map<std::string, FileIssue> now;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.empty() || name[0] == '.') continue;
      struct stat st {};
      if (::lstat((dir + "/" + name).c_str(), &st) != 0 ||
          !S_ISREG(st.st_mode)) {
        continue;
      }
      FileIssue f{static_cast<long long>(st.st_size),
                  static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                      st.st_mtim.tv_nsec,
                  ""};
      const auto it = known.find(name);
      if (it != known.end() && it->second.size == f.size &&
          it->second.mtime_ns == f.mtime_ns) {
        f.issue = it->second.issue;
      } else {
        const FileContent file =
            ReadFileCapped(dir + "/" + name, 32u << 20, FileOrigin::kArchive);
        if (file.error.empty()) {
          const Bulletin b = ParseBulletin(file.bytes, rules);
          if (b.ok()) f.issue = b.identity.IssueLabel();
        }
      }
      now[name] = f;
    }
    ::closedir(d);
  }
  std::set<std::string> held;
  for (const auto& [name, f] : now) {
    if (!f.issue.empty()) held.insert(f.issue);
  }
  state.set_file_issues(std::move(now));
  return held;
}

void HistoryWalk::Fail(const FetchOutcome& o, WalkReport* report) {
  ++report->failed;
  report->failures.push_back(
      {o.url, std::string(FetchFailureName(o.reason)), o.message});
}

void HistoryWalk::WalkIndex(const std::string& index_url, WalkReport* report) {
  FetchState& state = fetcher_.state();
  const std::string key = "index " + index_url;
  const nlohmann::json record = state.Walk(key);
  const bool resuming = record.is_object() &&
                        !record.value("complete", false) &&
                        !record.value("resume", "").empty();
  // After a full walk, a page whose entries are all known means the rest
  // is known too.
  const bool walked_before = record.is_object() &&
                             record.value("complete", false) &&
                             Covers(record.value("since", ""), options_.since);
  std::string page_url = resuming ? record.value("resume", "") : index_url;
  if (resuming) {
    report->resumed = true;
    log::Info("resuming an interrupted walk",
              {{"index", index_url}, {"page", page_url}});
  }
  auto save = [&](const std::string& resume, bool complete) {
    if (options_.dry_run) return;
    state.SetWalk(key, {{"resume", resume},
                        {"complete", complete},
                        {"since", complete ? SinceText(options_.since) : ""}});
    state.Save();
  };
  std::set<std::string> pages_seen;
  std::set<std::string> entries_seen;
  while (!page_url.empty()) {
    if (!pages_seen.insert(page_url).second) {
      log::Warn("the index pages link in a circle; stopping",
                {{"page", page_url}});
      break;
    }
    const FetchResult page = fetcher_.Get(page_url, index_url);
    if (!page.ok || page.not_modified) {
      if (stopping()) {
        save(page_url, false);  // interrupted: this page comes first next time
        return;
      }
      FetchOutcome o;
      o.url = page.final_url.empty() ? page_url : page.final_url;
      o.reason = page.ok ? FetchFailure::kHttp3xx : page.reason;
      o.message = page.message;
      Fail(o, report);
      save(page_url, false);  // the next run starts here
      Tell(*report);
      return;
    }
    ++report->pages;
    const auto entries = ParseIndexPage(page.body, page.final_url);
    const IndexPager pager = ParseIndexPager(page.body, page.final_url);
    if (pager.pages) report->pages_total = pager.pages;
    if (entries.empty()) {
      log::Warn("an index page lists no weekly report", {{"page", page_url}});
    }
    bool all_known = true;
    bool all_older = !entries.empty();
    bool interrupted = false;
    report->pending = static_cast<int>(entries.size());
    for (const auto& entry : entries) {
      --report->pending;
      // The same entry on two pages (the list moved while we walked).
      if (!entries_seen.insert(entry.url).second) continue;
      if (options_.since && entry.date && *entry.date < *options_.since) {
        ++report->skipped;
        continue;
      }
      all_older = false;
      const UrlRecord known = state.Recall(entry.url);
      const std::string issue = IssueInTitle(entry.title);
      if (!known.file.empty() ||
          (!known.gone.empty() && !options_.retry_gone) ||
          (!issue.empty() && held_.contains(issue))) {
        ++report->skipped;
        continue;
      }
      all_known = false;
      if (stopping() || Full(*report)) {
        interrupted = true;
        break;
      }
      if (options_.dry_run) {
        report->would_fetch.push_back(entry.url);
        Tell(*report);
        continue;
      }
      const FetchOutcome o = fetcher_.FetchEntry(index_url, entry);
      if (stopping() && o.kind == FetchOutcome::Kind::kFailed) {
        interrupted = true;
        break;
      }
      switch (o.kind) {
        case FetchOutcome::Kind::kStored:
          ++report->stored;
          report->files.push_back(o.file);
          break;
        case FetchOutcome::Kind::kHeld:
          ++report->skipped;
          break;
        case FetchOutcome::Kind::kFailed:
          Fail(o, report);
          break;
      }
      state.Save();
      Tell(*report);
    }
    report->pending = 0;
    if (interrupted) {
      save(page_url, false);
      return;
    }
    const std::string next = pager.next.value_or("");
    const bool reached_since = options_.since && all_older;
    const bool rest_known = walked_before && !entries.empty() && all_known;
    if (next.empty() || reached_since || rest_known) {
      report->complete = true;
      save("", true);
      Tell(*report);
      return;
    }
    save(next, false);
    Tell(*report);
    page_url = next;
  }
  report->complete = true;
  save("", true);
}

void HistoryWalk::WalkChain(const std::string& article_url,
                            WalkReport* report) {
  FetchState& state = fetcher_.state();
  const std::string key = "chain " + article_url;
  const nlohmann::json record = state.Walk(key);
  std::vector<Candidate> frontier;
  std::set<std::string> visited;  // URLs and issues
  if (record.is_object() && !record.value("complete", false) &&
      record.contains("frontier")) {
    report->resumed = true;
    for (const auto& c : record["frontier"]) {
      frontier.push_back(
          {c.value("url", ""), c.value("title", ""), c.value("issue", "")});
    }
    for (const auto& v : record.value("visited", nlohmann::json::array()))
      visited.insert(v.get<std::string>());
    log::Info(
        "resuming an interrupted walk",
        {{"article", article_url}, {"left", std::to_string(frontier.size())}});
  } else {
    frontier.push_back({article_url, "", ""});
  }
  auto save = [&](bool complete) {
    if (options_.dry_run) return;
    nlohmann::json f = nlohmann::json::array();
    for (const auto& c : frontier)
      f.push_back({{"url", c.url}, {"title", c.title}, {"issue", c.issue}});
    state.SetWalk(key, {{"complete", complete},
                        {"frontier", complete ? nlohmann::json::array() : f},
                        {"visited", complete ? nlohmann::json::array()
                                             : nlohmann::json(visited)}});
    state.Save();
  };
  bool reached_held = false;
  while (!frontier.empty() && !stopping() && !Full(*report)) {
    const auto it = std::min_element(frontier.begin(), frontier.end(), Before);
    const Candidate c = *it;
    frontier.erase(it);
    report->pending = static_cast<int>(frontier.size());
    if (visited.contains(c.url) ||
        (!c.issue.empty() && visited.contains(c.issue))) {
      continue;  // a cycle, or the same issue under another URL
    }
    if (options_.since && !c.issue.empty() &&
        YearOf(c.issue) < static_cast<int>(options_.since->year())) {
      ++report->skipped;
      continue;
    }
    const UrlRecord known = state.Recall(c.url);
    if (!known.gone.empty() && !options_.retry_gone) {
      visited.insert(c.url);
      ++report->skipped;
      continue;
    }
    const bool held_before = !c.issue.empty() && held_before_.contains(c.issue);
    if (held_before && !options_.since && c.url != article_url) {
      reached_held = true;  // the archive has the series from here on
      break;
    }
    // Read the article: from the archive when it was stored before, else
    // from the web (stored unless the archive has its issue).
    FetchOutcome o;
    const bool store =
        !options_.dry_run &&
        !(held_before || (!c.issue.empty() && held_.contains(c.issue)));
    if (!known.file.empty()) {
      const FileContent file =
          ReadFileCapped(state.archive_dir() + "/" + known.file, 32u << 20,
                         FileOrigin::kArchive);
      o.kind = FetchOutcome::Kind::kHeld;
      o.body = file.bytes;
      o.issue = c.issue;
    }
    if (o.body.empty()) o = fetcher_.FetchArticle(article_url, c.url, store);
    if (o.kind == FetchOutcome::Kind::kFailed) {
      if (stopping()) {
        frontier.push_back(c);  // not done: the next run tries it
        break;
      }
      visited.insert(c.url);
      Fail(o, report);
      save(false);
      Tell(*report);
      continue;
    }
    visited.insert(c.url);
    if (!o.issue.empty()) visited.insert(o.issue);
    ++report->pages;
    if (o.kind == FetchOutcome::Kind::kStored) {
      ++report->stored;
      report->files.push_back(o.file);
    } else if (options_.dry_run && !o.issue.empty() &&
               !held_.contains(o.issue)) {
      report->would_fetch.push_back(c.url);
    } else {
      ++report->skipped;
    }
    const bool too_old =
        options_.since && o.week_end && *o.week_end < *options_.since;
    if (!too_old) {
      for (const auto& link : ParseReviewLinks(o.body, c.url)) {
        const std::string issue = IssueInTitle(link.title);
        const bool queued =
            std::any_of(frontier.begin(), frontier.end(),
                        [&](const Candidate& q) { return q.url == link.url; });
        if (queued || visited.contains(link.url) ||
            (!issue.empty() && visited.contains(issue))) {
          continue;
        }
        frontier.push_back({link.url, link.title, issue});
      }
    }
    report->pending = static_cast<int>(frontier.size());
    save(false);
    Tell(*report);
  }
  report->complete = reached_held || frontier.empty();
  save(report->complete);
  Tell(*report);
}

}  // namespace cncert
