// Every wording of docs/bulletin-format.md §4, one sentence at a time, in the
// section the bulletin puts it in.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

using testing::MiniBulletin;
using testing::Parse;

constexpr const char* kPosture = "本周网络安全基本态势";
constexpr const char* kVirus = "本周网络病毒活动情况";
constexpr const char* kWebsite = "本周网站安全情况";
constexpr const char* kVuln = "本周重要漏洞情况";
constexpr const char* kIncident = "本周事件处理情况";

struct WordingCase {
  const char* name;
  const char* heading;
  const char* sentence;
  const char* series;            // SeriesKey form
  std::optional<double> expect;  // nullopt: the series must be absent
};

std::ostream& operator<<(std::ostream& os, const WordingCase& c) {
  return os << c.name;
}

class WordingTest : public ::testing::TestWithParam<WordingCase> {};

TEST_P(WordingTest, ExtractsExactlyTheStatedFigure) {
  const WordingCase& c = GetParam();
  const Bulletin b = Parse(MiniBulletin(c.heading, c.sentence));
  ASSERT_TRUE(b.ok()) << b.errors[0];
  std::optional<double> got;
  for (const auto& v : b.values) {
    if (SeriesKey(v.metric, v.labels) == c.series) got = v.value;
  }
  std::string warnings;
  for (const auto& w : b.warnings) warnings += "\n  " + w;
  if (!c.expect) {
    EXPECT_FALSE(got.has_value()) << c.series << " = " << *got << warnings;
    return;
  }
  ASSERT_TRUE(got.has_value()) << c.series << " missing" << warnings;
  EXPECT_NEAR(*got, *c.expect, std::fabs(*c.expect) * 1e-12) << c.series;
}

const WordingCase kCases[] = {
    // posture
    {"posture_seed", kPosture, "本周，互联网网络安全态势整体评价为良。",
     "cncert_security_posture_rating", 2},
    {"posture_poor", kPosture, "本周，互联网网络安全态势整体评价为差。",
     "cncert_security_posture_rating", 4},
    {"posture_rewrite_index", kPosture, "我国互联网网络安全指数整体评价为优。",
     "cncert_security_posture_rating", 1},
    {"posture_unknown_word", kPosture,
     "本周，互联网网络安全态势整体评价为平稳。",
     "cncert_security_posture_rating", std::nullopt},
    // infected hosts
    {"infected_total", kVirus,
     "本周境内感染网络病毒的主机数量约为14."
     "5万个，其中包括境内被木马或被僵尸程序控制的主机约13."
     "1万以及境内感染飞客（conficker）蠕虫的主机约1.4万。",
     "cncert_infected_hosts", 145000},
    {"infected_trojan", kVirus,
     "本周境内感染网络病毒的主机数量约为14."
     "5万个，其中包括境内被木马或被僵尸程序控制的主机约13."
     "1万以及境内感染飞客（conficker）蠕虫的主机约1.4万。",
     "cncert_infected_hosts_by_malware{malware=\"trojan_botnet\"}", 131000},
    {"infected_conficker", kVirus,
     "本周境内感染网络病毒的主机数量约为14."
     "5万个，其中包括境内被木马或被僵尸程序控制的主机约13."
     "1万以及境内感染飞客（conficker）蠕虫的主机约1.4万。",
     "cncert_infected_hosts_by_malware{malware=\"conficker\"}", 14000},
    {"infected_semicolon_one_bei", kVirus,
     "本周境内感染网络病毒的主机数量约为9.0万;"
     "其中包括境内被木马或僵尸程序控制的主机约7."
     "7万以及境内感染飞客（conficker）蠕虫的主机约1.3万。",
     "cncert_infected_hosts_by_malware{malware=\"trojan_botnet\"}", 77000},
    {"infected_integer", kVirus, "本周境内感染网络病毒的主机数量约为112万个。",
     "cncert_infected_hosts", 1120000},
    {"infected_shu", kVirus, "本周境内感染网络病毒的主机数约为23.6万个。",
     "cncert_infected_hosts", 236000},
    {"infected_censored", kVirus,
     "其中包括境内被***或被僵尸程序控制的主机约20."
     "1万以及境内感染飞客（conficker）蠕虫的主机约3.5万。",
     "cncert_infected_hosts_by_malware{malware=\"trojan_botnet\"}", 201000},
    {"infected_rewrite_total", kVirus,
     "境内感染木马或僵尸病毒的主机数约为245万个。", "cncert_infected_hosts",
     2450000},
    {"infected_truncated_number", kVirus,
     "本周境内感染网络病毒的主机数量约为14", "cncert_infected_hosts",
     std::nullopt},
    // new viruses
    {"virus_names", kVirus,
     "按网络病毒名称统计新增36个，按网络病毒家族统计新增2个。",
     "cncert_new_virus_names", 36},
    {"virus_families", kVirus,
     "按网络病毒名称统计新增36个，按网络病毒家族统计新增2个。",
     "cncert_new_virus_families", 2},
    {"virus_families_none", kVirus,
     "按网络病毒名称统计新增8个，按网络病毒家族统计无新增。",
     "cncert_new_virus_families", 0},
    {"virus_families_alt", kVirus, "本周新增网络病毒家族3个。",
     "cncert_new_virus_families", 3},
    // malware hosting
    {"hosting_domains", kVirus, "放马站点共涉及域名233个，涉及IP地址1021个。",
     "cncert_malware_hosting_domains", 233},
    {"hosting_ips_spaced", kVirus,
     "放马站点共涉及域名 233 个，涉及IP 地址 1021 个。",
     "cncert_malware_hosting_ips", 1021},
    {"hosting_foreign", kVirus,
     "在233个域名中，有41.2%为境外注册，且顶级域为.com的约占63.5%；",
     "cncert_malware_hosting_domains_foreign_ratio", 0.412},
    {"hosting_foreign_about", kVirus, "在233个域名中，有约41.2%为境外注册。",
     "cncert_malware_hosting_domains_foreign_ratio", 0.412},
    {"hosting_com", kVirus,
     "在233个域名中，有41.2%为境外注册，且顶级域为.com的约占63.5%；",
     "cncert_malware_hosting_domains_com_ratio", 0.635},
    {"hosting_no_percent", kVirus, "且顶级域为.com的约占59.7；",
     "cncert_malware_hosting_domains_com_ratio", 0.597},
    {"hosting_ip_foreign", kVirus, "在1021个IP中，有约30.8%位于境外。",
     "cncert_malware_hosting_ips_foreign_ratio", 0.308},
    {"hosting_ip_domestic_first", kVirus,
     "在72个IP中，有约29.2%位于境内，约70.8%位于境外。",
     "cncert_malware_hosting_ips_foreign_ratio", 0.708},
    {"hosting_ip_domestic_only", kVirus, "在72个IP中，有约29.2%位于境内。",
     "cncert_malware_hosting_ips_foreign_ratio", std::nullopt},
    // "33,2%": the share is not the "2%" after the comma.
    {"hosting_ip_foreign_comma", kVirus, "在1452个IP中，有约33,2%位于境外。",
     "cncert_malware_hosting_ips_foreign_ratio", std::nullopt},
    {"hosting_domain_foreign_comma", kVirus,
     "在1726个域名中，有约88,2%为境外注册。",
     "cncert_malware_hosting_domains_foreign_ratio", std::nullopt},
    {"hosting_com_upper", kVirus, "且顶级域为.COM的约占59.7%；",
     "cncert_malware_hosting_domains_com_ratio", 0.597},
    {"hosting_direct", kVirus, "而通过IP直接访问的涉及87个IP。",
     "cncert_malware_hosting_direct_ips", 87},
    {"hosting_share_over_100", kVirus, "在233个域名中，有412%为境外注册。",
     "cncert_malware_hosting_domains_foreign_ratio", std::nullopt},
    // websites
    {"defaced", kWebsite,
     "本周CNCERT监测发现境内被篡改网站数量为3216个；境内被植入后门的网站数量为1"
     "873个；针对境内网站的仿冒页面数量为2650个。",
     "cncert_defaced_websites", 3216},
    {"backdoored", kWebsite,
     "本周CNCERT监测发现境内被篡改网站数量为3216个；境内被植入后门的网站数量为1"
     "873个；针对境内网站的仿冒页面数量为2650个。",
     "cncert_backdoored_websites", 1873},
    {"phishing", kWebsite,
     "本周CNCERT监测发现境内被篡改网站数量为3216个；境内被植入后门的网站数量为1"
     "873个；针对境内网站的仿冒页面数量为2650个。",
     "cncert_phishing_pages", 2650},
    {"defaced_de", kWebsite, "境内被篡改的网站数量为1208个。",
     "cncert_defaced_websites", 1208},
    {"defaced_no_wei", kWebsite, "境内被篡改网站数量1208个。",
     "cncert_defaced_websites", 1208},
    {"backdoored_no_jingnei", kWebsite, "被植入后门的网站数量为633个。",
     "cncert_backdoored_websites", 633},
    {"phishing_no_ge", kWebsite, "针对境内网站的仿冒页面数量为92。",
     "cncert_phishing_pages", 92},
    {"phishing_space_ge", kWebsite, "针对境内网站的仿冒页面数量为 92 个。",
     "cncert_phishing_pages", 92},
    {"phishing_change_first", kWebsite,
     "境内仿冒页面数量环比下跌7.4%，降至1,120个。", "cncert_phishing_pages",
     1120},
    {"defaced_change_first", kWebsite,
     "境内被篡改网站数量环比上周增长12.5%，达到2,871个。",
     "cncert_defaced_websites", 2871},
    // government websites
    {"gov_defaced", kWebsite,
     "本周境内被篡改政府网站（GOV类）数量为104个（约占境内3.2%"
     "），较上周环比增长了14.3%；",
     "cncert_defaced_government_websites", 104},
    {"gov_defaced_ratio", kWebsite,
     "本周境内被篡改政府网站（GOV类）数量为104个（约占境内3.2%"
     "），较上周环比增长了14.3%；",
     "cncert_defaced_government_websites_ratio", 0.032},
    {"gov_defaced_change", kWebsite,
     "本周境内被篡改政府网站（GOV类）数量为104个（约占境内3.2%"
     "），较上周环比增长了14.3%；",
     "cncert_defaced_government_websites_change_ratio", 0.143},
    {"gov_de_space_flat", kWebsite,
     "本周境内被篡改的政府网站(GOV 类)数量为36个(约占境内3.0%)，与上周持平；",
     "cncert_defaced_government_websites_change_ratio", 0},
    {"gov_no_change_clause", kWebsite,
     "本周境内被篡改政府网站（GOV类）数量为104个（约占境内3.2%）；",
     "cncert_defaced_government_websites_change_ratio", std::nullopt},
    // A change in the next paragraph is not this wording's.
    {"gov_change_next_paragraph", kWebsite,
     "本周境内被篡改政府网站（GOV类）数量为104个（约占境内3.2%）！\n"
     "较上周环比增长了14.3%；",
     "cncert_defaced_government_websites_change_ratio", std::nullopt},
    // Paragraphs without a wording's start are passed over, up to the one
    // that holds it (after a ';' and a line break, the same paragraph).
    {"gov_after_paragraphs_without_it", kWebsite,
     "本周监测情况如下。\n详见下文。\n另见附表；\n"
     "本周境内被篡改政府网站（GOV类）数量为104个（约占境内3.2%），"
     "较上周环比增长了14.3%；",
     "cncert_defaced_government_websites_change_ratio", 0.143},
    {"gov_no_gov_label", kWebsite, "本周境内被篡改政府网站数量为104个。",
     "cncert_defaced_government_websites", 104},
    {"gov_backdoored_decrease", kWebsite,
     "另外境内被植入后门的政府网站（GOV类）数量为47个（约占境内2.5%"
     "），较上周环比下降了6.0%；",
     "cncert_backdoored_government_websites_change_ratio", -0.06},
    {"gov_backdoored_ratio", kWebsite,
     "另外境内被植入后门的政府网站（GOV类）数量为47个（约占境内2.5%"
     "），较上周环比下降了6.0%；",
     "cncert_backdoored_government_websites_ratio", 0.025},
    {"gov_change_big_increase", kWebsite,
     "境内被植入后门的政府网站数量为21个，较上周环比大幅增加了250%；",
     "cncert_backdoored_government_websites_change_ratio", 2.5},
    {"gov_change_reduce", kWebsite,
     "境内被篡改政府网站数量为20个，较上周减少3.3%；",
     "cncert_defaced_government_websites_change_ratio", -0.033},
    {"gov_change_versus", kWebsite,
     "境内被篡改政府网站数量为20个，环比上周下降5%；",
     "cncert_defaced_government_websites_change_ratio", -0.05},
    {"gov_change_compare", kWebsite,
     "境内被篡改政府网站数量为20个，与上周对比，下降了5%；",
     "cncert_defaced_government_websites_change_ratio", -0.05},
    {"gov_change_span", kWebsite,
     "境内被篡改政府网站（GOV类）数量为118个（约占境内4.0%），降幅为7.1%；",
     "cncert_defaced_government_websites_change_ratio", -0.071},
    {"gov_erratum_defaced", kWebsite,
     "本周境内被植入后门的政府网站（GOV类）数量为160个（约占境内4.0%"
     "），较上周环比下降了8.6%"
     "；境内被植入后门的政府网站（GOV类）数量为55个（约占境内2.5%"
     "），较上周环比增长了10.0%；",
     "cncert_defaced_government_websites", 160},
    {"gov_erratum_backdoored", kWebsite,
     "本周境内被植入后门的政府网站（GOV类）数量为160个（约占境内4.0%"
     "），较上周环比下降了8.6%"
     "；境内被植入后门的政府网站（GOV类）数量为55个（约占境内2.5%"
     "），较上周环比增长了10.0%；",
     "cncert_backdoored_government_websites", 55},
    {"gov_erratum_backdoored_change", kWebsite,
     "本周境内被植入后门的政府网站（GOV类）数量为160个（约占境内4.0%"
     "），较上周环比下降了8.6%"
     "；境内被植入后门的政府网站（GOV类）数量为55个（约占境内2.5%"
     "），较上周环比增长了10.0%；",
     "cncert_backdoored_government_websites_change_ratio", 0.1},
    {"gov_single_backdoor_is_not_defaced", kWebsite,
     "境内被植入后门的政府网站（GOV类）数量为47个（约占境内2.5%）。",
     "cncert_defaced_government_websites", std::nullopt},
    // phishing infrastructure
    {"phishing_domains", kWebsite,
     "针对境内网站的仿冒页面涉及域名1902个，IP地址715个，平均每个IP地址承载了约"
     "4个仿冒页面。",
     "cncert_phishing_domains", 1902},
    {"phishing_ips", kWebsite,
     "针对境内网站的仿冒页面涉及域名1902个，IP地址715个，平均每个IP地址承载了约"
     "4个仿冒页面。",
     "cncert_phishing_ips", 715},
    {"phishing_per_ip", kWebsite,
     "针对境内网站的仿冒页面涉及域名1902个，IP地址715个，平均每个IP地址承载了约"
     "4个仿冒页面。",
     "cncert_phishing_pages_per_ip", 4},
    // CNVD
    {"cnvd_total", kVuln,
     "本周，国家信息安全漏洞共享平台（CNVD）新收录网络安全漏洞298个，信息安全漏"
     "洞威胁整体评价级别为中。",
     "cncert_cnvd_vulnerabilities", 298},
    {"cnvd_rating", kVuln,
     "本周，国家信息安全漏洞共享平台（CNVD）新收录网络安全漏洞298个，信息安全漏"
     "洞威胁整体评价级别为中。",
     "cncert_cnvd_threat_rating", 2},
    {"cnvd_collected", kVuln,
     "本周，CNVD收集整理信息系统安全漏洞316个。其中，高危漏洞109个，可被利用来"
     "实施远程攻击的漏洞有274个。",
     "cncert_cnvd_vulnerabilities", 316},
    {"cnvd_remote", kVuln,
     "本周，CNVD收集整理信息系统安全漏洞316个。其中，高危漏洞109个，可被利用来"
     "实施远程攻击的漏洞有274个。",
     "cncert_cnvd_vulnerabilities_remote", 274},
    {"cnvd_high", kVuln, "其中高危漏洞101个、中危漏洞172个、低危漏洞25个。",
     "cncert_cnvd_vulnerabilities_by_severity{severity=\"high\"}", 101},
    {"cnvd_medium", kVuln, "其中高危漏洞101个、中危漏洞172个、低危漏洞25个。",
     "cncert_cnvd_vulnerabilities_by_severity{severity=\"medium\"}", 172},
    {"cnvd_low", kVuln, "其中高危漏洞101个、中危漏洞172个、低危漏洞25个。",
     "cncert_cnvd_vulnerabilities_by_severity{severity=\"low\"}", 25},
    {"cnvd_shoulu", kVuln, "本周收录安全漏洞402个。",
     "cncert_cnvd_vulnerabilities", 402},
    {"cnvd_xinzeng", kVuln, "新增信息安全漏洞471个，其中新增高危漏洞188个。",
     "cncert_cnvd_vulnerabilities_by_severity{severity=\"high\"}", 188},
    {"cnvd_high_rating", kVuln, "信息安全漏洞威胁整体评价级别为高。",
     "cncert_cnvd_threat_rating", 3},
    {"cnvd_category_sentence_has_no_figure", kVuln,
     "应用程序漏洞占比最高，其次是WEB应用漏洞和操作系统漏洞。",
     "cncert_cnvd_vulnerabilities", std::nullopt},
    // incident handling
    {"incidents_old", kIncident,
     "本周，CNCERT共处理了网络安全事件465起，其中跨境网络安全事件162起。",
     "cncert_incidents_handled", 465},
    {"cross_border_old", kIncident,
     "本周，CNCERT共处理了网络安全事件465起，其中跨境网络安全事件162起。",
     "cncert_incidents_cross_border", 162},
    {"complaints_old", kIncident,
     "本周，CNCERT协调境外CERT等机构重点处理了308起网页仿冒投诉事件。",
     "cncert_phishing_complaints_handled", 308},
    {"incidents_space", kIncident,
     "共处理网络安全事件 177起，含跨境网络安全事件 51起。",
     "cncert_incidents_cross_border", 51},
    {"app_platforms", kIncident,
     "协调42个提供恶意移动应用程序下载服务的平台开展移动互联网恶意代码处理工作"
     "。",
     "cncert_malicious_app_platforms", 42},
    {"app_urls", kIncident, "共处理传播移动互联网恶意代码的恶意URL链接80个。",
     "cncert_malicious_app_urls_handled", 80},
    {"app_urls_truncated_word", kIncident,
     "共处理传播移动互联网恶意代码的恶意URL链88个。",
     "cncert_malicious_app_urls_handled", 88},
    {"incidents_spaces_in_word", kIncident, "共处理网络安全事 件 383起。",
     "cncert_incidents_handled", 383},
    // a figure outside its section is not taken
    {"incidents_in_news_section", "业界新闻速递",
     "某省共处理网络安全事件120起。", "cncert_incidents_handled", std::nullopt},
    {"incidents_in_wrong_section", kVirus, "共处理网络安全事件120起。",
     "cncert_incidents_handled", std::nullopt},
};

INSTANTIATE_TEST_SUITE_P(Bulletin, WordingTest, ::testing::ValuesIn(kCases),
                         [](const auto& p) {
                           return std::string(p.param.name);
                         });

TEST(WordingTest, DisagreeingStatementsGiveNoValueAndAWarning) {
  const Bulletin b = Parse(MiniBulletin(
      kIncident,
      "共处理网络安全事件465起。另一说法：共处理网络安全事件466起。"));
  EXPECT_EQ(b.Find("cncert_incidents_handled"), nullptr);
  bool warned = false;
  for (const auto& w : b.warnings) {
    warned =
        warned || w.find("different values (465, 466)") != std::string::npos;
  }
  EXPECT_TRUE(warned);
}

TEST(WordingTest, EveryValueRemembersItsSentence) {
  const Bulletin b =
      Parse(MiniBulletin(kIncident,
                         "第一句。本周，CNCERT共处理了网络安全事件465起，其中跨"
                         "境网络安全事件162起。第三句。"));
  const Value* v = b.Find("cncert_incidents_handled");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(RuleName(*v), "cncert_incidents_handled/1");
  EXPECT_EQ(v->provenance.section, "incident");
  EXPECT_EQ(MatchedText(b, v->provenance), "共处理了网络安全事件465起");
  EXPECT_EQ(SentenceAround(b, v->provenance),
            "本周,CNCERT共处理了网络安全事件465起,其中跨境网络安全事件162起。");
  EXPECT_EQ(b.text.substr(v->provenance.begin,
                          v->provenance.end - v->provenance.begin),
            MatchedText(b, v->provenance));
}

}  // namespace
}  // namespace cncert
