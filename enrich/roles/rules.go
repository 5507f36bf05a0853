package roles

import (
	"fmt"
	"slices"
	"strings"
)

// A port a role is recognised by. Proto 0 matches TCP and UDP.
type port struct {
	proto uint8
	n     uint16
}

const (
	tcp = 6
	udp = 17
)

// Port sets, from the IANA service registry and the vendors' documentation.
var (
	kerberosPorts = []port{{0, 88}}
	ldapPorts     = []port{{tcp, 389}, {udp, 389}, {tcp, 636}, {tcp, 3268}, {tcp, 3269}}
	dnsPorts      = []port{{0, 53}, {tcp, 853}}
	ntpPorts      = []port{{udp, 123}}
	// SQL Server, Oracle, MySQL, PostgreSQL, CouchDB, Redis, Neo4j, ArangoDB,
	// Cassandra, memcached, CockroachDB, MongoDB, RethinkDB, MySQL X, DB2.
	dbPorts = []port{{tcp, 1433}, {tcp, 1521}, {tcp, 2483}, {tcp, 2484}, {tcp, 3306}, {tcp, 5432},
		{tcp, 5984}, {tcp, 6379}, {tcp, 7687}, {tcp, 8529}, {tcp, 9042}, {tcp, 11211}, {tcp, 26257},
		{tcp, 27017}, {tcp, 27018}, {tcp, 28015}, {tcp, 33060}, {tcp, 50000}}
	filePorts = []port{{tcp, 445}, {tcp, 139}, {0, 2049}}
	// SMTP, submission, SMTPS, POP3(S), IMAP(S).
	mailPorts = []port{{tcp, 25}, {tcp, 465}, {tcp, 587}, {tcp, 110}, {tcp, 995}, {tcp, 143}, {tcp, 993}}
	// SSH, RDP, WinRM, VNC.
	remotePorts = []port{{tcp, 22}, {tcp, 3389}, {udp, 3389}, {tcp, 5985}, {tcp, 5986}, {tcp, 5900}}
	webPorts    = []port{{tcp, 80}, {tcp, 443}, {udp, 443}, {tcp, 8080}, {tcp, 8443}, {tcp, 8000}, {tcp, 8888}}
	proxyPorts  = []port{{tcp, 3128}, {tcp, 8080}, {tcp, 8888}, {tcp, 1080}}
	// kubelet, kube-proxy health, API server, etcd, VXLAN and flannel overlays.
	k8sPorts = []port{{tcp, 10250}, {tcp, 10255}, {tcp, 10256}, {tcp, 6443}, {tcp, 2379}, {tcp, 2380},
		{udp, 4789}, {udp, 8472}}
	// NDMP, Bacula storage daemon, Veritas NetBackup.
	backupPorts = []port{{tcp, 10000}, {tcp, 9103}, {tcp, 1556}}
)

// wellKnown are the ports some role above is recognised by: a server answering on
// none of them is application-specific (app tier).
var wellKnown = slices.Concat(kerberosPorts, ldapPorts, dnsPorts, ntpPorts, dbPorts, filePorts, mailPorts,
	remotePorts, webPorts[:3], k8sPorts, backupPorts, []port{{tcp, 135}})

func (p port) matches(u *Use) bool {
	return p.n == u.Port && (p.proto == 0 && (u.Proto == tcp || u.Proto == udp) || p.proto == u.Proto)
}

// tally is the traffic on a set of ports: peers is the largest count on one port,
// a lower bound on the distinct peers over the set.
type tally struct {
	peers, internal, internet int
	flows, bytesIn, bytesOut  uint64
	ports                     []uint16
}

func sum(uses []Use, set []port) tally {
	var t tally
	for i := range uses {
		u := &uses[i]
		if !slices.ContainsFunc(set, func(p port) bool { return p.matches(u) }) {
			continue
		}
		t.peers, t.internal, t.internet = max(t.peers, u.Peers), max(t.internal, u.InternalPeers), max(t.internet, u.InternetPeers)
		t.flows += u.Flows
		t.bytesIn += u.BytesIn
		t.bytesOut += u.BytesOut
		if !slices.Contains(t.ports, u.Port) {
			t.ports = append(t.ports, u.Port)
		}
	}
	slices.Sort(t.ports)
	return t
}

// others is the traffic on every port outside set.
func others(uses []Use, set []port) tally {
	var rest []port
	for _, u := range uses {
		if !slices.ContainsFunc(set, func(p port) bool { return p.matches(&u) }) {
			rest = append(rest, port{u.Proto, u.Port})
		}
	}
	return sum(uses, rest)
}

func (t tally) portList() string {
	s := make([]string, len(t.ports))
	for i, p := range t.ports {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}

// A rule weighs one role's evidence: a confidence (0 when it does not hold) and
// the reason.
type rule struct {
	role  string
	judge func(p *Profile) (float64, string)
}

// rules are tried in order; the most confident wins, the earlier on a tie. The
// confidences rank the evidence: a port only one kind of server answers on (88,
// 10250) says more than a port many do (443), and being only a client says least.
var rules = []rule{
	// Kerberos and LDAP together are Active Directory; Kerberos alone is a KDC,
	// which in practice is a domain controller too. DCs also serve DNS, SMB
	// (SYSVOL) and NTP, which is why this rule ranks above those.
	{DC, func(p *Profile) (float64, string) {
		k, l := sum(p.Served, kerberosPorts), sum(p.Served, ldapPorts)
		switch {
		case k.peers > 0 && l.peers > 0:
			return 0.95, fmt.Sprintf("serves Kerberos to %d clients and LDAP (%s) to %d", k.peers, l.portList(), l.peers)
		case k.peers > 0:
			return 0.85, fmt.Sprintf("serves Kerberos to %d clients", k.peers)
		case l.peers >= 2:
			return 0.6, fmt.Sprintf("serves LDAP (%s) to %d clients", l.portList(), l.peers)
		}
		return 0, ""
	}},
	// Kubelet, the API server, etcd and the overlay network are only ever spoken
	// between cluster nodes.
	{K8sNode, func(p *Profile) (float64, string) {
		t := sum(p.Served, k8sPorts)
		switch {
		case len(t.ports) >= 2:
			return 0.9, fmt.Sprintf("serves Kubernetes ports %s to %d peers", t.portList(), t.peers)
		case len(t.ports) == 1:
			return 0.75, fmt.Sprintf("serves Kubernetes port %s to %d peers", t.portList(), t.peers)
		}
		return 0, ""
	}},
	// A database port answered to the estate's own hosts. One client is enough:
	// an application usually has a single app tier in front of its database.
	{DB, func(p *Profile) (float64, string) {
		t := sum(p.Served, dbPorts)
		switch {
		case t.internal > 0:
			return 0.85, fmt.Sprintf("serves database ports %s to %d internal clients", t.portList(), t.internal)
		case t.peers > 0:
			return 0.5, fmt.Sprintf("serves database ports %s, to the internet only", t.portList())
		}
		return 0, ""
	}},
	{Mail, func(p *Profile) (float64, string) {
		if t := sum(p.Served, mailPorts); t.peers > 0 {
			return 0.85, fmt.Sprintf("serves mail ports %s to %d clients", t.portList(), t.peers)
		}
		return 0, ""
	}},
	{DNS, func(p *Profile) (float64, string) {
		t := sum(p.Served, dnsPorts)
		switch {
		case t.peers >= 2:
			return 0.9, fmt.Sprintf("serves DNS to %d clients", t.peers)
		case t.peers == 1:
			return 0.55, "serves DNS to one client"
		}
		return 0, ""
	}},
	{NTP, func(p *Profile) (float64, string) {
		t := sum(p.Served, ntpPorts)
		switch {
		case t.peers >= 2:
			return 0.85, fmt.Sprintf("serves NTP to %d clients", t.peers)
		case t.peers == 1:
			return 0.5, "serves NTP to one client"
		}
		return 0, ""
	}},
	// SMB and NFS to many: a user endpoint answers SMB too (admin shares), but
	// to one or two management hosts, not to the floor.
	{File, func(p *Profile) (float64, string) {
		t := sum(p.Served, filePorts)
		switch {
		case t.peers >= 3:
			return 0.8, fmt.Sprintf("serves file sharing (%s) to %d clients", t.portList(), t.peers)
		case t.peers > 0 && t.bytesOut+t.bytesIn >= 100e6:
			return 0.55, fmt.Sprintf("serves file sharing (%s) with %d MB moved", t.portList(), (t.bytesIn+t.bytesOut)/1e6)
		}
		return 0, ""
	}},
	// A forward proxy: the estate comes to it on a proxy port and it goes to many
	// internet hosts on their behalf.
	{Proxy, func(p *Profile) (float64, string) {
		t := sum(p.Served, proxyPorts)
		if t.internal >= 3 && p.InternetServers >= 10 {
			return 0.8, fmt.Sprintf("serves proxy ports %s to %d internal clients and reaches %d internet hosts",
				t.portList(), t.internal, p.InternetServers)
		}
		return 0, ""
	}},
	// A jump host takes remote sessions from several people and opens remote
	// sessions to the estate's hosts; a bastion at least takes them from several.
	// A server administered over SSH or RDP has one or two admin sources.
	{Jump, func(p *Profile) (float64, string) {
		in, out := sum(p.Served, remotePorts), sum(p.Used, remotePorts)
		switch {
		case in.peers >= 2 && out.internal >= 3:
			return 0.9, fmt.Sprintf("takes remote sessions (%s) from %d hosts and opens them to %d internal hosts",
				in.portList(), in.peers, out.internal)
		case in.peers >= 1 && out.internal >= 5:
			return 0.75, fmt.Sprintf("opens remote sessions (%s) to %d internal hosts", out.portList(), out.internal)
		case in.peers >= 3 && in.flows >= 2*others(p.Served, remotePorts).flows:
			return 0.7, fmt.Sprintf("mostly takes remote sessions (%s), from %d hosts", in.portList(), in.peers)
		case in.peers == 2 && in.flows >= 2*others(p.Served, remotePorts).flows:
			return 0.6, fmt.Sprintf("mostly takes remote sessions (%s), from 2 hosts", in.portList())
		}
		return 0, ""
	}},
	// HTTP(S) to the internet or to many: a web front end. An internal API that a
	// handful of callers use is the app rule's.
	// The alternative ports (8080, 8443, ...) to many internal callers are as
	// often an app tier behind several web servers: weaker evidence.
	{Web, func(p *Profile) (float64, string) {
		t, std := sum(p.Served, webPorts), sum(p.Served, webPorts[:3])
		switch {
		case t.internet >= 3:
			return 0.85, fmt.Sprintf("serves HTTP(S) (%s) to %d internet clients", t.portList(), t.internet)
		case std.peers >= 5:
			return 0.75, fmt.Sprintf("serves HTTP(S) (%s) to %d clients", std.portList(), std.peers)
		case t.peers >= 5:
			return 0.6, fmt.Sprintf("serves HTTP (%s) to %d clients", t.portList(), t.peers)
		}
		return 0, ""
	}},
	// The middle tier: answers the estate's own callers on an application port
	// and calls a database.
	{App, func(p *Profile) (float64, string) {
		svc, db := others(p.Served, wellKnown), sum(p.Used, dbPorts)
		switch {
		case svc.internal > 0 && db.internal > 0:
			return 0.75, fmt.Sprintf("serves %s to %d internal callers and calls databases (%s)", svc.portList(), svc.internal, db.portList())
		case svc.internal > 0 && svc.internet == 0:
			return 0.55, fmt.Sprintf("serves %s to %d internal callers", svc.portList(), svc.internal)
		case db.internal > 0 && len(p.Served) == 0:
			return 0.5, fmt.Sprintf("calls databases (%s) and serves nothing", db.portList())
		}
		return 0, ""
	}},
	// A backup server pulls over a backup protocol, or is where bulk data lands:
	// much in, little back.
	{Backup, func(p *Profile) (float64, string) {
		pull := sum(p.Used, backupPorts)
		var in, out uint64
		for _, u := range p.Served {
			in, out = in+u.BytesIn, out+u.BytesOut
		}
		switch {
		case pull.internal > 0:
			return 0.8, fmt.Sprintf("pulls backups (%s) from %d hosts", pull.portList(), pull.internal)
		case in >= 1e9 && in >= 20*out && p.Clients <= 10:
			return 0.65, fmt.Sprintf("receives %d MB from %d hosts and sends back %d MB", in/1e6, p.Clients, out/1e6)
		}
		return 0, ""
	}},
	// A person's machine: a client of many internet services that logs on to
	// the domain or opens shares, and serves next to nothing. People work by day.
	{User, func(p *Profile) (float64, string) {
		var served, used uint64
		for _, u := range p.Served {
			served += u.Flows
		}
		for _, u := range p.Used {
			used += u.Flows
		}
		external := p.Categories["internet"] + p.Categories["cloud"] + p.Categories["ai"] + p.Categories["saas"]
		if p.Clients > 2 || used < 20 || served*10 > used || p.InternetServers < 5 || external*4 < used {
			return 0, ""
		}
		c, why := 0.6, fmt.Sprintf("a client of %d internet hosts (%d flows) serving almost nothing", p.InternetServers, used)
		if t := sum(p.Used, slices.Concat(kerberosPorts, ldapPorts, filePorts)); t.internal > 0 {
			c, why = c+0.15, why+", logs on to the domain or opens shares"
		}
		if p.Hours >= 8 && p.ActiveHours*4 <= p.Hours*3 {
			c, why = c+0.05, why+fmt.Sprintf(", active %d of %d hours", p.ActiveHours, p.Hours)
		}
		return c, why
	}},
	// What the inventory calls the machine, when traffic says little.
	{User, kindIs(0.55, "workstation", "desktop", "laptop", "notebook")},
	{K8sNode, kindIs(0.55, "kubernetes", "k8s")},
}

func kindIs(c float64, words ...string) func(p *Profile) (float64, string) {
	return func(p *Profile) (float64, string) {
		k := strings.ToLower(p.Kind)
		for _, w := range words {
			if strings.Contains(k, w) {
				return c, fmt.Sprintf("the inventory's kind is %q", p.Kind)
			}
		}
		return 0, ""
	}
}

// Decide infers p's role: the most confident rule that holds, or an empty
// Decision when none does.
func Decide(p *Profile) Decision {
	var best Decision
	for _, r := range rules {
		if c, why := r.judge(p); c > best.Confidence {
			best = Decision{Role: r.role, Confidence: c, Reason: why}
		}
	}
	return best
}
