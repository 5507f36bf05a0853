package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Rewriter rewords a narrative. It may be called concurrently. Whatever it
// answers is checked (every fact kept, none added) before it is shown; an error
// or a failed check leaves the deterministic text.
type Rewriter interface {
	Rewrite(ctx context.Context, p Prompt) (string, error)
}

// Prompt is what a Rewriter is given.
type Prompt struct {
	Persona   string
	Narrative string
	Facts     []string // to keep verbatim
}

// OpenAICompatible rewords through POST {BaseURL}/v1/chat/completions, the
// protocol of OpenAI and of local model servers (llama.cpp, Ollama, vLLM).
type OpenAICompatible struct {
	BaseURL string        `yaml:"base_url"` // e.g. http://127.0.0.1:11434 (a trailing /v1 is allowed)
	Model   string        `yaml:"model"`
	APIKey  string        `yaml:"-"` // secret: from the environment, never the file
	Timeout time.Duration `yaml:"timeout"`
	// Client, when set, makes the calls (tests); otherwise a plain client.
	Client *http.Client `yaml:"-"`
}

func (o *OpenAICompatible) check() error {
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("agent rewrite base_url %q: want http(s)://host[:port]", o.BaseURL)
	}
	if o.Model == "" {
		return fmt.Errorf("agent rewrite: no model for %s", u.Host)
	}
	return nil
}

// endpoint is the chat completions URL, whether BaseURL ends in /v1 or not.
func (o *OpenAICompatible) endpoint() string {
	base := strings.TrimSuffix(strings.TrimRight(o.BaseURL, "/"), "/v1")
	return base + "/v1/chat/completions"
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
	Stream      bool          `json:"stream"`
}

type chatResponse struct {
	Choices []struct {
		Message chatMessage `json:"message"`
	} `json:"choices"`
}

// maxAnswer bounds the answer read from the endpoint.
const maxAnswer = 1 << 20

// Rewrite asks the endpoint for a rewording, within Timeout.
func (o *OpenAICompatible) Rewrite(ctx context.Context, p Prompt) (string, error) {
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	body, err := json.Marshal(chatRequest{Model: o.Model, Temperature: 0, Messages: []chatMessage{
		{Role: "system", Content: systemPrompt(p.Persona)},
		{Role: "user", Content: "Facts to keep verbatim: " + strings.Join(p.Facts, " | ") + "\n\nSummary:\n" + p.Narrative},
	}})
	if err != nil {
		return "", fmt.Errorf("encode chat request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.endpoint(), bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("chat request to %s: %w", o.endpoint(), err)
	}
	req.Header.Set("Content-Type", "application/json")
	if o.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+o.APIKey)
	}
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("chat completion at %s: %w", o.endpoint(), err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", fmt.Errorf("read chat completion from %s: %w", o.endpoint(), err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("chat completion at %s: %s: %.200s", o.endpoint(), resp.Status, raw)
	}
	var cr chatResponse
	if err := json.Unmarshal(raw, &cr); err != nil {
		return "", fmt.Errorf("decode chat completion from %s: %w", o.endpoint(), err)
	}
	if len(cr.Choices) == 0 {
		return "", fmt.Errorf("chat completion from %s: no choices", o.endpoint())
	}
	return cr.Choices[0].Message.Content, nil
}

func systemPrompt(persona string) string {
	return "You rewrite security summaries for a " + persona + " analyst so they read clearly. " +
		"Keep every fact exactly as written: IP addresses, workload names, country codes, volumes, counts, " +
		"scores, dates and times must appear verbatim. Add no facts, numbers or advice. Answer with the " +
		"rewritten summary only, in 2 to 5 sentences of plain text."
}

// Why a rewording is refused.
var (
	errEmpty    = errors.New("empty rewording")
	errTooLong  = errors.New("rewording too long")
	errLostFact = errors.New("rewording lost a fact")
	errNewFact  = errors.New("rewording added a number")
)

// checkRewrite accepts a rewording that keeps every fact and states no number,
// address or time the original does not: the facts never change, only the words.
func checkRewrite(original string, facts []string, rewritten string) error {
	switch {
	case rewritten == "":
		return errEmpty
	case len(rewritten) > 3*len(original)+200:
		return errTooLong
	}
	for _, f := range facts {
		if !strings.Contains(rewritten, f) {
			return fmt.Errorf("%w: %q", errLostFact, f)
		}
	}
	known := map[string]bool{}
	for _, tok := range numericTokens(original) {
		known[tok] = true
	}
	for _, tok := range numericTokens(rewritten) {
		if !known[tok] {
			return fmt.Errorf("%w: %q", errNewFact, tok)
		}
	}
	return nil
}

// maxCached bounds the remembered rewordings.
const maxCached = 256

// reword replaces s.Narrative by the rewriter's rewording when it passes
// checkRewrite. Rewordings are remembered by narrative, and after a failure the
// endpoint is left alone for RewriteCooldown.
func (a *Agent) reword(ctx context.Context, s *Summary, now time.Time) {
	a.mu.Lock()
	cached, ok := a.cache[s.Narrative]
	paused := now.Before(a.pauseUntil)
	a.mu.Unlock()
	if ok {
		if cached != "" { // "" remembers a refused rewording
			s.Narrative, s.NarrativeSource = cached, "model"
		}
		return
	}
	if paused {
		return
	}
	text, err := a.rewriter.Rewrite(ctx, Prompt{Persona: personas[s.Persona].name, Narrative: s.Narrative, Facts: s.Facts})
	text = strings.Trim(strings.TrimSpace(text), "\"")
	if err == nil {
		err = checkRewrite(s.Narrative, s.Facts, text)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.logger.Warn("narrative rewording refused; keeping the deterministic text", "persona", s.Persona, "error", err)
		if errors.Is(err, errLostFact) || errors.Is(err, errNewFact) || errors.Is(err, errTooLong) || errors.Is(err, errEmpty) {
			a.remember(s.Narrative, "") // the wording failed: do not ask again for this text
		} else {
			a.pauseUntil = now.Add(a.cfg.RewriteCooldown) // the endpoint failed: leave it alone a while
		}
		return
	}
	a.remember(s.Narrative, text)
	s.Narrative, s.NarrativeSource = text, "model"
}

// remember caches a rewording ("" for a refused one); a.mu is held.
func (a *Agent) remember(narrative, text string) {
	if len(a.cache) >= maxCached {
		clear(a.cache) // narratives change with every hunt; old ones are not asked for again
	}
	a.cache[narrative] = text
}
