package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newFindingsCmd) }

// findingsFlags are `weir findings`' own flags.
type findingsFlags struct {
	status, severity, detector, tactic, since, text string
	offset                                          int
	note, comment, author                           string
}

func newFindingsCmd(g *globals) *cobra.Command {
	var ff findingsFlags
	cmd := &cobra.Command{
		Use:   "findings [ID]",
		Short: "List findings, show one, change its status or comment on it",
		Long: "Without ID, lists findings most severe first, filtered by --status (comma-separated), --severity\n" +
			"(at least), --detector, --tactic, --since (RFC 3339 or a duration like 24h) and --text.\n" +
			"With ID, shows that finding and its comments; --status then changes its status, with an optional\n" +
			"--note, and --comment adds a comment, e.g.\n" +
			"  weir findings --status open --severity high\n" +
			"  weir findings f-3a9c01d2e4b5f607 --status resolved --note \"approved admin jump host\"\n" +
			"Statuses: " + strings.Join(state.Statuses, ", ") + ".",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if ff.author == "" {
				ff.author = defaultAuthor()
			}
			var fs findingService = remoteFindings{g}
			if g.server == "" {
				flows, err := g.openStore(ctx)
				if err != nil {
					return err
				}
				defer flows.Close()
				st, err := state.Open(ctx, flows.DB())
				if err != nil {
					return err
				}
				fs = st
			}
			out := cmd.OutOrStdout()
			if len(args) == 0 {
				if ff.note != "" || ff.comment != "" {
					return fmt.Errorf("--note and --comment need a finding's ID")
				}
				f, err := ff.filter(g, time.Now())
				if err != nil {
					return err
				}
				list, err := fs.List(ctx, f)
				if err != nil {
					return err
				}
				return writeFindings(out, g.output, list)
			}
			id := args[0]
			if ff.note != "" && ff.status == "" {
				return fmt.Errorf("--note goes with --status; to comment without changing the status, use --comment")
			}
			if ff.status != "" {
				if _, err := fs.SetStatus(ctx, id, ff.status, ff.author, ff.note); err != nil {
					return err
				}
			}
			if ff.comment != "" {
				if _, err := fs.AddComment(ctx, id, ff.author, ff.comment); err != nil {
					return err
				}
			}
			f, err := fs.Get(ctx, id)
			if err != nil {
				return err
			}
			return writeFinding(out, g.output, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&ff.status, "status", "", "without ID: only these statuses (comma-separated); with ID: set this status")
	fl.StringVar(&ff.severity, "severity", "", "only this severity or higher: low, medium, high, critical")
	fl.StringVar(&ff.detector, "detector", "", "only this detector's findings, e.g. port-scan")
	fl.StringVar(&ff.tactic, "tactic", "", "only findings with this MITRE ATT&CK tactic, e.g. TA0008")
	fl.StringVar(&ff.since, "since", "", "only findings last seen since then: RFC 3339, or a duration back from now like 24h")
	fl.StringVar(&ff.text, "text", "", "only findings with this text in the title, summary or entities")
	fl.IntVar(&ff.offset, "offset", 0, "findings to skip, for the next page")
	fl.StringVar(&ff.note, "note", "", "with ID and --status: why, added as a comment")
	fl.StringVar(&ff.comment, "comment", "", "with ID: add this comment")
	fl.StringVar(&ff.author, "author", "", "who writes, for the audit log (default $USER)")
	return cmd
}

func defaultAuthor() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

func (ff *findingsFlags) filter(g *globals, now time.Time) (state.Filter, error) {
	f := state.Filter{Severity: ff.severity, Detector: ff.detector, Tactic: ff.tactic, Text: ff.text, Limit: g.limit,
		Offset: ff.offset}
	if ff.status != "" {
		f.Status = strings.Split(ff.status, ",")
	}
	if ff.since != "" {
		if d, err := time.ParseDuration(ff.since); err == nil && d > 0 {
			f.Since = now.Add(-d)
		} else if f.Since, err = time.Parse(time.RFC3339, ff.since); err != nil {
			return f, fmt.Errorf("--since %q: want RFC 3339 (2026-01-15T00:00:00Z) or a duration (24h)", ff.since)
		}
	}
	return f, f.Validate()
}

// findingService is what `weir findings` needs: *state.Store on the database, or
// a running weir's API.
type findingService interface {
	List(ctx context.Context, f state.Filter) ([]state.Finding, error)
	Get(ctx context.Context, id string) (state.Finding, error)
	SetStatus(ctx context.Context, id, status, actor, note string) (state.Finding, error)
	AddComment(ctx context.Context, id, actor, text string) (state.Comment, error)
}

// remoteFindings is findingService through --server.
type remoteFindings struct{ g *globals }

func (r remoteFindings) List(ctx context.Context, f state.Filter) ([]state.Finding, error) {
	p := url.Values{"limit": {strconv.Itoa(f.Limit)}, "offset": {strconv.Itoa(f.Offset)}}
	for k, v := range map[string]string{"status": strings.Join(f.Status, ","), "severity": f.Severity,
		"detector": f.Detector, "tactic": f.Tactic, "q": f.Text} {
		if v != "" {
			p.Set(k, v)
		}
	}
	if !f.Since.IsZero() {
		p.Set("since", f.Since.UTC().Format(time.RFC3339))
	}
	var answer struct{ Findings []state.Finding }
	err := r.g.call(ctx, http.MethodGet, "/api/v1/findings", p, nil, &answer)
	return answer.Findings, err
}

func (r remoteFindings) Get(ctx context.Context, id string) (state.Finding, error) {
	var f state.Finding
	err := r.g.call(ctx, http.MethodGet, "/api/v1/findings/"+url.PathEscape(id), nil, nil, &f)
	return f, err
}

func (r remoteFindings) SetStatus(ctx context.Context, id, status, actor, note string) (state.Finding, error) {
	var f state.Finding
	body := map[string]string{"status": status, "note": note, "author": actor}
	err := r.g.call(ctx, http.MethodPost, "/api/v1/findings/"+url.PathEscape(id)+"/status", nil, body, &f)
	return f, err
}

func (r remoteFindings) AddComment(ctx context.Context, id, actor, text string) (state.Comment, error) {
	var c state.Comment
	body := map[string]string{"text": text, "author": actor}
	err := r.g.call(ctx, http.MethodPost, "/api/v1/findings/"+url.PathEscape(id)+"/comments", nil, body, &c)
	return c, err
}

// call sends a request to --server and decodes its JSON answer into out (when
// out is not nil); an answer other than 2xx is an error carrying the server's
// message.
func (g *globals) call(ctx context.Context, method, path string, params url.Values, body, out any) error {
	u := strings.TrimSuffix(g.server, "/") + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("--server: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+g.bearer())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req) // a hunt over a long window takes minutes
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("%s: %s %s: %w", g.server, method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			return fmt.Errorf("%s: %s %s: %s", g.server, method, path, resp.Status)
		}
		return fmt.Errorf("%s: %s", g.server, e.Error)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: %s %s: not a weir API answer: %w", g.server, method, path, err)
	}
	return nil
}

// findingTableColumns are what a table shows of a finding; csv shows all of
// state.FindingColumns, json the whole finding.
var findingTableColumns = []string{"id", "severity", "score", "status", "detector", "title", "last_seen"}

func writeFindings(w io.Writer, output string, fs []state.Finding) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if fs == nil {
			fs = []state.Finding{}
		}
		return enc.Encode(fs)
	}
	columns := state.FindingColumns
	if output == "table" || output == "" {
		columns = findingTableColumns
	}
	rows := make([]duckdb.Row, len(fs))
	for i := range fs {
		row := duckdb.Row{}
		for j, cell := range fs[i].Row() {
			row[state.FindingColumns[j]] = cell
		}
		rows[i] = row
	}
	return writeTable(w, output, columns, rows)
}

// writeFinding shows one finding: its fields, evidence and comments.
func writeFinding(w io.Writer, output string, f state.Finding) error {
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(f)
	case "csv":
		return writeFindings(w, output, []state.Finding{f})
	case "table", "":
	default:
		return fmt.Errorf("--output %q: want table, json or csv", output)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	list := func(vs []string) string { return strings.Join(vs, ", ") }
	line("id", f.ID)
	line("title", f.Title)
	line("detector", f.Detector)
	line("severity", fmt.Sprintf("%s (score %d)", f.Severity, f.Score))
	line("status", fmt.Sprintf("%s (by %s at %s)", f.Status, f.StatusBy, f.StatusAt.Format(time.RFC3339)))
	line("tactics", list(f.Tactics))
	line("techniques", list(f.Techniques))
	line("seen", fmt.Sprintf("%s – %s (%d hunts)", f.FirstSeen.Format(time.RFC3339), f.LastSeen.Format(time.RFC3339), f.Hunts))
	line("sources", list(f.Entities.Sources))
	line("destinations", list(f.Entities.Destinations))
	line("workloads", list(f.Entities.Workloads))
	e := f.Evidence
	line("evidence", fmt.Sprintf("%d flows, %d bytes", e.Flows, e.Bytes))
	if len(e.Ports) > 0 {
		ports := make([]string, len(e.Ports))
		for i, p := range e.Ports {
			ports[i] = strconv.Itoa(int(p))
		}
		line("ports", strings.Join(ports, ", "))
	}
	line("countries", list(e.Countries))
	for _, r := range e.Score {
		line("score reason", fmt.Sprintf("%+d %s", r.Points, r.Reason))
	}
	if e.Filter != "" {
		line("flows", "weir flows '"+e.Filter+"'")
	}
	line("summary", f.Summary)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(f.Comments) > 0 {
		fmt.Fprintln(w, "\ncomments:")
		for _, c := range f.Comments {
			fmt.Fprintf(w, "  %s %s: %s\n", c.Time.Format(time.RFC3339), c.Author, c.Text)
		}
	}
	return nil
}
