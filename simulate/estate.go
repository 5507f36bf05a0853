package simulate

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sort"
	"strings"
)

// cloud is where a site lives.
type cloud uint8

const (
	onprem cloud = iota
	aws
	azure
	gcp
)

func (c cloud) String() string {
	return [...]string{"onprem", "aws", "azure", "gcp"}[c]
}

// site is one network of the estate: an on-prem campus, a VPC, a VNet, a GCP subnet.
type site struct {
	idx       int
	loc       string // the loc label, also the region of on-prem sites
	cloud     cloud
	region    string
	zone      string
	cidr      netip.Prefix
	utcOffset int64 // hours; January, so no daylight saving
	account   string
	vpc       string // vpc id, VNet name, GCP network name

	// AWS
	flowLogID string
	azIDs     []string
	// Azure
	flowLogResourceID string
	targetResourceID  string
	flowLogGUID       string
	aclID             string
	// GCP
	subnetName string
	subnetID   string
	zones      []string

	hostSeq map[int]int // next host number per tier, for IP allocation
}

// workload is one machine of the estate, with the ids its logs carry.
type workload struct {
	idx               int
	name, kind        string
	role, app, env    string
	windows           bool
	site              *site
	ip                netip.Addr
	instanceID, eniID string // AWS
	subnetID, azID    string // AWS
	mac               string // Azure
	vmName, gcpZone   string // GCP
	admin             bool   // desktops of IT staff, who RDP to jump hosts
}

// instances lists the ids the logs use for w, as the inventory records them.
func (w *workload) instances() []string {
	switch w.site.cloud {
	case aws:
		return []string{w.instanceID, w.eniID}
	case azure:
		return []string{w.name, w.mac}
	case gcp:
		return []string{w.vmName}
	}
	return nil
}

// tier numbers pick a /24 of the site for each kind of workload.
const (
	tierInfra   = 1
	tierWeb     = 2
	tierApp     = 3
	tierDB      = 4
	tierK8s     = 5
	tierDesktop = 20
)

// slot is a line of the estate template: a group of workloads.
type slot struct {
	site       string
	name       string // with %d for the number, or a fixed name
	kind, role string
	app, env   string
	tier       int
	count      int // base count for 60 workloads
	scalable   bool
	windows    bool
}

// template is the estate at 60 workloads; scalable groups grow or shrink with
// Config.Workloads, singletons stay.
var template = []slot{
	{"nyc-hq", "HQ-DC%d", "Physical Server", "dc", "identity", "prod", tierInfra, 2, false, true},
	{"nyc-hq", "HQ-DNS1", "Virtual Machine", "dns", "infra", "prod", tierInfra, 1, false, false},
	{"nyc-hq", "HQ-NTP1", "Virtual Machine", "ntp", "infra", "prod", tierInfra, 1, false, false},
	{"nyc-hq", "HQ-FS1", "Physical Server", "file", "fileshare", "prod", tierInfra, 1, false, true},
	{"nyc-hq", "HQ-Jump1", "Virtual Machine", "jump", "infra", "prod", tierInfra, 1, false, true},
	{"nyc-hq", "HQ-Backup1", "Physical Server", "backup", "backup", "prod", tierInfra, 1, false, false},
	{"nyc-hq", "ERP-Prod-Web1", "Virtual Machine", "web", "erp", "prod", tierWeb, 1, false, false},
	{"nyc-hq", "ERP-Prod-App1", "Virtual Machine", "app", "erp", "prod", tierApp, 1, false, false},
	{"nyc-hq", "ERP-Prod-DB1", "Physical Server", "db", "erp", "prod", tierDB, 1, false, false},
	{"nyc-hq", "HQ-WS-%03d", "Workstation", "desktop", "office", "prod", tierDesktop, 14, true, true},

	{"eastus", "CRM-Prod-Web%d", "Virtual Machine", "web", "crm", "prod", tierWeb, 2, true, false},
	{"eastus", "CRM-Prod-App%d", "Virtual Machine", "app", "crm", "prod", tierApp, 2, true, false},
	{"eastus", "CRM-Prod-DB1", "Virtual Machine", "db", "crm", "prod", tierDB, 1, false, true},
	{"eastus", "CRM-Dev-App1", "Virtual Machine", "app", "crm", "dev", tierApp, 1, false, false},
	{"eastus", "AZ-DC1", "Virtual Machine", "dc", "identity", "prod", tierInfra, 1, false, true},
	{"eastus", "AZ-Jump1", "Virtual Machine", "jump", "infra", "prod", tierInfra, 1, false, true},
	{"eastus", "AVD-WS-%02d", "Virtual Desktop", "desktop", "office", "prod", tierDesktop, 3, true, true},
	{"eastus", "AKS-Node%d", "Kubernetes Node", "k8s-node", "platform", "prod", tierK8s, 3, true, false},
	{"westeurope", "Backup-WEU-1", "Virtual Machine", "backup", "backup", "prod", tierInfra, 1, false, false},
	{"westeurope", "CRM-Test-DB1", "Virtual Machine", "db", "crm", "test", tierDB, 1, false, true},

	{"us-east-1", "Billing-Prod-Web%d", "EC2 Instance", "web", "billing", "prod", tierWeb, 2, true, false},
	{"us-east-1", "Billing-Prod-App%d", "EC2 Instance", "app", "billing", "prod", tierApp, 2, true, false},
	{"us-east-1", "Billing-Prod-DB1", "EC2 Instance", "db", "billing", "prod", tierDB, 1, false, false},
	{"us-east-1", "Billing-Dev-App1", "EC2 Instance", "app", "billing", "dev", tierApp, 1, false, false},
	{"us-east-1", "AWS-Bastion1", "EC2 Instance", "jump", "infra", "prod", tierInfra, 1, false, false},
	{"us-east-1", "EKS-Node%d", "Kubernetes Node", "k8s-node", "platform", "prod", tierK8s, 3, true, false},
	{"eu-west-1", "Billing-DR-DB1", "EC2 Instance", "db", "billing", "prod", tierDB, 1, false, false},
	{"eu-west-1", "Billing-Test-App1", "EC2 Instance", "app", "billing", "test", tierApp, 1, false, false},

	{"us-central1", "Analytics-Prod-Web1", "Compute Engine VM", "web", "analytics", "prod", tierWeb, 1, false, false},
	{"us-central1", "Analytics-Prod-App%d", "Compute Engine VM", "app", "analytics", "prod", tierApp, 2, true, false},
	{"us-central1", "Analytics-Prod-DB1", "Compute Engine VM", "db", "analytics", "prod", tierDB, 1, false, false},
	{"us-central1", "Analytics-Dev-App1", "Compute Engine VM", "app", "analytics", "dev", tierApp, 1, false, false},
	{"us-central1", "GKE-Node%d", "Kubernetes Node", "k8s-node", "platform", "prod", tierK8s, 2, true, false},
}

// estate is the simulated organisation: its sites and workloads.
type estate struct {
	sites     []*site
	workloads []*workload
	byIP      map[netip.Addr]*workload
}

func newSites(r *rand.Rand) []*site {
	azSub := func() string { return uuid(r) }
	eastSub := azSub()
	awsProd := digits(r, 12)
	awsDR := digits(r, 12)
	mk := func(loc string, c cloud, region, cidr string, off int64, account, vpc string) *site {
		zone := map[cloud]string{onprem: "On-Prem", aws: "Internal AWS", azure: "Internal Azure", gcp: "Internal GCP"}[c]
		return &site{loc: loc, cloud: c, region: region, zone: zone, cidr: netip.MustParsePrefix(cidr),
			utcOffset: off, account: account, vpc: vpc, hostSeq: map[int]int{}}
	}
	sites := []*site{
		mk("nyc-hq", onprem, "nyc-hq", "10.10.0.0/16", -5, "", ""),
		mk("eastus", azure, "eastus", "10.68.0.0/16", -5, eastSub, "vnet-prod-eastus"),
		mk("westeurope", azure, "westeurope", "10.70.0.0/16", 1, eastSub, "vnet-prod-westeurope"),
		mk("us-east-1", aws, "us-east-1", "10.20.0.0/16", -5, awsProd, "vpc-0"+hex(r, 16)),
		mk("eu-west-1", aws, "eu-west-1", "10.30.0.0/16", 0, awsDR, "vpc-0"+hex(r, 16)),
		mk("us-central1", gcp, "us-central1", "10.40.0.0/16", -6, "northwind-analytics-prod", "analytics-vpc"),
	}
	for _, s := range sites {
		switch s.cloud {
		case aws:
			s.flowLogID = "fl-0" + hex(r, 16)
			if s.region == "us-east-1" {
				s.azIDs = []string{"use1-az1", "use1-az2", "use1-az4"}
			} else {
				s.azIDs = []string{"euw1-az1", "euw1-az2", "euw1-az3"}
			}
		case azure:
			flName := strings.ToUpper(s.vpc) + "-FLOWLOG"
			s.flowLogResourceID = "/SUBSCRIPTIONS/" + strings.ToUpper(s.account) +
				"/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_" +
				strings.ToUpper(s.region) + "/FLOWLOGS/" + flName
			s.targetResourceID = "/subscriptions/" + s.account + "/resourceGroups/rg-network-" + s.region +
				"/providers/Microsoft.Network/virtualNetworks/" + s.vpc
			s.flowLogGUID = uuid(r)
			s.aclID = uuid(r)
		case gcp:
			s.subnetName = "analytics-" + s.region
			s.subnetID = "7" + digits(r, 18)
			s.zones = []string{s.region + "-a", s.region + "-b", s.region + "-c"}
		}
	}
	return sites
}

// newEstate builds n workloads from the template, deterministically from r.
func newEstate(r *rand.Rand, n int) *estate {
	e := &estate{sites: newSites(r), byIP: map[netip.Addr]*workload{}}
	counts := scaleCounts(n)
	awsSubnets := map[string]string{} // site loc + tier → subnet id
	desktops := 0
	for i, sl := range template {
		st := e.site(sl.site)
		for k := 1; k <= counts[i]; k++ {
			name := sl.name
			if strings.Contains(name, "%") {
				name = fmt.Sprintf(name, k)
			}
			w := &workload{idx: len(e.workloads), name: name, kind: sl.kind, role: sl.role, app: sl.app,
				env: sl.env, windows: sl.windows, site: st}
			w.ip = st.allocate(r, sl.tier)
			if sl.role == "desktop" {
				desktops++
				w.admin = desktops%7 == 1
			}
			switch st.cloud {
			case aws:
				key := fmt.Sprintf("%s/%d", st.loc, sl.tier)
				if awsSubnets[key] == "" {
					awsSubnets[key] = "subnet-0" + hex(r, 16)
				}
				w.subnetID = awsSubnets[key]
				w.azID = st.azIDs[sl.tier%len(st.azIDs)]
				w.instanceID = "i-0" + hex(r, 16)
				w.eniID = "eni-0" + hex(r, 16)
			case azure:
				w.mac = "000D3A" + strings.ToUpper(hex(r, 6))
			case gcp:
				w.vmName = strings.ToLower(name)
				w.gcpZone = st.zones[k%len(st.zones)]
			}
			e.workloads = append(e.workloads, w)
			e.byIP[w.ip] = w
		}
	}
	return e
}

// scaleCounts spreads n workloads over the template: singletons keep their count,
// scalable groups share the rest in proportion to their base (largest remainder).
func scaleCounts(n int) []int {
	counts := make([]int, len(template))
	fixed, base := 0, 0
	for i, sl := range template {
		if sl.scalable {
			base += sl.count
		} else {
			counts[i] = sl.count
			fixed += sl.count
		}
	}
	// Every scalable group gets one; the rest is shared in proportion to the base.
	groups := 0
	for _, sl := range template {
		if sl.scalable {
			groups++
		}
	}
	rest := max(n-fixed-groups, 0)
	given := 0
	type rem struct{ i, frac int }
	var rems []rem
	for i, sl := range template {
		if !sl.scalable {
			continue
		}
		c := rest * sl.count / base
		counts[i] = 1 + c
		given += c
		rems = append(rems, rem{i, rest * sl.count % base})
	}
	// Hand out what is left to the largest remainders; ties go to the earlier slot.
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for j := 0; given < rest; j = (j + 1) % len(rems) {
		counts[rems[j].i]++
		given++
	}
	return counts
}

func (e *estate) site(loc string) *site {
	for _, s := range e.sites {
		if s.loc == loc {
			return s
		}
	}
	panic("simulate: template names unknown site " + loc) // the template is code, not input
}

// allocate returns the next address of tier in s, leaving small random gaps as real
// subnets have.
func (s *site) allocate(r *rand.Rand, tier int) netip.Addr {
	n := s.hostSeq[tier]
	if n == 0 {
		n = 10
	}
	n += 1 + r.IntN(3)
	s.hostSeq[tier] = n
	b := s.cidr.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(tier)<<8
	v += uint32(n)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// byRole lists the workloads with role (and app when not empty), in estate order.
func (e *estate) byRole(role, app string) []*workload {
	var out []*workload
	for _, w := range e.workloads {
		if w.role == role && (app == "" || w.app == app) {
			out = append(out, w)
		}
	}
	return out
}

// find returns the workload named name.
func (e *estate) find(name string) *workload {
	for _, w := range e.workloads {
		if w.name == name {
			return w
		}
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func hex(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[r.IntN(16)]
	}
	return string(b)
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

func uuid(r *rand.Rand) string {
	h := hex(r, 32)
	variant := string("89ab"[r.IntN(4)])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + variant + h[17:20] + "-" + h[20:32]
}
