#include "parsers/image_trust.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

#include "parsers/checks.h"
#include "parsers/strings.h"

namespace cncert {

namespace {

bool FromImage(const Value& v) { return v.provenance.read_from_image(); }

// The value of an unlabelled series, by its interned name: compared as
// indices, where a look-up by string compared each value's name.
const Value* FindSeries(const Bulletin& b, const Name& metric) {
  for (const Value& v : b.values) {
    if (v.metric == metric && v.labels.empty()) return &v;
  }
  return nullptr;
}

// Removes the values for which `drop` says why, with a warning each; moves
// none when none goes (the usual case).
template <typename F>
bool DropIf(Bulletin* b, F drop) {
  std::vector<Value> kept;
  bool dropping = false;
  for (std::size_t i = 0; i < b->values.size(); ++i) {
    Value& v = b->values[i];
    std::string why;
    if (FromImage(v)) why = drop(v);
    if (why.empty()) {
      if (dropping) kept.push_back(v);
      continue;
    }
    if (!dropping) {
      dropping = true;
      kept.reserve(b->values.size() - 1);
      std::move(b->values.begin(), b->values.begin() + static_cast<long>(i),
                std::back_inserter(kept));
    }
    b->warnings.push_back(SeriesKey(v.metric, v.labels) + " = " +
                          FormatNumber(v.value) + " read from image " +
                          ImageOf(*b, v.provenance) + " is not served: " + why);
  }
  if (dropping) b->values = std::move(kept);
  return dropping;
}

}  // namespace

std::string IssueNamedIn(std::string_view image_text) {
  static const RE2 kIssue(R"((\d{4})年第(\d{1,3})期)");
  // Every match holds "年第"; most images hold none, and RE2 would search
  // all of their text.
  if (image_text.find("年第") == std::string_view::npos) return "";
  int year = 0;
  int issue = 0;
  if (!RE2::PartialMatch(image_text, kIssue, &year, &issue)) return "";
  return std::to_string(year) + "-" + std::to_string(issue);
}

bool DropUntrustedImageValues(const std::vector<std::string>& named_issues,
                              const std::vector<ImageRef>& images,
                              double min_confidence,
                              const std::vector<Inconsistency>& found,
                              Bulletin* bulletin) {
  // Nothing to weigh when every figure is typed text (the usual case).
  if (std::none_of(bulletin->values.begin(), bulletin->values.end(),
                   [](const Value& v) { return FromImage(v); })) {
    return false;
  }
  // An image that names another issue belongs to another bulletin.
  const Identity& id = bulletin->identity;
  const std::string own = id.year && id.issue ? std::to_string(*id.year) + "-" +
                                                    std::to_string(*id.issue)
                                              : "";
  std::set<std::string> foreign;
  for (std::size_t i = 0; i < images.size() && i < named_issues.size(); ++i) {
    const std::string& named = named_issues[i];
    if (!own.empty() && !named.empty() && named != own) {
      foreign.insert(images[i].src);
    }
  }
  // Consistency: a failed check drops the image figures it involves (which
  // of them was misread cannot be told); typed figures stay.
  std::map<std::string, std::string> suspect;  // series → why
  std::vector<Inconsistency> shares;
  // Shares are stated to 0.1 %: recomputed from read counts they must agree
  // to that, not only to the percentage point the text check allows. A digit
  // misread in a count of thousands moves a share of 2 % by less than that.
  struct Share {
    Name part, whole, ratio;
  };
  static const auto* const kShares = new std::array<Share, 2>{{
      {"cncert_defaced_government_websites", "cncert_defaced_websites",
       "cncert_defaced_government_websites_ratio"},
      {"cncert_backdoored_government_websites", "cncert_backdoored_websites",
       "cncert_backdoored_government_websites_ratio"},
  }};
  for (const auto& [part, whole, ratio] : *kShares) {
    const Value* p = FindSeries(*bulletin, part);
    const Value* w = FindSeries(*bulletin, whole);
    const Value* share = FindSeries(*bulletin, ratio);
    if (!p || !w || !share || w->value <= 0) continue;
    if (!FromImage(*p) && !FromImage(*w) && !FromImage(*share)) continue;
    const double actual = p->value / w->value;
    if (std::fabs(actual - share->value) > 0.0015) {
      shares.push_back({"the share " + FormatNumber(share->value) +
                            " read from an image " + "does not match " +
                            FormatNumber(p->value) + " of " +
                            FormatNumber(w->value),
                        {ratio.str(), part.str(), whole.str()}});
    }
  }
  const std::array<const std::vector<Inconsistency>*, 2> lists = {&found,
                                                                  &shares};
  for (const std::vector<Inconsistency>* list : lists) {
    for (const Inconsistency& failed : *list) {
      for (const Value& v : bulletin->values) {
        const std::string& key = InternedSeriesKey(v.metric, v.labels);
        if (FromImage(v) &&
            std::find(failed.series.begin(), failed.series.end(), key) !=
                failed.series.end()) {
          std::string& why = suspect[key];
          why += (why.empty() ? "" : "; ") + failed.message;
        }
      }
    }
  }
  bool dropped = false;
  if (!suspect.empty()) {
    dropped = DropIf(bulletin, [&](const Value& v) -> std::string {
      const auto it = suspect.find(InternedSeriesKey(v.metric, v.labels));
      return it == suspect.end() ? "" : it->second;
    });
  }
  // Then what was read with too little confidence. (The checks above also
  // weigh such figures: a doubtful share still exposes a misread count.)
  dropped |= DropIf(bulletin, [&](const Value& v) -> std::string {
    if (foreign.contains(ImageOf(*bulletin, v.provenance))) {
      return "the image names another issue than " + own;
    }
    if (v.provenance.confidence() &&
        *v.provenance.confidence() < min_confidence) {
      return "OCR confidence " +
             FormatNumber(std::round(*v.provenance.confidence())) +
             " is below " + FormatNumber(min_confidence);
    }
    return "";
  });
  return dropped;
}

}  // namespace cncert
