package gcp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"google.golang.org/api/compute/v1"
	"google.golang.org/api/option"

	"github.com/weirhq/weir/quarantine"
)

// Enforcer quarantines Compute Engine instances of one project. It is safe
// for concurrent use.
type Enforcer struct {
	cfg  Configuration
	opts []option.ClientOption

	mu  sync.Mutex
	svc *compute.Service // made on first use: finding credentials may reach the metadata server
}

var _ quarantine.Enforcer = (*Enforcer)(nil)

// New returns the enforcer for cfg. opts go to the Compute client after the
// configured endpoint (tests pass option.WithoutAuthentication and their
// HTTP client); nothing is contacted until the first Apply or Release.
func New(cfg Configuration, opts ...option.ClientOption) (*Enforcer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Clouds) == 0 {
		cfg.Clouds = DefaultConfiguration().Clouds
	}
	cfg.Clouds = slices.Clone(cfg.Clouds)
	for i, c := range cfg.Clouds {
		cfg.Clouds[i] = strings.ToLower(c)
	}
	return &Enforcer{cfg: cfg, opts: slices.Clone(opts)}, nil
}

// Name is "gcp".
func (*Enforcer) Name() string { return "gcp" }

// Reaches reports whether w's cloud is one of the configured clouds.
func (e *Enforcer) Reaches(w quarantine.Workload) bool {
	return slices.Contains(e.cfg.Clouds, w.Cloud)
}

func (e *Enforcer) service(ctx context.Context) (*compute.Service, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.svc != nil {
		return e.svc, nil
	}
	var opts []option.ClientOption
	if e.cfg.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(e.cfg.Endpoint))
	}
	opts = append(opts, e.opts...)
	// The client outlives this call and refreshes its token with the context
	// it was made with, so it must not inherit ctx's cancellation.
	svc, err := compute.NewService(context.WithoutCancel(ctx), opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: gcp: create the compute client (credentials from the default chain): %w",
			quarantine.ErrPermanent, err)
	}
	e.svc = svc
	return svc, nil
}

// Apply isolates the workload's instance: it makes the quarantine's firewall
// rules exist as they should on each of the instance's networks (creating the
// missing ones, rewriting the changed ones, deleting the ones the allow list
// no longer needs), waits for them, and only then adds the quarantine's tag
// to the instance. A second Apply finds all in place and changes nothing.
func (e *Enforcer) Apply(ctx context.Context, t quarantine.Target) error {
	w := t.Workload
	tag, err := tagFor(t.Quarantine.ID)
	if err != nil {
		return fmt.Errorf("%w: gcp: workload %s: %w", quarantine.ErrPermanent, w.Name, err)
	}
	svc, err := e.service(ctx)
	if err != nil {
		return err
	}
	inst, err := e.find(ctx, svc, w)
	if errors.Is(err, errNoInstance) {
		return fmt.Errorf("%w: %w", quarantine.ErrPermanent, err)
	}
	if err != nil {
		return err
	}
	nets := networks(inst)
	if len(nets) == 0 {
		return fmt.Errorf("%w: gcp: workload %s: instance %s has no network interface to filter",
			quarantine.ErrPermanent, w.Name, inst.Name)
	}
	want := desiredRules(tag, nets, t.Allow, t.Quarantine.ID, w.Name)
	if err := e.syncRules(ctx, svc, w.Name, ruleBase(tag), want); err != nil {
		return err
	}
	if tags := currentTags(inst); !slices.Contains(tags, tag) {
		return e.setTags(ctx, svc, w.Name, inst, append(tags, tag))
	}
	return nil
}

// Release frees the workload's instance: it removes the quarantine's tag,
// leaving the instance's other tags as they are, then deletes the
// quarantine's firewall rules. An instance that is gone has no tag to
// remove; what was never applied or is already released is left alone.
func (e *Enforcer) Release(ctx context.Context, t quarantine.Target) error {
	w := t.Workload
	tag, err := tagFor(t.Quarantine.ID)
	if err != nil {
		return fmt.Errorf("%w: gcp: workload %s: %w", quarantine.ErrPermanent, w.Name, err)
	}
	svc, err := e.service(ctx)
	if err != nil {
		return err
	}
	inst, err := e.find(ctx, svc, w)
	if err != nil && !errors.Is(err, errNoInstance) {
		return err
	}
	projects := []string{e.cfg.Project}
	if inst != nil {
		if tags := currentTags(inst); slices.Contains(tags, tag) {
			if err := e.setTags(ctx, svc, w.Name, inst, slices.DeleteFunc(tags, func(s string) bool { return s == tag })); err != nil {
				return err
			}
		}
		if ps := e.firewallProjects(networks(inst)); len(ps) > 0 {
			projects = ps
		}
	}
	var ops []pending
	for _, project := range projects {
		have, err := e.listRules(ctx, svc, w.Name, project, ruleBase(tag))
		if err != nil {
			return err
		}
		for _, f := range have {
			p, err := e.deleteRule(ctx, svc, w.Name, project, f.Name)
			if err != nil {
				return err
			}
			ops = append(ops, p...)
		}
	}
	return waitAll(ctx, svc, w.Name, ops)
}

// firewallProjects are the projects owning networks, where their firewall
// rules live (a Shared VPC's host project), in order and distinct.
func (e *Enforcer) firewallProjects(networks []string) []string {
	var out []string
	for _, n := range networks {
		if p := e.networkProject(n); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// networkProject is the project owning network: the configured one for a
// partial URL that does not say.
func (e *Enforcer) networkProject(network string) string {
	if p := projectOf(network); p != "" {
		return p
	}
	return e.cfg.Project
}

// syncRules makes the rules named base-* in each network's project exactly
// want: it starts every insert, update and delete, then waits for them all.
func (e *Enforcer) syncRules(ctx context.Context, svc *compute.Service, workload, base string, want []*compute.Firewall) error {
	var ops []pending
	for _, project := range e.firewallProjects(networksOf(want)) {
		have, err := e.listRules(ctx, svc, workload, project, base)
		if err != nil {
			return err
		}
		byName := make(map[string]*compute.Firewall, len(have))
		for _, f := range have {
			byName[f.Name] = f
		}
		for _, f := range want {
			if e.networkProject(f.Network) != project {
				continue
			}
			old, ok := byName[f.Name]
			delete(byName, f.Name)
			switch {
			case !ok:
				op, err := svc.Firewalls.Insert(project, f).Context(ctx).Do()
				if isCode(err, 409) { // made meanwhile, by an earlier Apply still finishing
					continue
				}
				if err != nil {
					return failed(err, workload, "compute.firewalls.insert %s in project %s", f.Name, project)
				}
				ops = append(ops, pending{op: op, project: project, what: "compute.firewalls.insert " + f.Name + " in project " + project, ignore: 409})
			case !sameRule(old, f):
				op, err := svc.Firewalls.Update(project, f.Name, f).Context(ctx).Do()
				if err != nil {
					return failed(err, workload, "compute.firewalls.update %s in project %s", f.Name, project)
				}
				ops = append(ops, pending{op: op, project: project, what: "compute.firewalls.update " + f.Name + " in project " + project})
			}
		}
		// What is left is no longer wanted, e.g. an IPv6 allow rule after the
		// allow list lost its last IPv6 network.
		for _, name := range slices.Sorted(maps.Keys(byName)) {
			p, err := e.deleteRule(ctx, svc, workload, project, name)
			if err != nil {
				return err
			}
			ops = append(ops, p...)
		}
	}
	return waitAll(ctx, svc, workload, ops)
}

func networksOf(rules []*compute.Firewall) []string {
	var out []string
	for _, f := range rules {
		if !slices.Contains(out, f.Network) {
			out = append(out, f.Network)
		}
	}
	return out
}

// listRules returns the firewall rules of project whose names start with base.
func (e *Enforcer) listRules(ctx context.Context, svc *compute.Service, workload, project, base string) ([]*compute.Firewall, error) {
	var out []*compute.Firewall
	err := svc.Firewalls.List(project).Filter(ruleFilter(base)).Pages(ctx, func(l *compute.FirewallList) error {
		out = append(out, l.Items...)
		return nil
	})
	if err != nil {
		return nil, failed(err, workload, "compute.firewalls.list %s-* in project %s", base, project)
	}
	return out, nil
}

// deleteRule starts deleting a rule; one already gone starts nothing.
func (e *Enforcer) deleteRule(ctx context.Context, svc *compute.Service, workload, project, name string) ([]pending, error) {
	op, err := svc.Firewalls.Delete(project, name).Context(ctx).Do()
	if isCode(err, 404) {
		return nil, nil
	}
	if err != nil {
		return nil, failed(err, workload, "compute.firewalls.delete %s in project %s", name, project)
	}
	return []pending{{op: op, project: project, what: "compute.firewalls.delete " + name + " in project " + project, ignore: 404}}, nil
}

func currentTags(inst *compute.Instance) []string {
	if inst.Tags == nil {
		return nil
	}
	return slices.Clone(inst.Tags.Items)
}

// setTags replaces inst's tags with items, on condition that they have not
// changed since inst was read (its fingerprint); if they have, the answer is
// 412 and the Manager retries with a fresh read.
func (e *Enforcer) setTags(ctx context.Context, svc *compute.Service, workload string, inst *compute.Instance, items []string) error {
	zone := lastSegment(inst.Zone)
	tags := &compute.Tags{Items: items, ForceSendFields: []string{"Items"}} // an empty list clears
	if inst.Tags != nil {
		tags.Fingerprint = inst.Tags.Fingerprint
	}
	what := fmt.Sprintf("compute.instances.setTags %s in project %s zone %s", inst.Name, e.cfg.Project, zone)
	op, err := svc.Instances.SetTags(e.cfg.Project, zone, inst.Name, tags).Context(ctx).Do()
	if err != nil {
		return failed(err, workload, "%s", what)
	}
	return pending{op: op, project: e.cfg.Project, zone: zone, what: what}.wait(ctx, svc, workload)
}
