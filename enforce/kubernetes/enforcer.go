package kubernetes

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/weirhq/weir/quarantine"
)

// QuarantineLabel is the label, on the pod and on weir's NetworkPolicy, whose
// value is the quarantine id.
const QuarantineLabel = "weir.io/quarantine"

// Enforcer quarantines pods with NetworkPolicies. The quarantine Manager
// calls it from one goroutine at a time; it keeps no state of its own, so it
// is safe for concurrent use anyway.
type Enforcer struct {
	cfg    Configuration
	client k8s.Interface
}

var _ quarantine.Enforcer = (*Enforcer)(nil)

// New returns the enforcer for cfg, with a clientset built from the
// kubeconfig or the in-cluster service account. It contacts nothing.
func New(cfg Configuration) (*Enforcer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rc, err := restConfig(cfg)
	if err != nil {
		return nil, err
	}
	rc.Timeout = cfg.Timeout
	rc.UserAgent = "weir"
	cs, err := k8s.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes enforcer: new clientset: %w", err)
	}
	return &Enforcer{cfg: cfg, client: cs}, nil
}

// NewWithClient returns the enforcer for cfg over client (tests pass
// client-go's fake clientset).
func NewWithClient(cfg Configuration, client k8s.Interface) (*Enforcer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Enforcer{cfg: cfg, client: client}, nil
}

// Name is "kubernetes".
func (*Enforcer) Name() string { return "kubernetes" }

// Reaches reports whether w is a pod: its kind is "pod" or "kubernetes pod"
// (any case), its cloud is a configured one, or it carries the namespace
// label.
func (e *Enforcer) Reaches(w quarantine.Workload) bool {
	switch strings.ToLower(strings.TrimSpace(w.Kind)) {
	case "pod", "kubernetes pod":
		return true
	}
	if slices.ContainsFunc(e.cfg.Clouds, func(c string) bool { return strings.EqualFold(c, w.Cloud) }) {
		return true
	}
	return w.Labels[e.cfg.NamespaceLabel] != ""
}

// Apply finds t's pod (see findPod), makes sure weir's NetworkPolicy for the
// quarantine exists in its namespace with the wanted spec, then labels the
// pod so the policy selects it. Each step is skipped when already done.
func (e *Enforcer) Apply(ctx context.Context, t quarantine.Target) error {
	id, err := quarantineID(t)
	if err != nil {
		return err
	}
	pod, err := e.findPod(ctx, t.Workload)
	if err != nil {
		return err
	}
	if err := e.ensurePolicy(ctx, buildPolicy(pod.Namespace, id, t.Workload.Name, t.Allow)); err != nil {
		return err
	}
	return e.labelPod(ctx, pod, id)
}

// Release takes the quarantine label off the pods that carry it, then deletes
// the NetworkPolicies labelled with the quarantine id, in the namespaces
// searched (see searchNamespaces). Found by label, they are what Apply made
// even when the pod has since changed name or address; finding none is
// success.
func (e *Enforcer) Release(ctx context.Context, t quarantine.Target) error {
	id, err := quarantineID(t)
	if err != nil {
		return err
	}
	for _, ns := range e.searchNamespaces(t.Workload) {
		if err := e.unlabelPods(ctx, ns, id); err != nil {
			return err
		}
		if err := e.deletePolicies(ctx, ns, id); err != nil {
			return err
		}
	}
	return nil
}

// quarantineID is t's quarantine id, which must be usable as a label value
// (the Manager's "q-<hex>" are).
func quarantineID(t quarantine.Target) (string, error) {
	id := t.Quarantine.ID
	if errs := validation.IsValidLabelValue(id); id == "" || len(errs) > 0 {
		return "", fmt.Errorf("%w: kubernetes: quarantine id %q of workload %s is not a label value",
			quarantine.ErrPermanent, id, t.Workload.Name)
	}
	return id, nil
}

// apiError wraps err from the API call described by format and args,
// marking as permanent what a retry cannot fix: denied access, a request the
// server rejects as malformed. Anything else (timeouts, throttling, 5xx,
// conflicts, the network) is returned plain, to be retried.
func apiError(err error, format string, args ...any) error {
	err = fmt.Errorf("kubernetes: "+format+": %w", append(args, err)...)
	switch {
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err), apierrors.IsInvalid(err),
		apierrors.IsBadRequest(err), apierrors.IsMethodNotSupported(err), apierrors.IsNotAcceptable(err),
		apierrors.IsUnsupportedMediaType(err), apierrors.IsRequestEntityTooLargeError(err):
		return fmt.Errorf("%w: %w", quarantine.ErrPermanent, err)
	}
	return err
}
