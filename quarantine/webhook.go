package quarantine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"time"
)

// WebhookConfiguration is where the webhook enforcer hands quarantines off.
type WebhookConfiguration struct {
	URL string `yaml:"url"`
	// Headers are sent with every request (an authorization token: set it from
	// the environment, it is never logged).
	Headers map[string]string `yaml:"headers"`
	// Clouds limits the workloads it reaches; empty reaches every workload.
	Clouds  []string      `yaml:"clouds"`
	Timeout time.Duration `yaml:"timeout"`
}

// Webhook hands quarantines to a SOAR: it POSTs a JSON event and takes a 2xx
// answer as done. A 4xx other than 408 and 429 is permanent; anything else is
// retried.
type Webhook struct {
	cfg    WebhookConfiguration
	client *http.Client
}

var _ Enforcer = (*Webhook)(nil)

// NewWebhook returns the webhook enforcer for cfg.
func NewWebhook(cfg WebhookConfiguration) (*Webhook, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook enforcer: url %q: want http(s)://host/...", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &Webhook{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout}}, nil
}

// Name is "webhook".
func (*Webhook) Name() string { return "webhook" }

// Reaches reports whether w's cloud is among the configured ones (any when none are).
func (h *Webhook) Reaches(w Workload) bool {
	return len(h.cfg.Clouds) == 0 || slices.Contains(h.cfg.Clouds, w.Cloud)
}

// WebhookEvent is the body the webhook receives.
type WebhookEvent struct {
	Action     string     `json:"action"` // quarantine or release
	Quarantine Quarantine `json:"quarantine"`
	Workload   Workload   `json:"workload"`
	// Allow is the allow list resolved to networks: what stays reachable.
	Allow []string `json:"allow"`
}

func prefixStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// Apply posts a quarantine event.
func (h *Webhook) Apply(ctx context.Context, t Target) error {
	return h.post(ctx, WebhookEvent{Action: "quarantine", Quarantine: t.Quarantine, Workload: t.Workload, Allow: prefixStrings(t.Allow)})
}

// Release posts a release event.
func (h *Webhook) Release(ctx context.Context, t Target) error {
	return h.post(ctx, WebhookEvent{Action: "release", Quarantine: t.Quarantine, Workload: t.Workload, Allow: prefixStrings(t.Allow)})
}

func (h *Webhook) post(ctx context.Context, ev WebhookEvent) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode webhook %s event: %w", ev.Action, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", ev.Action, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", ev.Action+":"+ev.Quarantine.ID)
	for k, v := range h.cfg.Headers {
		req.Header.Set(k, v)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", ev.Action, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("webhook %s: %s answered %s: %q", ev.Action, req.URL.Redacted(), resp.Status, msg)
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != 408 && resp.StatusCode != 429 {
		return fmt.Errorf("%w: %w", ErrPermanent, err)
	}
	return err
}
