package aws

import (
	"fmt"
	"net/url"
	"regexp"
	"time"
)

// Configuration is how the AWS enforcer reaches EC2. Credentials are not part
// of it: they come from the SDK's default chain (environment, shared files and
// the profile below, SSO, web identity, the instance's or task's role).
type Configuration struct {
	// Region is used for workloads whose inventory entry has none (and for
	// releases of workloads that left the inventory). Empty: the SDK's own
	// default (AWS_REGION, the profile's region).
	Region string `yaml:"region"`
	// Endpoint overrides the EC2 endpoint URL, for a VPC interface endpoint
	// or a test server. It is used for every region, so set it only when
	// every workload is in the endpoint's region.
	Endpoint string `yaml:"endpoint"`
	// Profile is a profile of the shared AWS config files.
	Profile string `yaml:"profile"`
	// Clouds are the workload clouds it reaches (Workload.Cloud, lower
	// case); empty means ["aws"].
	Clouds []string `yaml:"clouds"`
	// Timeout bounds one Apply or Release, all its calls and the SDK's own
	// retries included; zero means 2 minutes.
	Timeout time.Duration `yaml:"timeout"`
}

// DefaultConfiguration reaches workloads in the "aws" cloud, with the SDK's
// default region and credentials.
func DefaultConfiguration() Configuration {
	return Configuration{Clouds: []string{"aws"}, Timeout: 2 * time.Minute}
}

// regionRE is the shape of every AWS region name (us-east-1, us-gov-west-1,
// cn-north-1, us-isob-east-1).
var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$`)

// Validate says which field of c is wrong.
func (c Configuration) Validate() error {
	if c.Region != "" && !regionRE.MatchString(c.Region) {
		return fmt.Errorf("aws enforcer: region %q is not an AWS region name", c.Region)
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("aws enforcer: endpoint %q: want http(s)://host[:port]", c.Endpoint)
		}
	}
	if c.Timeout < 0 {
		return fmt.Errorf("aws enforcer: timeout %v is negative", c.Timeout)
	}
	for _, cl := range c.Clouds {
		if cl == "" {
			return fmt.Errorf("aws enforcer: clouds has an empty entry")
		}
	}
	return nil
}
