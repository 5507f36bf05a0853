package graph

import "time"

// Node types.
const (
	NodeWorkload = "workload" // an inventory workload, by name
	NodeIP       = "ip"       // an address without a workload: internal, or an external one a threat feed lists
	NodeExternal = "external" // internet peers grouped by zone (a cloud provider) or, for the Internet, by country
	NodeGroup    = "group"    // a communications map's role, app, workload or zone
)

// Map is a graph of traffic over a window.
type Map struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
	Nodes []Node    `json:"nodes"`
	Edges []Edge    `json:"edges"`
	// Paths are the lateral-movement paths from the resource, one per workload of
	// the blast radius (resource map only).
	Paths []Path `json:"paths"`
	// BlastRadius lists the workloads the resource can reach over allowed
	// lateral-movement edges (resource map only; see Maps.Resource).
	BlastRadius []string `json:"blast_radius"`
	// Truncated is set when a query hit its row cap: the smallest edges (and
	// reply bytes) may be missing.
	Truncated bool `json:"truncated,omitempty"`
	// Queries is how many aggregate queries the map took.
	Queries int `json:"queries"`
}

// Node is one end of edges.
type Node struct {
	ID    string `json:"id"` // <type>/<name>: workload/CRM-Prod-DB1, ip/10.0.0.7, external/AWS, external/Internet/CN, role/db
	Type  string `json:"type"`
	Label string `json:"label"`
	// Depth is the hops from the resource (0 for it); -1 on a communications map.
	Depth int `json:"depth"`
	// What the inventory says of a workload.
	Kind   string            `json:"kind,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	Cloud  string            `json:"cloud,omitempty"`
	Region string            `json:"region,omitempty"`
	// What the flows say of an address or an external group.
	IP      string `json:"ip,omitempty"`
	Zone    string `json:"zone,omitempty"`
	Country string `json:"country,omitempty"`
	Threat  string `json:"threat,omitempty"` // feeds that list the address
	// Hidden counts the neighbours the per-node limit left out.
	Hidden int `json:"hidden,omitempty"`
}

// Edge is the traffic from one node to another (a flow's source to its
// destination; the other way round is another edge).
type Edge struct {
	From     string    `json:"from"`
	To       string    `json:"to"`
	Flows    uint64    `json:"flows"`
	Bytes    uint64    `json:"bytes"`     // From → To
	BytesRev uint64    `json:"bytes_rev"` // To → From, the answers
	Packets  uint64    `json:"packets"`
	Allowed  uint64    `json:"allowed"` // flows the network allowed
	Denied   uint64    `json:"denied"`  // flows it denied
	Services []Service `json:"services"`
	// Lateral is set when the edge joins two internal nodes over a
	// lateral-movement or remote-access service.
	Lateral bool `json:"lateral,omitempty"`
}

// Service is one service an edge carries.
type Service struct {
	Name     string   `json:"name"` // empty when the catalog does not know the port
	Category string   `json:"category,omitempty"`
	Proto    string   `json:"proto"`
	Ports    []uint16 `json:"ports"` // the destination ports of the connections
	Flows    uint64   `json:"flows"`
	Bytes    uint64   `json:"bytes"`
	Allowed  uint64   `json:"allowed"`
	Denied   uint64   `json:"denied"`
}

// Path is a lateral-movement path: the node ids from the resource to a workload of
// its blast radius, and the lateral service each hop used (the busiest allowed one).
type Path struct {
	To       string   `json:"to"`
	Hops     []string `json:"hops"`
	Services []string `json:"services"`
}
