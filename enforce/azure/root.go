// Package azure quarantines Azure workloads with a network security group on
// their network interfaces (DESIGN §8, "NSG on the NIC").
//
// Apply creates one NSG per quarantine and resource group, named
// weir-quarantine-<quarantine id>, that allows the quarantine's allow list in
// both directions and DNS out and denies everything else, and puts it on the
// workload's NICs. Each NIC keeps the NSG it had before in a tag
// (weir-previous-nsg, beside weir-quarantine = the quarantine id), so that the
// state to restore lives in Azure next to what it describes and survives a
// restart of weir. Release puts that NSG back, drops the tags and deletes
// weir's NSG.
//
// It does not own the subnets' NSGs (they keep applying), the NICs' other
// settings, or the quarantine workflow, which package quarantine runs.
package azure

import (
	"fmt"
	"slices"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"

	"github.com/weirhq/weir/quarantine"
)

// Enforcer isolates Azure workloads with NSGs. It keeps no state of its own
// (what it changed is tagged in Azure), so it is safe for concurrent use.
type Enforcer struct {
	cfg  Configuration
	nics *armnetwork.InterfacesClient
	nsgs *armnetwork.SecurityGroupsClient
	poll *runtime.PollUntilDoneOptions
}

var _ quarantine.Enforcer = (*Enforcer)(nil)

// Option changes how New builds the enforcer.
type Option func(*options)

type options struct {
	cred    azcore.TokenCredential
	client  arm.ClientOptions
	pollFor time.Duration
}

// WithCredential replaces DefaultAzureCredential.
func WithCredential(cred azcore.TokenCredential) Option {
	return func(o *options) { o.cred = cred }
}

// WithClientOptions sets the SDK's client options: the cloud (sovereign
// clouds), retries, or a fake transport in tests.
func WithClientOptions(co arm.ClientOptions) Option {
	return func(o *options) { o.client = co }
}

// WithPollFrequency sets how often long-running operations are polled when
// Azure does not say (Retry-After); the SDK refuses less than a second outside
// tests.
func WithPollFrequency(d time.Duration) Option {
	return func(o *options) { o.pollFor = d }
}

// New returns the enforcer for cfg. It contacts nothing: credentials are
// fetched on the first call.
func New(cfg Configuration, opts ...Option) (*Enforcer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Clouds) == 0 {
		cfg.Clouds = DefaultConfiguration().Clouds
	}
	// NSG and NIC updates finish in seconds; the SDK's 30 s default would
	// hold every quarantine for half a minute.
	o := options{pollFor: 2 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.cred == nil {
		cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: o.client.ClientOptions})
		if err != nil {
			return nil, fmt.Errorf("azure enforcer: credentials: %w", err)
		}
		o.cred = cred
	}
	f, err := armnetwork.NewClientFactory(cfg.SubscriptionID, o.cred, &o.client)
	if err != nil {
		return nil, fmt.Errorf("azure enforcer: network clients: %w", err)
	}
	return &Enforcer{cfg: cfg, nics: f.NewInterfacesClient(), nsgs: f.NewSecurityGroupsClient(),
		poll: &runtime.PollUntilDoneOptions{Frequency: o.pollFor}}, nil
}

// Name is "azure".
func (*Enforcer) Name() string { return "azure" }

// Reaches reports whether w's cloud is one the configuration names.
func (e *Enforcer) Reaches(w quarantine.Workload) bool {
	return slices.Contains(e.cfg.Clouds, w.Cloud)
}
