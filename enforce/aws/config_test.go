package aws

import (
	"strings"
	"testing"
	"time"
)

func TestConfigurationValidate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Configuration
		wantErr string // empty: valid
	}{
		{"default", DefaultConfiguration(), ""},
		{"full", Configuration{Region: "us-gov-west-1", Endpoint: "https://vpce-1.ec2.eu-west-1.vpce.amazonaws.com",
			Profile: "security", Clouds: []string{"aws", "aws-china"}}, ""},
		{"region", Configuration{Region: "Ireland"}, "region"},
		{"endpoint", Configuration{Endpoint: "ec2.eu-west-1.amazonaws.com"}, "endpoint"},
		{"cloud", Configuration{Clouds: []string{"aws", ""}}, "clouds"},
		{"timeout", Configuration{Timeout: -time.Second}, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Validate() = %v, want an error naming %s", err, tc.wantErr)
			}
		})
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	if _, err := New(Configuration{Endpoint: "ftp://x"}); err == nil || !strings.Contains(err.Error(), "endpoint") {
		t.Errorf("New with a bad endpoint = %v, want an error naming it", err)
	}
}
