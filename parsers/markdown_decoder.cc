// Crawler Markdown: YAML front matter (title/url/source/date) and a body whose
// images and link targets carry no bulletin text.
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "parsers/document.h"
#include "parsers/encoding.h"
#include "parsers/front_matter.h"
#include "parsers/line_marks.h"
#include "parsers/markdown_image.h"

namespace cncert {

namespace {

bool StartsWithFrontMatter(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text.substr(0, 4) == "---\n" || text.substr(0, 5) == "---\r\n";
}

void ReadFrontMatter(Document& doc, std::string& body) {
  if (!StartsWithFrontMatter(body)) return;
  const std::size_t first = body.find('\n') + 1;
  std::size_t close = body.find("\n---", first - 1);
  if (close == std::string::npos) {
    doc.warnings.push_back("front matter is not closed by '---'; ignored");
    return;
  }
  const std::string yaml = body.substr(first, close - first);
  std::size_t after = body.find('\n', close + 1);
  body = after == std::string::npos ? "" : body.substr(after + 1);
  if (const auto plain = ReadPlainFrontMatter(yaml)) {
    if (plain->empty()) {
      doc.warnings.push_back("front matter is not a mapping; ignored");
      return;
    }
    auto scalar = [&plain](const char* key) -> std::string {
      const auto it = plain->find(key);
      return it == plain->end() ? "" : it->second;
    };
    doc.title = scalar("title");
    doc.url = scalar("url");
    doc.published = scalar("date");
    return;
  }
  // yaml-cpp builds a node per scalar: its memory is bounded by the input's
  // size, and real front matter is a few lines.
  constexpr std::size_t kMaxYaml = 64u << 10;
  if (yaml.size() > kMaxYaml) {
    doc.warnings.push_back("front matter of " + std::to_string(yaml.size()) +
                           " bytes is over the limit of 65536; ignored");
    return;
  }
  try {
    const YAML::Node node = YAML::Load(yaml);
    if (!node.IsMap()) {
      doc.warnings.push_back("front matter is not a mapping; ignored");
      return;
    }
    auto scalar = [&node](const char* key) -> std::string {
      const YAML::Node value = node[key];
      return value && value.IsScalar() ? value.as<std::string>() : "";
    };
    doc.title = scalar("title");
    doc.url = scalar("url");
    doc.published = scalar("date");
  } catch (const YAML::Exception& e) {
    doc.warnings.push_back(std::string("front matter is not valid YAML (") +
                           e.what() + "); ignored");
  }
}

// ![alt](src "title") → a marker line; the reference goes to `images`.
std::string MarkImages(const std::string& body, std::vector<ImageRef>* images) {
  std::size_t at = body.find("![");
  if (at == std::string::npos) return body;
  std::string out;
  std::size_t copied = 0;
  for (; at != std::string::npos; at = body.find("![", at)) {
    const auto image = ReadMarkdownImage(body, at);
    if (!image) {
      ++at;
      continue;
    }
    out.append(body, copied, at - copied);
    out += ImageMarker(images->size());
    images->push_back({std::string(image->src), std::string(image->alt)});
    // Never empty: a reference holds at least "![]()".
    copied = at + image->length;
    at = copied;
  }
  out.append(body, copied);
  return out;
}

class MarkdownDecoder : public Decoder {
 public:
  std::string_view Name() const override { return "markdown"; }

  bool Sniff(std::string_view bytes) const override {
    if (StartsWithFrontMatter(bytes)) return true;
    const std::string_view head = bytes.substr(0, 4096);
    return head.substr(0, 2) == "# " || head.find("\n# ") != head.npos ||
           head.find("](http") != head.npos;
  }

  Document Decode(std::string_view bytes) const override {
    Document doc;
    doc.format = "markdown";
    DecodedText decoded = DecodeToUtf8(bytes, "");
    doc.encoding = decoded.encoding;
    doc.warnings = std::move(decoded.warnings);
    if (!decoded.error.empty()) {
      doc.error = std::move(decoded.error);
      doc.failure = decoded.failure;
      return doc;
    }
    std::string body = std::move(decoded.text);
    StripMarkers(body);
    ReadFrontMatter(doc, body);
    body = MarkImages(body, &doc.images);

    static const RE2 kLink(R"(\[([^\]\n]*)\]\([^)\n]*\))");
    static const RE2 kHeading(R"((?m)^[ \t]{0,3}#{1,6}[ \t]*)");
    static const RE2 kEmphasis(R"(\*\*|__)");
    static const RE2 kQuote(R"((?m)^[ \t]{0,3}>[ \t]?)");
    // Each pass only where what every match holds occurs at all.
    const auto holds = [&body](std::string_view literal) {
      return body.find(literal) != std::string::npos;
    };
    if (holds("](")) RE2::GlobalReplace(&body, kLink, R"(\1)");
    // Heading and quote marks open a line: asked there alone (a search
    // for "^" through the whole text took a tenth of a Markdown parse).
    if (holds("#")) body = StripLineMarks(body, kHeading, '#');
    if (holds("**") || holds("__")) RE2::GlobalReplace(&body, kEmphasis, "");
    if (holds(">")) body = StripLineMarks(body, kQuote, '>');
    doc.text = std::move(body);
    return doc;
  }
};

}  // namespace

std::unique_ptr<Decoder> MakeMarkdownDecoder() {
  return std::make_unique<MarkdownDecoder>();
}

}  // namespace cncert
