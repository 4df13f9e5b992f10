#include "tests/support/tiny_pdf.h"

#include <cstdio>
#include <vector>

namespace cncert::testing {

namespace {

// UTF-8 → code points (BMP only; anything else becomes '?').
std::vector<unsigned> CodePoints(const std::string& s) {
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    unsigned cp = '?';
    std::size_t n = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 6 && i + 1 < s.size()) {
      cp = ((c & 0x1f) << 6) | (s[i + 1] & 0x3f);
      n = 2;
    } else if ((c >> 4) == 14 && i + 2 < s.size()) {
      cp = ((c & 0x0f) << 12) | ((s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
      n = 3;
    } else if ((c >> 3) == 30) {
      n = 4;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string Hex(const std::vector<unsigned>& cps, std::size_t from,
                std::size_t to) {
  std::string out;
  char buf[8];
  for (std::size_t i = from; i < to; ++i) {
    std::snprintf(buf, sizeof buf, "%04X", cps[i]);
    out += buf;
  }
  return out;
}

std::string ToUnicodeCmap() {
  std::vector<std::string> ranges;
  char buf[64];
  for (unsigned hi = 0; hi < 256; ++hi) {
    if (hi >= 0xD8 && hi <= 0xDF) continue;  // surrogates
    std::snprintf(buf, sizeof buf, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
    ranges.push_back(buf);
  }
  std::string blocks;
  for (std::size_t i = 0; i < ranges.size(); i += 100) {
    const std::size_t n = std::min<std::size_t>(100, ranges.size() - i);
    blocks += std::to_string(n) + " beginbfrange\n";
    for (std::size_t j = i; j < i + n; ++j) blocks += ranges[j];
    blocks += "endbfrange\n";
  }
  return "/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 "
         ">> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 "
         "begincodespacerange <0000> <FFFF> endcodespacerange\n" +
         blocks +
         "endcmap CMapName currentdict /CMap defineresource pop end end";
}

std::string Stream(const std::string& data) {
  return "<< /Length " + std::to_string(data.size()) + " >>\nstream\n" + data +
         "\nendstream";
}

// Objects 1… in order, the first the catalog, with their cross-reference
// table.
std::string Serialize(const std::vector<std::string>& objects) {
  std::string out = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) +
         "\n0000000000 65535 f \n";
  char buf[32];
  for (const std::size_t o : offsets) {
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace

std::string MakeTextPdf(const std::string& text) {
  // Wrapped lines, 50 to a page.
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t eol = text.find('\n', pos);
    const auto cps = CodePoints(
        text.substr(pos, (eol == std::string::npos ? text.size() : eol) - pos));
    for (std::size_t i = 0; i < cps.size(); i += 40) {
      lines.push_back(Hex(cps, i, std::min(cps.size(), i + 40)));
    }
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  std::vector<std::string> pages;
  for (std::size_t i = 0; i < lines.size(); i += 50) {
    std::string content = "BT /F1 12 Tf 14 TL 40 800 Td\n";
    for (std::size_t j = i; j < std::min(lines.size(), i + 50); ++j) {
      content += "<" + lines[j] + "> Tj T*\n";
    }
    pages.push_back(content + "ET");
  }
  // 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, 6 cmap, then
  // a page and its content per page.
  const std::string font =
      "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding "
      "/Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>";
  const std::string descendant =
      "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 "
      ">> /FontDescriptor 5 0 R /DW 1000 >>";
  const std::string descriptor =
      "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox "
      "[0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight "
      "880 /StemV 80 >>";
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>",
                                      "",
                                      font,
                                      descendant,
                                      descriptor,
                                      Stream(ToUnicodeCmap())};
  std::string kids;
  for (const auto& content : pages) {
    const std::size_t page = objects.size() + 1;
    kids += std::to_string(page) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << "
        "/Font << /F1 3 0 R >> >> /Contents " +
        std::to_string(page + 1) + " 0 R >>");
    objects.push_back(Stream(content));
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " +
               std::to_string(pages.size()) + " >>";
  return Serialize(objects);
}

std::string MakeManyGlyphsPdf(int glyphs) {
  std::string content = "BT /F1 4 Tf ";
  for (int i = 0; i < glyphs; ++i) {
    content += "1 0 0 1 " + std::to_string(i % 600) + " " +
               std::to_string((i / 600) % 790) + " Tm (ab) Tj ";
  }
  content += "ET";
  return Serialize({"<< /Type /Catalog /Pages 2 0 R >>",
                    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
                                "612 792] /Contents 4 0 R ") +
                        "/Resources << /Font << /F1 5 0 R >> >> >>",
                    Stream(content),
                    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"});
}

std::string MakeManyPagesPdf(int pages) {
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "",
      Stream("BT /F1 12 Tf 72 700 Td (page) Tj ET"),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string kids;
  for (int i = 0; i < pages; ++i) {
    kids += std::to_string(objects.size() + 1) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 "
        "R /Resources << /Font << /F1 4 0 R >> >> >>");
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " +
               std::to_string(pages) + " >>";
  return Serialize(objects);
}

}  // namespace cncert::testing
