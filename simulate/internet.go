package simulate

import (
	"math/rand/v2"
	"net/netip"
)

// remote is a host or network outside the estate: a service the estate uses, an
// attacker, a drop site, or a block of ordinary internet users.
type remote struct {
	domain   string // what clients resolve and put in SNI; "" for none
	ip       netip.Addr
	cc2, cc3 string // ISO 3166 alpha-2 and alpha-3 (GCP writes alpha-3 in lower case)
	cont     string // continent, as GCP flow logs name it
	asn      int
	awsSvc   string // AWS service name for pkt-*-aws-service, "" when not AWS
	category string // saas, cdn, cloud, update, llm, dns, ntp, malicious, exfil, rat, user
	provider string // LLM provider, for category llm
	// prefix is set for blocks of internet users: a conn picks a random address in it.
	prefix netip.Prefix
}

// Countries of the public addresses below were checked against the openly licensed
// geo-whois-asn-country MaxMind database (ip-location-db, CC BY 4.0, NRO data) in
// January 2026; cloud addresses against the vendors' published range files. They are
// real networks' addresses used as stand-ins: the simulator never sends them anything.
//
//	address           country  use
//	218.92.0.107      CN       SSH brute force
//	61.177.172.140    CN       SSH brute force
//	45.141.84.30      RU       SSH brute force
//	141.98.11.15      LT       RDP brute force
//	194.26.29.120     RU       RDP brute force (194.26.29.0/24 in the DROP feed)
//	45.155.205.99     RU       vertical port scan (45.155.205.0/24 in the DROP feed)
//	80.94.95.116      GB       AJP probe
//	193.32.162.28     NL       AJP probe
//	92.63.197.153     NL       AJP probe
//	5.188.206.14      RU       C2 (cdn-telemetry-sync.net)
//	179.43.180.106    PA       C2 (api.update-check.org)
//	91.243.44.7       RU       FTP drop site
//	95.173.136.70     RU       slow-drip exfiltration
//	37.32.4.5         IR       burst exfiltration
//	210.52.109.22     CN       burst exfiltration (on-prem)
//	209.250.254.15    NL       RustDesk relay
//	167.99.4.5        US       VNC operator (DigitalOcean)
//	212.71.4.5        BE       Telnet peer
var (
	remSSH1   = ext("", "218.92.0.107", "CN", "CHN", "Asia", 4134, "malicious")
	remSSH2   = ext("", "61.177.172.140", "CN", "CHN", "Asia", 4134, "malicious")
	remSSH3   = ext("", "45.141.84.30", "RU", "RUS", "Europe", 210644, "malicious")
	remRDP1   = ext("", "141.98.11.15", "LT", "LTU", "Europe", 209605, "malicious")
	remRDP2   = ext("", "194.26.29.120", "RU", "RUS", "Europe", 206728, "malicious")
	remScan   = ext("", "45.155.205.99", "RU", "RUS", "Europe", 49505, "malicious")
	remAJP1   = ext("", "80.94.95.116", "GB", "GBR", "Europe", 204428, "malicious")
	remAJP2   = ext("", "193.32.162.28", "NL", "NLD", "Europe", 47890, "malicious")
	remAJP3   = ext("", "92.63.197.153", "NL", "NLD", "Europe", 51659, "malicious")
	remC2a    = ext("cdn-telemetry-sync.net", "5.188.206.14", "RU", "RUS", "Europe", 49505, "malicious")
	remC2b    = ext("api.update-check.org", "179.43.180.106", "PA", "PAN", "America", 51852, "malicious")
	remFTP    = ext("files.quickdrop-storage.ru", "91.243.44.7", "RU", "RUS", "Europe", 44812, "malicious")
	remDrip   = ext("sync.backup-mirror.ru", "95.173.136.70", "RU", "RUS", "Europe", 8342, "exfil")
	remBurst  = ext("", "37.32.4.5", "IR", "IRN", "Asia", 44244, "exfil")
	remBurst2 = ext("", "210.52.109.22", "CN", "CHN", "Asia", 4837, "exfil")
	remRust   = ext("rs-ny.rustdesk.com", "209.250.254.15", "NL", "NLD", "Europe", 20473, "rat")
	remVNC    = ext("", "167.99.4.5", "US", "USA", "America", 14061, "rat")
	remTelnet = ext("", "212.71.4.5", "BE", "BEL", "Europe", 5432, "internet")
)

// LLM endpoints. OpenAI, xAI and ChatGPT answer from Cloudflare, Anthropic from its
// own 160.79.104.0/23, Gemini from Google; Azure OpenAI is the sanctioned one.
var (
	llmOpenAI   = llm("api.openai.com", "162.159.140.245", 13335, "OpenAI")
	llmChatGPT  = llm("chatgpt.com", "104.18.32.47", 13335, "OpenAI")
	llmClaudeAP = llm("api.anthropic.com", "160.79.104.10", 399358, "Anthropic")
	llmClaude   = llm("claude.ai", "160.79.104.11", 399358, "Anthropic")
	llmGemini   = llm("gemini.google.com", "142.250.80.46", 15169, "Google Gemini")
	llmGenLang  = llm("generativelanguage.googleapis.com", "142.250.81.234", 15169, "Google Gemini")
	llmGrok     = llm("grok.com", "104.18.21.227", 13335, "xAI Grok")
	llmXAI      = llm("api.x.ai", "104.18.19.131", 13335, "xAI Grok")
	llmAzureOAI = llm("northwind-crm.openai.azure.com", "20.62.58.11", 8075, "Azure OpenAI")
)

// sanctionedLLM is the provider the organisation approved (truth.json says so).
const sanctionedLLM = "Azure OpenAI"

// Services the estate uses every day: SaaS, CDNs, updates, cloud storage.
var (
	saas = []*remote{
		ext("login.microsoftonline.com", "20.190.151.68", "US", "USA", "America", 8075, "saas"),
		ext("outlook.office365.com", "52.96.165.18", "US", "USA", "America", 8075, "saas"),
		ext("teams.microsoft.com", "52.113.194.132", "US", "USA", "America", 8075, "saas"),
		ext("github.com", "140.82.112.3", "US", "USA", "America", 36459, "saas"),
		ext("northwind.my.salesforce.com", "136.146.48.10", "US", "USA", "America", 14340, "saas"),
		ext("zoom.us", "170.114.52.2", "US", "USA", "America", 30103, "saas"),
		ext("cdn.jsdelivr.net", "151.101.1.229", "US", "USA", "America", 54113, "cdn"),
		ext("www.google.com", "142.250.65.100", "US", "USA", "America", 15169, "saas"),
		ext("www.bbc.co.uk", "151.101.64.81", "US", "USA", "America", 54113, "cdn"),
	}
	updWindows = ext("download.windowsupdate.com", "13.107.4.50", "US", "USA", "America", 8068, "update")
	updUbuntu  = ext("archive.ubuntu.com", "185.125.190.36", "GB", "GBR", "Europe", 41231, "update")
	updS3      = &remote{domain: "s3.us-east-1.amazonaws.com", ip: netip.MustParseAddr("52.217.161.40"), cc2: "US", cc3: "USA", cont: "America", asn: 16509, awsSvc: "S3", category: "cloud"}
	updYum     = &remote{domain: "al2023-repos-us-east-1-de612dc2.s3.dualstack.us-east-1.amazonaws.com", ip: netip.MustParseAddr("3.5.0.10"), cc2: "US", cc3: "USA", cont: "America", asn: 16509, awsSvc: "S3", category: "cloud"}
	updAzBlob  = ext("northwindbackups.blob.core.windows.net", "20.60.134.4", "US", "USA", "America", 8075, "cloud")
	updGCP     = ext("packages.cloud.google.com", "34.107.221.82", "US", "USA", "America", 396982, "cloud")
	registry   = ext("registry-1.docker.io", "18.232.10.10", "US", "USA", "America", 14618, "cloud")
	dnsGoogle  = ext("", "8.8.8.8", "US", "USA", "America", 15169, "dns")
	dnsCF      = ext("", "1.1.1.1", "AU", "AUS", "Oceania", 13335, "dns")
	ntpCF      = ext("time.cloudflare.com", "162.159.200.1", "US", "USA", "America", 13335, "ntp")
	ntpUbuntu  = ext("ntp.ubuntu.com", "185.125.190.56", "GB", "GBR", "Europe", 41231, "ntp")
)

// userBlocks are networks of ordinary internet users (customers of the web tiers),
// with their countries, also checked against the geo database.
var userBlocks = []*remote{
	block("73.12.0.0/16", "US", "USA", "America", 7922),
	block("24.5.0.0/16", "US", "USA", "America", 7922),
	block("86.130.0.0/16", "GB", "GBR", "Europe", 2856),
	block("91.64.0.0/16", "DE", "DEU", "Europe", 3209),
	block("2.4.0.0/16", "FR", "FRA", "Europe", 3215),
	block("49.36.0.0/16", "IN", "IND", "Asia", 55836),
	block("126.5.0.0/16", "JP", "JPN", "Asia", 17676),
	block("99.226.0.0/16", "CA", "CAN", "America", 812),
	block("189.6.0.0/16", "BR", "BRA", "America", 28573),
	block("1.120.0.0/16", "AU", "AUS", "Oceania", 1221),
}

// scannerBlocks send the background noise every exposed cloud VM receives.
var scannerBlocks = []*remote{
	block("178.62.0.0/16", "GB", "GBR", "Europe", 14061),
	block("172.105.0.0/16", "CA", "CAN", "America", 63949),
	block("129.146.0.0/16", "US", "USA", "America", 31898),
	block("65.21.0.0/16", "FI", "FIN", "Europe", 24940),
}

func ext(domain, ip, cc2, cc3, cont string, asn int, category string) *remote {
	return &remote{domain: domain, ip: netip.MustParseAddr(ip), cc2: cc2, cc3: cc3, cont: cont, asn: asn, category: category}
}

func llm(domain, ip string, asn int, provider string) *remote {
	r := ext(domain, ip, "US", "USA", "America", asn, "llm")
	r.provider = provider
	return r
}

func block(cidr, cc2, cc3, cont string, asn int) *remote {
	p := netip.MustParsePrefix(cidr)
	return &remote{ip: p.Addr(), prefix: p, cc2: cc2, cc3: cc3, cont: cont, asn: asn, category: "user"}
}

// pick returns an address of the block (or the remote's own address).
func (rm *remote) pick(r *rand.Rand) netip.Addr {
	if !rm.prefix.IsValid() {
		return rm.ip
	}
	b := rm.prefix.Addr().As4()
	b[2] = byte(r.IntN(256))
	b[3] = byte(1 + r.IntN(254))
	return netip.AddrFrom4(b)
}
