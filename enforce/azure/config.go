package azure

import (
	"fmt"
	"regexp"
	"strings"
)

// Configuration is where the enforcer looks for network interfaces. Credentials
// are not part of it: they come from azidentity's DefaultAzureCredential
// (environment, workload identity, managed identity, Azure CLI).
type Configuration struct {
	// SubscriptionID is the subscription whose NICs the enforcer changes.
	SubscriptionID string `yaml:"subscription_id"`
	// ResourceGroup, when set, limits the search of NICs by IP address (and of
	// weir's NSGs on release) to one resource group. Full NIC ids in a
	// workload's instances are used wherever they point.
	ResourceGroup string `yaml:"resource_group"`
	// Clouds are the workload clouds this enforcer reaches; empty means azure.
	Clouds []string `yaml:"clouds"`
}

// DefaultConfiguration reaches Azure workloads; the subscription must be set.
func DefaultConfiguration() Configuration {
	return Configuration{Clouds: []string{"azure"}}
}

var (
	subscriptionIDRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// Azure's rule for resource group names: letters, digits, _ . - ( ), not ending with a period.
	resourceGroupRe = regexp.MustCompile(`^[\p{L}\p{N}_.()-]{0,89}[\p{L}\p{N}_()-]$`)
)

// Validate says which field of c is wrong.
func (c Configuration) Validate() error {
	if !subscriptionIDRe.MatchString(c.SubscriptionID) {
		return fmt.Errorf("azure enforcer: subscription_id %q: want a subscription GUID", c.SubscriptionID)
	}
	if c.ResourceGroup != "" && !resourceGroupRe.MatchString(c.ResourceGroup) {
		return fmt.Errorf("azure enforcer: resource_group %q is not a resource group name", c.ResourceGroup)
	}
	for _, cl := range c.Clouds {
		if cl == "" || cl != strings.ToLower(cl) {
			return fmt.Errorf("azure enforcer: clouds entry %q: want a lower-case cloud name (azure)", cl)
		}
	}
	return nil
}
