// Package roles infers what a workload is for (database, web server, domain
// controller, user endpoint, ...) from its traffic, for the workloads the
// inventory gives no role: what it serves, to how many clients and from where,
// and what it uses as a client. The rules are pure Go over a traffic Profile
// (rules.go); Infer (infer.go) asks a Store for the profiles of the unlabelled
// endpoints and hands the decisions back, marked as inferred.
//
// It does not read the database or the flows itself, and it never overrides a
// role the inventory gave: the store only profiles endpoints without one.
package roles

// The vocabulary: every role Decide can return. The names follow the ones
// inventories commonly use (DESIGN §3 labels), so that an inferred role and a
// given one group together in "Top Destination Roles".
const (
	DC      = "dc"       // domain controller: Kerberos, LDAP
	DNS     = "dns"      // resolver
	NTP     = "ntp"      // time server
	DB      = "db"       // database or data store
	File    = "file"     // file server: SMB, NFS
	Mail    = "mail"     // SMTP, IMAP, POP3
	Web     = "web"      // serves HTTP(S) to many or to the internet
	App     = "app"      // application tier: serves internal callers, calls databases
	Proxy   = "proxy"    // forward proxy: serves proxy ports, fans out to the internet
	Jump    = "jump"     // jump host or bastion: remote access in, remote access out
	K8sNode = "k8s-node" // Kubernetes node: kubelet, API server, etcd, overlay
	Backup  = "backup"   // backup server: pulls or receives bulk data
	User    = "user"     // user endpoint: desktop, laptop, virtual desktop
)

// Vocabulary lists the roles Decide may return, in no particular order.
var Vocabulary = []string{DC, DNS, NTP, DB, File, Mail, Web, App, Proxy, Jump, K8sNode, Backup, User}

// Profile is what one unlabelled workload did over a window of time: what the
// store knows of it and its traffic as a server (destination of flows) and as a
// client (source). Denied flows are left out: a port scanners knock on is not a
// port the workload serves.
type Profile struct {
	// Key names the workload: its inventory name, or the instance id the logs
	// give when the inventory does not know it.
	Key string
	// Endpoints are the store's endpoint ids the workload's flows point at; a
	// decision applies to all of them.
	Endpoints []uint32
	// Kind is the inventory's kind (e.g. "Workstation"), when known.
	Kind string

	Served []Use // as the server, one per protocol and port
	Used   []Use // as the client, one per protocol and destination port

	// Clients are the distinct addresses that reached it, InternetClients those
	// from outside the estate (inbound flows).
	Clients, InternetClients int
	// Servers are the distinct addresses it reached: inside the estate and on
	// the internet.
	Servers, InternalServers, InternetServers int
	// Categories counts its client flows by destination category (saas, ai,
	// cloud, cdn, internet, internal).
	Categories map[string]uint64
	// Hours is how many hours of the window hold any traffic; ActiveHours how
	// many of them this workload started a flow in. People work by day, servers
	// around the clock.
	Hours, ActiveHours int
}

// Use is traffic on one protocol and port, seen from the profiled workload.
type Use struct {
	Proto   uint8
	Port    uint16
	Service string // the service enrichment named, e.g. "LDAP"
	// Peers are the distinct addresses at the other end; InternalPeers those
	// inside the estate, InternetPeers those outside.
	Peers, InternalPeers, InternetPeers int
	Flows                               uint64
	BytesIn, BytesOut                   uint64 // to and from the profiled workload
}

// Decision is the role inferred for one profile.
type Decision struct {
	Role       string  // one of Vocabulary, empty when no rule holds
	Confidence float64 // 0–1
	Reason     string  // the evidence, for logs and the UI
}
