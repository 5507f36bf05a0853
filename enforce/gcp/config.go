package gcp

import (
	"fmt"
	"net/url"
	"regexp"
)

// Configuration says where the GCP enforcer works. Credentials come from the
// Google client libraries' default chain (GOOGLE_APPLICATION_CREDENTIALS, the
// gcloud user credentials, the metadata server), never from this file.
type Configuration struct {
	// Project is the project whose instances are quarantined.
	Project string `yaml:"project"`
	// Zone, when set, is where every instance is looked up; otherwise the
	// workload's region (a zone, or a region whose zones are searched) says.
	Zone string `yaml:"zone"`
	// Endpoint overrides the Compute Engine API base URL, which ends in
	// "/compute/v1/" (a private endpoint, a test server).
	Endpoint string `yaml:"endpoint"`
	// Clouds are the workload clouds this enforcer reaches; empty means "gcp".
	Clouds []string `yaml:"clouds"`
}

// DefaultConfiguration reaches the workloads of cloud "gcp"; the project must
// still be set.
func DefaultConfiguration() Configuration {
	return Configuration{Clouds: []string{"gcp"}}
}

var (
	// projectID is a project id, with the domain of a legacy domain-scoped
	// project ("example.com:my-project") allowed.
	projectID = regexp.MustCompile(`^([a-z0-9.-]+:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$`)
	zoneName  = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`)
	// regionName is the region of a zone, e.g. us-central1 for us-central1-a.
	regionName = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
)

// Validate says which field of c is wrong.
func (c Configuration) Validate() error {
	if c.Project == "" {
		return fmt.Errorf("gcp enforcer: project is required")
	}
	if !projectID.MatchString(c.Project) {
		return fmt.Errorf("gcp enforcer: project %q is not a project id", c.Project)
	}
	if c.Zone != "" && !zoneName.MatchString(c.Zone) {
		return fmt.Errorf("gcp enforcer: zone %q is not a zone name (like us-central1-a)", c.Zone)
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("gcp enforcer: endpoint %q: want http(s)://host/compute/v1/", c.Endpoint)
		}
	}
	for _, cl := range c.Clouds {
		if cl == "" {
			return fmt.Errorf("gcp enforcer: clouds has an empty entry")
		}
	}
	return nil
}
