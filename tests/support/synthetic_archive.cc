#include "tests/support/synthetic_archive.h"

#include <iconv.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "parsers/encoding.h"

namespace cncert::testing {

namespace {

std::string Fmt(const char* format, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, a);
  return buf;
}

std::string N(double v) { return Fmt("%.0f", v); }

// Converts UTF-8 to GBK (GB18030) for the old mirror-site channel.
std::string ToGbk(const std::string& utf8) {
  std::string out;
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string in = utf8;
  char* src = in.data();
  std::size_t left = in.size();
  std::string buf(in.size() * 2 + 16, '\0');
  char* dst = buf.data();
  std::size_t room = buf.size();
  iconv(cd, &src, &left, &dst, &room);
  iconv_close(cd);
  buf.resize(buf.size() - room);
  return buf;
}

std::string Body(const SyntheticWeek& w) {
  const auto& f = w.figures;
  const char* posture[] = {"", "优", "良", "中", "差"};
  const char* threat[] = {"", "低", "中", "高"};
  const double gov_defaced = f.at("cncert_defaced_government_websites");
  const double defaced = f.at("cncert_defaced_websites");
  const double gov_back = f.at("cncert_backdoored_government_websites");
  const double back = f.at("cncert_backdoored_websites");
  std::string s;
  s += "本周网络安全基本态势\n本周，互联网网络安全态势整体评价为" +
       std::string(
           posture[static_cast<int>(f.at("cncert_security_posture_rating"))]) +
       "。\n";
  s += "本周网络病毒活动情况\n本周境内感染网络病毒的主机数量约为" +
       Fmt("%.1f", f.at("cncert_infected_hosts") / 1e4) +
       "万个，其中包括境内被木马或被僵尸程序控制的主机约" +
       Fmt("%.1f",
           f.at("cncert_infected_hosts_by_malware{malware=\"trojan_botnet\"}") /
               1e4) +
       "万以及境内感染飞客（conficker）蠕虫的主机约" +
       Fmt("%.1f",
           f.at("cncert_infected_hosts_by_malware{malware=\"conficker\"}") /
               1e4) +
       "万。\n";
  s += "本周，CNCERT捕获了新的网络病毒，按网络病毒名称统计新增" +
       N(f.at("cncert_new_virus_names")) + "个，按网络病毒家族统计新增" +
       N(f.at("cncert_new_virus_families")) + "个。\n";
  s += "本周，CNCERT监测发现放马站点共涉及域名" +
       N(f.at("cncert_malware_hosting_domains")) + "个，涉及IP地址" +
       N(f.at("cncert_malware_hosting_ips")) + "个。在" +
       N(f.at("cncert_malware_hosting_domains")) + "个域名中，有约" +
       Fmt("%.1f", f.at("cncert_malware_hosting_domains_foreign_ratio") * 100) +
       "%为境外注册，且顶级域为.com的约占" +
       Fmt("%.1f", f.at("cncert_malware_hosting_domains_com_ratio") * 100) +
       "%；在" + N(f.at("cncert_malware_hosting_ips")) + "个IP中，有约" +
       Fmt("%.1f", f.at("cncert_malware_hosting_ips_foreign_ratio") * 100) +
       "%位于境外。而通过IP直接访问的涉及" +
       N(f.at("cncert_malware_hosting_direct_ips")) + "个IP。\n";
  s += "本周网站安全情况\n本周CNCERT监测发现境内被篡改网站数量为" + N(defaced) +
       "个；境内被植入后门的网站数量为" + N(back) +
       "个；针对境内网站的仿冒页面数量为" + N(f.at("cncert_phishing_pages")) +
       "个。\n";
  auto change = [&f](const char* metric) {
    const double c = f.at(metric);
    return std::string("较上周环比") + (c < 0 ? "下降" : "增长") + "了" +
           Fmt("%.1f", std::fabs(c) * 100) + "%";
  };
  s += "本周境内被篡改政府网站（GOV类）数量为" + N(gov_defaced) +
       "个（约占境内" +
       Fmt("%.1f", f.at("cncert_defaced_government_websites_ratio") * 100) +
       "%），" + change("cncert_defaced_government_websites_change_ratio") +
       "；境内被植入后门的政府网站（GOV类）数量为" + N(gov_back) +
       "个（约占境内" +
       Fmt("%.1f", f.at("cncert_backdoored_government_websites_ratio") * 100) +
       "%），" + change("cncert_backdoored_government_websites_change_ratio") +
       "；针对境内网站的仿冒页面涉及域名" + N(f.at("cncert_phishing_domains")) +
       "个，IP地址" + N(f.at("cncert_phishing_ips")) +
       "个，平均每个IP地址承载了约" + N(f.at("cncert_phishing_pages_per_ip")) +
       "个仿冒页面。\n";
  s += "本周重要漏洞情况\n本周，国家信息安全漏洞共享平台（CNVD）新收录网络安全"
       "漏洞" +
       N(f.at("cncert_cnvd_vulnerabilities")) +
       "个，信息安全漏洞威胁整体评价级别为" +
       threat[static_cast<int>(f.at("cncert_cnvd_threat_rating"))] +
       "。其中高危漏洞" +
       N(f.at("cncert_cnvd_vulnerabilities_by_severity{severity=\"high\"}")) +
       "个、中危漏洞" +
       N(f.at("cncert_cnvd_vulnerabilities_by_severity{severity=\"medium\"}")) +
       "个、低危漏洞" +
       N(f.at("cncert_cnvd_vulnerabilities_by_severity{severity=\"low\"}")) +
       "个。可被利用来实施远程攻击的漏洞有" +
       N(f.at("cncert_cnvd_vulnerabilities_remote")) + "个。\n";
  s += "本周事件处理情况\n本周，CNCERT共处理网络安全事件" +
       N(f.at("cncert_incidents_handled")) + "起，含跨境网络安全事件" +
       N(f.at("cncert_incidents_cross_border")) +
       "起。其中，协调境内外域名注册机构重点处理" +
       N(f.at("cncert_phishing_complaints_handled")) + "起仿冒投诉事件。协调" +
       N(f.at("cncert_malicious_app_platforms")) +
       "个提供恶意移动应用程序下载服务的平台开展移动互联网恶意代码处理工作，共"
       "处理传播移动互联网恶意代码的恶意URL链接" +
       N(f.at("cncert_malicious_app_urls_handled")) + "个。\n";
  return s;
}

std::string MonthDay(const Date& d) {
  return std::to_string(static_cast<unsigned>(d.month())) + "月" +
         std::to_string(static_cast<unsigned>(d.day())) + "日";
}

}  // namespace

std::vector<SyntheticWeek> MakeSyntheticWeeks(Date first_monday,
                                              int issue_of_first, int weeks) {
  std::vector<SyntheticWeek> out;
  int issue = issue_of_first;
  for (int i = 0; i < weeks; ++i) {
    SyntheticWeek w;
    const auto start =
        std::chrono::sys_days(first_monday) + std::chrono::days(7 * i);
    w.period_start = Date(start);
    w.period_end = Date(start + std::chrono::days(6));
    w.published = Date(start + std::chrono::days(10));
    const int year = static_cast<int>(w.period_end.year());
    if (i > 0 && year != out.back().year) issue = 1;
    w.year = year;
    w.issue = issue++;
    auto& f = w.figures;
    const double x = i;
    f["cncert_security_posture_rating"] = 1 + (i * 7 % 4);
    f["cncert_infected_hosts_by_malware{malware=\"trojan_botnet\"}"] =
        (80 + (i * 13 % 50)) * 1e3;
    f["cncert_infected_hosts_by_malware{malware=\"conficker\"}"] =
        (10 + (i * 5 % 9)) * 1e3;
    f["cncert_infected_hosts"] =
        f["cncert_infected_hosts_by_malware{malware=\"trojan_botnet\"}"] +
        f["cncert_infected_hosts_by_malware{malware=\"conficker\"}"];
    f["cncert_defaced_websites"] = 2000 + (i * 37 % 900);
    f["cncert_backdoored_websites"] = 800 + (i * 29 % 500);
    f["cncert_phishing_pages"] =
        1500 + (i * 53 % 1200) + (i == weeks - 3 ? 4000 : 0);
    f["cncert_defaced_government_websites"] =
        40 + (i * 11 % 60) + (i == weeks - 2 ? 150 : 0);
    f["cncert_backdoored_government_websites"] = 15 + (i * 7 % 30);
    f["cncert_defaced_government_websites_ratio"] =
        std::round(f["cncert_defaced_government_websites"] /
                   f["cncert_defaced_websites"] * 1000) /
        1000;
    f["cncert_backdoored_government_websites_ratio"] =
        std::round(f["cncert_backdoored_government_websites"] /
                   f["cncert_backdoored_websites"] * 1000) /
        1000;
    f["cncert_cnvd_vulnerabilities_by_severity{severity=\"high\"}"] =
        80 + (i * 17 % 90);
    f["cncert_cnvd_vulnerabilities_by_severity{severity=\"medium\"}"] =
        150 + (i * 23 % 120);
    f["cncert_cnvd_vulnerabilities_by_severity{severity=\"low\"}"] =
        10 + (i * 3 % 20);
    f["cncert_cnvd_vulnerabilities"] =
        f["cncert_cnvd_vulnerabilities_by_severity{severity=\"high\"}"] +
        f["cncert_cnvd_vulnerabilities_by_severity{severity=\"medium\"}"] +
        f["cncert_cnvd_vulnerabilities_by_severity{severity=\"low\"}"];
    f["cncert_cnvd_threat_rating"] = 1 + (i * 5 % 3);
    f["cncert_incidents_handled"] = 200 + 3 * x + (i * 31 % 70);
    f["cncert_incidents_cross_border"] = 40 + (i * 19 % 40);
    f["cncert_phishing_complaints_handled"] = 120 + (i * 41 % 60);
    f["cncert_malicious_app_platforms"] = 10 + (i % 30);
    f["cncert_malicious_app_urls_handled"] = 50 + (i * 43 % 100);
    f["cncert_new_virus_names"] = 10 + (i * 7 % 40);
    f["cncert_new_virus_families"] = i % 5;
    f["cncert_malware_hosting_domains"] = 150 + (i * 17 % 200);
    f["cncert_malware_hosting_ips"] = 300 + (i * 29 % 400);
    f["cncert_malware_hosting_direct_ips"] = 20 + (i * 3 % 40);
    f["cncert_malware_hosting_domains_foreign_ratio"] =
        (400 + (i * 13 % 300)) / 1000.0;
    f["cncert_malware_hosting_domains_com_ratio"] =
        (500 + (i * 11 % 300)) / 1000.0;
    f["cncert_malware_hosting_ips_foreign_ratio"] =
        (200 + (i * 19 % 300)) / 1000.0;
    f["cncert_backdoored_government_websites_change_ratio"] =
        ((i * 37 % 200) - 100) / 1000.0;
    f["cncert_defaced_government_websites_change_ratio"] =
        ((i * 53 % 300) - 150) / 1000.0;
    f["cncert_phishing_domains"] = 900 + (i * 31 % 500);
    f["cncert_phishing_ips"] = 300 + (i * 23 % 200);
    f["cncert_phishing_pages_per_ip"] = 2 + (i % 5);
    f["cncert_cnvd_vulnerabilities_remote"] = 100 + (i * 9 % 80);

    const std::string title =
        "网络安全信息与动态周报" + std::to_string(w.year) + "年第" +
        std::to_string(w.issue) + "期（" + MonthDay(w.period_start) + "-" +
        MonthDay(w.period_end) + "）";
    const std::string body = Body(w);
    w.title = title;
    w.body = body;
    char stem[32];
    std::snprintf(stem, sizeof stem, "%04d-%02d", w.year, w.issue);
    switch (i % 4) {
      case 0:  // crawler Markdown with front matter
        w.file_name = std::string(stem) + ".md";
        w.content = "---\ntitle: " + title +
                    "\nurl: https://example.invalid/synthetic/" + stem +
                    "\nsource: synthetic test bulletin\ndate: " +
                    FormatDate(w.published) + "\n---\n\n# " + title + "\n\n" +
                    body;
        break;
      case 1:  // PDF-like plain text
        w.file_name = std::string(stem) + ".txt";
        w.content = title + "\n(synthetic test bulletin)\n" + body;
        break;
      case 2:    // mirror-site HTML
      case 3: {  // old GBK mirror
        std::string html =
            "<html><head><meta charset=\"" +
            std::string(i % 4 == 2 ? "utf-8" : "gbk") + "\"><title>" + title +
            "</title></head><body><div class=\"nav\">首页 1743</div><h1>" +
            title + "</h1><p>时间:" + FormatDate(w.published) + "</p>";
        std::size_t pos = 0;
        while (pos < body.size()) {
          const std::size_t eol = body.find('\n', pos);
          html += "<p>" + body.substr(pos, eol - pos) + "</p>\n";
          pos = eol + 1;
        }
        html += "</body></html>\n";
        w.file_name = std::string(stem) + ".html";
        w.content = i % 4 == 2 ? html : ToGbk(html);
        break;
      }
    }
    out.push_back(std::move(w));
  }
  return out;
}

void WriteSyntheticArchive(const std::string& dir,
                           const std::vector<SyntheticWeek>& weeks) {
  for (const auto& w : weeks) {
    std::ofstream out(dir + "/" + w.file_name,
                      std::ios::binary | std::ios::trunc);
    out << w.content;
  }
}

}  // namespace cncert::testing
