package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/weirhq/weir/detect"
)

// Webhook posts each finding's JSON (detect.Finding as the API shows it) to URL.
type Webhook struct {
	URL         string
	MinSeverity string
	Client      *http.Client // nil: http.DefaultClient
}

// Name is "webhook:" and the host: the path and query may hold a secret.
func (w *Webhook) Name() string            { return "webhook:" + hostOf(w.URL) }
func (w *Webhook) MinimumSeverity() string { return w.MinSeverity }
func (w *Webhook) Close() error            { return nil }

// Deliver posts f. A 2xx answer is success; 408, 429 and 5xx are retried; other
// answers are a PermanentError.
func (w *Webhook) Deliver(ctx context.Context, f *detect.Finding) error {
	body, err := json.Marshal(f)
	if err != nil {
		return &PermanentError{fmt.Errorf("encode finding %s: %w", f.ID, err)}
	}
	return post(ctx, w.Client, w.URL, body)
}

// Slack posts {"text": …}, a compact one-line message, to a Slack-compatible
// incoming webhook (Slack, Mattermost, Rocket.Chat).
type Slack struct {
	URL         string
	MinSeverity string
	// ConsoleURL, when set, links the finding: {ConsoleURL}/api/v1/findings/{id}.
	ConsoleURL string
	Client     *http.Client
}

func (s *Slack) Name() string            { return "slack:" + hostOf(s.URL) }
func (s *Slack) MinimumSeverity() string { return s.MinSeverity }
func (s *Slack) Close() error            { return nil }

// Deliver posts f's message.
func (s *Slack) Deliver(ctx context.Context, f *detect.Finding) error {
	body, err := json.Marshal(map[string]string{"text": SlackText(f, s.ConsoleURL)})
	if err != nil {
		return &PermanentError{fmt.Errorf("encode slack message for %s: %w", f.ID, err)}
	}
	return post(ctx, s.Client, s.URL, body)
}

// SlackText is f in one line: "*[HIGH]* title — who → where, volume, countries,
// ports · score 85 · TA0010 · f-…" with &, < and > escaped as Slack asks.
func SlackText(f *detect.Finding, consoleURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*[%s]* %s", strings.ToUpper(f.Severity), slackEscape(f.Title))
	var facts []string
	who := first(f.Entities.Workloads)
	if who == "" {
		who = first(f.Entities.Sources)
	}
	if who != "" {
		where := strings.Join(firstN(f.Entities.Destinations, 3), ", ")
		if where != "" {
			who += " → " + where
		}
		facts = append(facts, who)
	}
	if f.Evidence.Bytes > 0 {
		facts = append(facts, humanBytes(f.Evidence.Bytes))
	}
	if len(f.Evidence.Countries) > 0 {
		facts = append(facts, strings.Join(f.Evidence.Countries, "/"))
	}
	if len(facts) > 0 {
		b.WriteString(" — " + slackEscape(strings.Join(facts, ", ")))
	}
	fmt.Fprintf(&b, " · score %d", f.Score)
	if len(f.Tactics) > 0 {
		b.WriteString(" · " + strings.Join(f.Tactics, ","))
	}
	if consoleURL != "" {
		fmt.Fprintf(&b, " · <%s/api/v1/findings/%s|%s>", strings.TrimRight(consoleURL, "/"), url.PathEscape(f.ID), slackEscape(f.ID))
	} else {
		b.WriteString(" · " + slackEscape(f.ID))
	}
	return b.String()
}

func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

func firstN(l []string, n int) []string { return l[:min(len(l), n)] }

// post sends body as JSON to target and classifies the answer.
func post(ctx context.Context, client *http.Client, target string, body []byte) error {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return &PermanentError{fmt.Errorf("post to %s: %w", hostOf(target), err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "weir-notify")
	resp, err := client.Do(req)
	if err != nil {
		// The error text holds the URL; name the host only.
		return fmt.Errorf("post to %s: %w", hostOf(target), unwrapURLError(err))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("post to %s: %s", hostOf(target), resp.Status)
	default:
		return &PermanentError{fmt.Errorf("post to %s: %s", hostOf(target), resp.Status)}
	}
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(bad url)"
	}
	return u.Host
}

// humanBytes writes a volume in decimal units: 512 B, 15.6 GB.
func humanBytes(n uint64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n), ""
	for _, u := range []string{"kB", "MB", "GB", "TB", "PB", "EB"} {
		v /= 1000
		unit = u
		if v < 999.95 {
			break
		}
	}
	if v >= 99.95 {
		return fmt.Sprintf("%.0f %s", v, unit)
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}
