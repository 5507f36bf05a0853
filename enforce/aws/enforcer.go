package aws

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/weirhq/weir/quarantine"
)

// Enforcer quarantines AWS workloads with an isolation security group. The
// Manager calls it from one goroutine at a time; the EC2 client it holds is
// safe for concurrent use anyway.
type Enforcer struct {
	cfg    Configuration
	client *ec2.Client
	region string // the default region: cfg.Region or the SDK's
}

var _ quarantine.Enforcer = (*Enforcer)(nil)

// New returns the AWS enforcer for cfg. It reads the AWS config files (for
// the profile and default region) but contacts no network: credentials are
// resolved on the first call. optFns adjust the EC2 client after cfg is
// applied (tests set static credentials and retries there).
func New(cfg Configuration, optFns ...func(*ec2.Options)) (*Enforcer, error) {
	if len(cfg.Clouds) == 0 {
		cfg.Clouds = DefaultConfiguration().Clouds
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultConfiguration().Timeout
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var load []func(*config.LoadOptions) error
	if cfg.Region != "" {
		load = append(load, config.WithRegion(cfg.Region))
	}
	if cfg.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(cfg.Profile))
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background(), load...)
	if err != nil {
		return nil, fmt.Errorf("aws enforcer: load the AWS configuration (profile %q): %w", cfg.Profile, err)
	}
	opts := []func(*ec2.Options){func(o *ec2.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	}}
	opts = append(opts, optFns...)
	return &Enforcer{cfg: cfg, client: ec2.NewFromConfig(awsCfg, opts...), region: awsCfg.Region}, nil
}

// Name is "aws".
func (*Enforcer) Name() string { return "aws" }

// Reaches reports whether w's cloud is among the configured ones.
func (e *Enforcer) Reaches(w quarantine.Workload) bool {
	return slices.Contains(e.cfg.Clouds, w.Cloud)
}

// Apply isolates t's workload: it finds its network interfaces (see
// findInterfaces), makes sure each of their VPCs has the quarantine's
// isolation group with exactly the quarantine's rules, records each
// interface's groups in its tags, then gives it the isolation group alone.
// What weir can check itself (the workload is found, no interface is managed
// by AWS or held by another quarantine) is checked before anything changes; a
// call failing halfway leaves a partial isolation that the retry, or a
// release, completes. Repeating it changes nothing.
func (e *Enforcer) Apply(ctx context.Context, t quarantine.Target) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	j, err := e.job(t)
	if err != nil {
		return err
	}
	enis, err := j.findInterfaces(ctx, t.Workload)
	if err != nil {
		return err
	}
	for _, n := range enis {
		if err := j.checkIsolable(n); err != nil {
			return err
		}
	}
	want := desiredRules(t.Allow)
	for _, vpc := range vpcsOf(enis) {
		sg, err := j.ensureGroup(ctx, vpc, want)
		if err != nil {
			return err
		}
		for _, n := range enis {
			if aws.ToString(n.VpcId) != vpc {
				continue
			}
			if err := j.isolate(ctx, n, sg); err != nil {
				return err
			}
		}
	}
	return nil
}

// Release gives every interface tagged for t's quarantine its previous
// groups back, removes the tags, then deletes the isolation groups. It finds
// the interfaces by their tag, not by the workload, so it works when the
// workload left the inventory or changed address; it searches the workload's
// region, else the default one. Nothing tagged: nothing to do.
func (e *Enforcer) Release(ctx context.Context, t quarantine.Target) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	j, err := e.job(t)
	if err != nil {
		return err
	}
	enis, err := j.taggedInterfaces(ctx)
	if err != nil {
		return err
	}
	for _, n := range enis {
		if err := j.restore(ctx, n); err != nil {
			return err
		}
	}
	return j.deleteGroups(ctx)
}

// job is one Apply or Release: the client, the region its calls go to and
// what errors name.
type job struct {
	client   *ec2.Client
	region   string
	id       string // the quarantine's
	workload string
}

func (e *Enforcer) job(t quarantine.Target) (job, error) {
	j := job{client: e.client, region: t.Workload.Region, id: t.Quarantine.ID, workload: t.Workload.Name}
	if j.region == "" {
		j.region = e.region
	}
	if j.region == "" {
		return j, fmt.Errorf("%w: aws: workload %s: no region: the inventory gives none and the enforcer has no default",
			quarantine.ErrPermanent, j.workload)
	}
	if j.id == "" {
		return j, fmt.Errorf("%w: aws: workload %s: the quarantine has no id", quarantine.ErrPermanent, j.workload)
	}
	return j, nil
}

// in sends a call to the job's region.
func (j job) in(o *ec2.Options) { o.Region = j.region }
