#include "exporter/web/catalogue.h"

#include <array>
#include <utility>

namespace cncert {

namespace {

using Entry = std::pair<std::string_view, std::string_view>;

constexpr std::array kSections = {
    Entry{"posture", "网络安全基本态势"},
    Entry{"virus", "网络病毒活动情况"},
    Entry{"website", "网站安全情况"},
    Entry{"vulnerability", "重要漏洞情况"},
    Entry{"incident", "事件处理情况"},
};

constexpr std::array kFigures = {
    Entry{"cncert_security_posture_rating", "网络安全态势整体评价"},
    Entry{"cncert_infected_hosts", "境内感染网络病毒的主机数量"},
    Entry{R"(cncert_infected_hosts_by_malware{malware="trojan_botnet"})",
          "被木马或僵尸程序控制的主机"},
    Entry{R"(cncert_infected_hosts_by_malware{malware="conficker"})",
          "感染飞客（conficker）蠕虫的主机"},
    Entry{"cncert_new_virus_names", "新增网络病毒（按名称）"},
    Entry{"cncert_new_virus_families", "新增网络病毒（按家族）"},
    Entry{"cncert_malware_hosting_domains", "放马站点涉及域名"},
    Entry{"cncert_malware_hosting_ips", "放马站点涉及IP地址"},
    Entry{"cncert_malware_hosting_domains_foreign_ratio",
          "放马域名境外注册占比"},
    Entry{"cncert_malware_hosting_domains_com_ratio",
          "放马域名顶级域为.com占比"},
    Entry{"cncert_malware_hosting_ips_foreign_ratio", "放马IP位于境外占比"},
    Entry{"cncert_malware_hosting_direct_ips", "通过IP直接访问的放马IP"},
    Entry{"cncert_defaced_websites", "境内被篡改网站数量"},
    Entry{"cncert_backdoored_websites", "境内被植入后门的网站数量"},
    Entry{"cncert_phishing_pages", "针对境内网站的仿冒页面数量"},
    Entry{"cncert_defaced_government_websites", "境内被篡改政府网站数量"},
    Entry{"cncert_defaced_government_websites_ratio", "被篡改政府网站占比"},
    Entry{"cncert_defaced_government_websites_change_ratio",
          "被篡改政府网站环比"},
    Entry{"cncert_backdoored_government_websites",
          "境内被植入后门的政府网站数量"},
    Entry{"cncert_backdoored_government_websites_ratio",
          "被植入后门政府网站占比"},
    Entry{"cncert_backdoored_government_websites_change_ratio",
          "被植入后门政府网站环比"},
    Entry{"cncert_phishing_domains", "仿冒页面涉及域名"},
    Entry{"cncert_phishing_ips", "仿冒页面涉及IP地址"},
    Entry{"cncert_phishing_pages_per_ip", "平均每个IP承载的仿冒页面"},
    Entry{"cncert_cnvd_vulnerabilities", "CNVD新收录漏洞"},
    Entry{R"(cncert_cnvd_vulnerabilities_by_severity{severity="high"})",
          "高危漏洞"},
    Entry{R"(cncert_cnvd_vulnerabilities_by_severity{severity="medium"})",
          "中危漏洞"},
    Entry{R"(cncert_cnvd_vulnerabilities_by_severity{severity="low"})",
          "低危漏洞"},
    Entry{"cncert_cnvd_vulnerabilities_remote", "可被远程利用的漏洞"},
    Entry{"cncert_cnvd_threat_rating", "漏洞威胁整体评价级别"},
    Entry{"cncert_incidents_handled", "处理网络安全事件"},
    Entry{"cncert_incidents_cross_border", "跨境网络安全事件"},
    Entry{"cncert_phishing_complaints_handled", "处理仿冒投诉事件"},
    Entry{"cncert_malicious_app_platforms", "恶意移动应用下载平台"},
    Entry{"cncert_malicious_app_urls_handled", "处理恶意URL链接"},
};

template <typename Table>
std::string_view Find(const Table& table, std::string_view key) {
  for (const auto& [k, v] : table) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace

std::string_view SectionTitle(std::string_view section) {
  return Find(kSections, section);
}

std::string_view FigureName(std::string_view series_key) {
  return Find(kFigures, series_key);
}

}  // namespace cncert
