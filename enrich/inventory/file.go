package inventory

// file is an inventory as read from disk, before validation: addresses are still
// text so that build can say which line holds a bad one.
type file struct {
	networks  []rawNetwork
	workloads []rawWorkload
	// locate says where in the file an item is ("line 12"), for errors. section is
	// "networks" or "workloads", i the item, field and j an element of a list field
	// (field "" for the item itself). Called only when there is an error to report.
	locate func(section string, i int, field string, j int) string
}

type rawNetwork struct {
	CIDR   string `yaml:"cidr"`
	Zone   string `yaml:"zone"`
	Cloud  string `yaml:"cloud"`
	Region string `yaml:"region"`
}

type rawWorkload struct {
	Name      string            `yaml:"name"`
	Kind      string            `yaml:"kind"`
	IPs       stringList        `yaml:"ips"`
	Cloud     string            `yaml:"cloud"`
	Account   string            `yaml:"account"`
	Region    string            `yaml:"region"`
	Instances stringList        `yaml:"instances"`
	Labels    map[string]scalar `yaml:"labels"`
}
