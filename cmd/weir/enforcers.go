package main

import (
	"fmt"

	"github.com/weirhq/weir/enforce/aws"
	"github.com/weirhq/weir/enforce/azure"
	"github.com/weirhq/weir/enforce/gcp"
	"github.com/weirhq/weir/enforce/kubernetes"
	"github.com/weirhq/weir/quarantine"
)

// quarantineConfig is the config file's quarantine section: how the workflow
// runs and which enforcers it may use.
type quarantineConfig struct {
	quarantine.Configuration `yaml:",inline"`
	Agents                   *quarantine.Agents               `yaml:"agents"` // hosts running weir agent
	Kubernetes               *kubernetes.Configuration        `yaml:"kubernetes"`
	AWS                      *aws.Configuration               `yaml:"aws"`
	Azure                    *azure.Configuration             `yaml:"azure"`
	GCP                      *gcp.Configuration               `yaml:"gcp"`
	Webhook                  *quarantine.WebhookConfiguration `yaml:"webhook"` // a SOAR
}

// configured reports whether the section names any enforcer.
func (c quarantineConfig) configured() bool {
	return c.Agents != nil || c.Kubernetes != nil || c.AWS != nil || c.Azure != nil || c.GCP != nil || c.Webhook != nil
}

// enforcers builds the configured enforcers in the order a workload is matched
// against them: the first that reaches it isolates it. Host agents and pods
// come before their clouds (a pod in AWS is isolated by its NetworkPolicy, not
// by its node's security group); the webhook, which may reach everything, last.
func (c quarantineConfig) enforcers() ([]quarantine.Enforcer, error) {
	var out []quarantine.Enforcer
	if c.Agents != nil {
		out = append(out, c.Agents)
	}
	if c.Kubernetes != nil {
		e, err := kubernetes.New(*c.Kubernetes)
		if err != nil {
			return nil, fmt.Errorf("--config: quarantine kubernetes: %w", err)
		}
		out = append(out, e)
	}
	if c.AWS != nil {
		e, err := aws.New(*c.AWS)
		if err != nil {
			return nil, fmt.Errorf("--config: quarantine aws: %w", err)
		}
		out = append(out, e)
	}
	if c.Azure != nil {
		e, err := azure.New(*c.Azure)
		if err != nil {
			return nil, fmt.Errorf("--config: quarantine azure: %w", err)
		}
		out = append(out, e)
	}
	if c.GCP != nil {
		e, err := gcp.New(*c.GCP)
		if err != nil {
			return nil, fmt.Errorf("--config: quarantine gcp: %w", err)
		}
		out = append(out, e)
	}
	if c.Webhook != nil {
		e, err := quarantine.NewWebhook(*c.Webhook)
		if err != nil {
			return nil, fmt.Errorf("--config: quarantine webhook: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}
