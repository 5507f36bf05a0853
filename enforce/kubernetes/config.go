package kubernetes

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Configuration is which cluster the enforcer talks to and which workloads it
// takes. Credentials come from the kubeconfig or the pod's service account,
// never from here.
type Configuration struct {
	// Kubeconfig is the path of a kubeconfig file. Empty: the in-cluster
	// service account when weir runs in a pod, else $KUBECONFIG or
	// ~/.kube/config (client-go's usual loading rules).
	Kubeconfig string `yaml:"kubeconfig"`
	// Context is the kubeconfig context to use; empty: its current context.
	// Setting it skips the in-cluster configuration.
	Context string `yaml:"context"`
	// Namespaces are where pods are looked for when a workload does not name
	// its own namespace; empty: all namespaces (a pod named by the workload
	// is then looked for in "default").
	Namespaces []string `yaml:"namespaces"`
	// Clouds are the workload clouds it reaches, besides pods by kind and
	// workloads labelled with a namespace; empty: ["kubernetes"].
	Clouds []string `yaml:"clouds"`
	// NamespaceLabel is the workload label holding the pod's namespace (the
	// inventory's labels); empty: "k8s.namespace".
	NamespaceLabel string `yaml:"namespace_label"`
	// Timeout bounds each API request; zero: 30s.
	Timeout time.Duration `yaml:"timeout"`
}

// DefaultConfiguration is the configuration without a file.
func DefaultConfiguration() Configuration {
	return Configuration{Clouds: []string{"kubernetes"}, NamespaceLabel: "k8s.namespace", Timeout: 30 * time.Second}
}

// withDefaults fills the fields left empty.
func (c Configuration) withDefaults() Configuration {
	d := DefaultConfiguration()
	if len(c.Clouds) == 0 {
		c.Clouds = d.Clouds
	}
	if c.NamespaceLabel == "" {
		c.NamespaceLabel = d.NamespaceLabel
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	return c
}

// Validate says what is wrong with c.
func (c Configuration) Validate() error {
	for _, ns := range c.Namespaces {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return fmt.Errorf("kubernetes enforcer configuration: namespaces: %q is not a namespace name: %s",
				ns, strings.Join(errs, "; "))
		}
	}
	for _, cl := range c.Clouds {
		if strings.TrimSpace(cl) == "" {
			return errors.New("kubernetes enforcer configuration: clouds: an empty cloud name")
		}
	}
	if c.Timeout < 0 {
		return fmt.Errorf("kubernetes enforcer configuration: timeout: want ≥ 0, got %v", c.Timeout)
	}
	return nil
}

// restConfig is how to reach the API server: the explicit kubeconfig, else
// the in-cluster service account, else client-go's default loading rules. It
// reads files and the environment only; nothing is contacted.
func restConfig(c Configuration) (*rest.Config, error) {
	if c.Kubeconfig == "" && c.Context == "" {
		rc, err := rest.InClusterConfig()
		if err == nil {
			return rc, nil
		}
		if !errors.Is(err, rest.ErrNotInCluster) {
			return nil, fmt.Errorf("kubernetes enforcer: in-cluster configuration: %w", err)
		}
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if c.Kubeconfig != "" {
		rules = &clientcmd.ClientConfigLoadingRules{ExplicitPath: c.Kubeconfig}
	}
	rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: c.Context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubernetes enforcer: load kubeconfig %q (context %q): %w", c.Kubeconfig, c.Context, err)
	}
	return rc, nil
}
