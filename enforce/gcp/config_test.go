package gcp

import (
	"strings"
	"testing"
)

func TestConfigurationValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Configuration
		says string // "" when valid
	}{
		{"minimal", Configuration{Project: "weir-prod"}, ""},
		{"full", Configuration{Project: "weir-prod", Zone: "europe-west4-b", Endpoint: "https://compute.example/compute/v1/", Clouds: []string{"gcp"}}, ""},
		{"domain-scoped project", Configuration{Project: "example.com:weir-prod"}, ""},
		{"no project", Configuration{}, "project is required"},
		{"bad project", Configuration{Project: "Weir Prod"}, `project "Weir Prod"`},
		{"region as zone", Configuration{Project: "weir-prod", Zone: "us-central1"}, `zone "us-central1"`},
		{"bad endpoint", Configuration{Project: "weir-prod", Endpoint: "compute.example"}, `endpoint "compute.example"`},
		{"empty cloud", Configuration{Project: "weir-prod", Clouds: []string{""}}, "clouds has an empty entry"},
	} {
		err := tc.cfg.Validate()
		switch {
		case tc.says == "" && err != nil:
			t.Errorf("%s: Validate() error = %v, want none", tc.name, err)
		case tc.says != "" && (err == nil || !strings.Contains(err.Error(), tc.says)):
			t.Errorf("%s: Validate() error = %v, want one saying %q", tc.name, err, tc.says)
		}
	}
	if _, err := New(Configuration{}); err == nil {
		t.Error("New() with no project: want an error")
	}
}
