package kubernetes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes/fake"

	"github.com/weirhq/weir/quarantine"
)

func TestReaches(t *testing.T) {
	tests := []struct {
		name string
		cfg  Configuration
		w    quarantine.Workload
		want bool
	}{
		{"kind pod", Configuration{}, quarantine.Workload{Kind: "Pod", Cloud: "aws"}, true},
		{"kind kubernetes pod", Configuration{}, quarantine.Workload{Kind: " Kubernetes Pod"}, true},
		{"default cloud", Configuration{}, quarantine.Workload{Kind: "vm", Cloud: "kubernetes"}, true},
		{"namespace label", Configuration{}, quarantine.Workload{Cloud: "gcp", Labels: map[string]string{"k8s.namespace": "shop"}}, true},
		{"other label key", Configuration{NamespaceLabel: "ns"}, quarantine.Workload{Labels: map[string]string{"ns": "shop"}}, true},
		{"configured cloud", Configuration{Clouds: []string{"eks"}}, quarantine.Workload{Cloud: "EKS"}, true},
		{"configured clouds replace the default", Configuration{Clouds: []string{"eks"}}, quarantine.Workload{Cloud: "kubernetes"}, false},
		{"a node is not a pod", Configuration{}, quarantine.Workload{Kind: "Kubernetes Node", Cloud: "azure"}, false},
		{"vm", Configuration{}, quarantine.Workload{Kind: "vm", Cloud: "aws", Labels: map[string]string{"env": "prod"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewWithClient(tt.cfg, fake.NewClientset())
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Reaches(tt.w); got != tt.want {
				t.Errorf("Reaches(%+v) = %v, want %v", tt.w, got, tt.want)
			}
		})
	}
	if n := (&Enforcer{}).Name(); n != "kubernetes" {
		t.Errorf("Name() = %q", n)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg     Configuration
		wantErr string
	}{
		{DefaultConfiguration(), ""},
		{Configuration{Namespaces: []string{"shop", "Bad_NS"}}, `namespaces: "Bad_NS" is not a namespace name`},
		{Configuration{Clouds: []string{"kubernetes", " "}}, "clouds: an empty cloud name"},
		{Configuration{Timeout: -time.Second}, "timeout: want ≥ 0"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.cfg, err, tt.wantErr)
		}
	}
	if _, err := New(Configuration{Namespaces: []string{"-"}}); err == nil || !strings.Contains(err.Error(), "namespaces") {
		t.Errorf("New with a bad namespace: %v", err)
	}
}

// kubeconfig has two clusters on loopback ports nothing listens on; only
// files are read, nothing is contacted.
const kubeconfig = `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev
  cluster: {server: "https://127.0.0.1:1"}
- name: prod
  cluster: {server: "https://127.0.0.1:2"}
users:
- name: weir
  user: {token: not-a-secret}
contexts:
- name: dev
  context: {cluster: dev, user: weir}
- name: prod
  context: {cluster: prod, user: weir}
`

func TestRESTConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	// Not in a pod, whatever runs the tests.
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBECONFIG", path)
	tests := []struct {
		name     string
		cfg      Configuration
		wantHost string
		wantErr  string
	}{
		{"explicit path", Configuration{Kubeconfig: path}, "https://127.0.0.1:1", ""},
		{"explicit context", Configuration{Kubeconfig: path, Context: "prod"}, "https://127.0.0.1:2", ""},
		{"$KUBECONFIG when not in a pod", Configuration{}, "https://127.0.0.1:1", ""},
		{"$KUBECONFIG with a context", Configuration{Context: "prod"}, "https://127.0.0.1:2", ""},
		{"unknown context", Configuration{Kubeconfig: path, Context: "nope"}, "", `context "nope"`},
		{"missing file", Configuration{Kubeconfig: path + ".missing"}, "", "load kubeconfig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := restConfig(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("restConfig: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rc.Host != tt.wantHost {
				t.Errorf("host %q, want %q", rc.Host, tt.wantHost)
			}
		})
	}
	e, err := New(Configuration{Kubeconfig: path})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if e.cfg.NamespaceLabel != "k8s.namespace" || e.cfg.Timeout != 30*time.Second || len(e.cfg.Clouds) != 1 {
		t.Errorf("New did not fill the defaults: %+v", e.cfg)
	}
}
