package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/detect/all"
	"github.com/weirhq/weir/hunt"
	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newHuntCmd) }

// detectors is what `weir hunt` runs; tests replace it.
var detectors = all.Detectors

// huntConfig is the config file's hunt section (zero durations mean the defaults).
func (g *globals) huntConfig() hunt.Configuration {
	if g.file == nil {
		return hunt.Configuration{}
	}
	return g.file.Hunt
}

func newHuntCmd(g *globals) *cobra.Command {
	var baseline time.Duration
	var only []string
	cmd := &cobra.Command{
		Use:   "hunt",
		Short: "Run the detectors over a window and record their findings",
		Long: "Runs every detector over [until−window, until) (--window, --until; the baseline is the --baseline\n" +
			"before it), drops what the config file's hunt.suppress rules cover and records the rest: a\n" +
			"behaviour an open finding already holds updates it. Prints what each detector did and the top\n" +
			"findings (--limit, default 10). Exits non-zero when a detector failed, after the others ran.\n" +
			"With --server, the server hunts with its own detectors, baseline and rules.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			from, until, err := g.timeRange(time.Now())
			if err != nil {
				return err
			}
			top := 10
			if cmd.Flags().Changed("limit") {
				top = g.limit
			}
			var rep hunt.Report
			if g.server != "" {
				if cmd.Flags().Changed("baseline") || len(only) > 0 {
					return fmt.Errorf("--baseline and --detector: the server hunts with its own configuration; drop them or --server")
				}
				params := url.Values{"window": {until.Sub(from).String()}, "until": {until.Format(time.RFC3339)}}
				if err := g.call(ctx, http.MethodPost, "/api/v1/hunts", params, nil, &rep); err != nil {
					return err
				}
			} else {
				cfg := g.huntConfig()
				if err := cfg.Validate(); err != nil {
					return fmt.Errorf("--config: %w", err)
				}
				if !cmd.Flags().Changed("baseline") && cfg.Baseline != 0 {
					baseline = cfg.Baseline
				}
				ds, err := pickDetectors(detectors(), only)
				if err != nil {
					return err
				}
				fs, err := g.openStore(ctx)
				if err != nil {
					return err
				}
				defer fs.Close()
				st, err := state.Open(ctx, fs.DB())
				if err != nil {
					return err
				}
				w := detect.Window{From: from, Until: until, BaselineFrom: from.Add(-baseline)}
				if rep, err = hunt.Run(ctx, fs, st, ds, w, cfg.Suppress, time.Now()); err != nil {
					return err
				}
			}
			if err := writeReport(cmd.OutOrStdout(), g.output, rep, top); err != nil {
				return err
			}
			if n := rep.Failed(); n > 0 {
				return fmt.Errorf("%d of %d detectors failed (the others' findings are recorded)", n, len(rep.Detectors))
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&baseline, "baseline", hunt.DefaultConfiguration().Baseline,
		"how far before the window detectors look for \"new\" and \"unusual\" (default: the config's hunt.baseline, or 7 days)")
	cmd.Flags().StringArrayVar(&only, "detector", nil, "run only this detector (repeatable)")
	return cmd
}

// pickDetectors is the detectors named in only, or every one when only is empty.
func pickDetectors(ds []detect.Detector, only []string) ([]detect.Detector, error) {
	if len(only) == 0 {
		return ds, nil
	}
	var out []detect.Detector
	var names []string
	for _, d := range ds {
		names = append(names, d.Name())
		if slices.Contains(only, d.Name()) {
			out = append(out, d)
		}
	}
	if len(out) != len(only) {
		return nil, fmt.Errorf("--detector %s: want some of %s", strings.Join(only, ", "), strings.Join(names, ", "))
	}
	return out, nil
}

// writeReport prints a hunt: json is the Report; csv its findings; a table, a
// summary line, the detectors and the top findings.
func writeReport(w io.Writer, output string, rep hunt.Report, top int) error {
	columns := []string{"id", "severity", "score", "detector", "title", "first_seen", "last_seen"}
	rows := make([]duckdb.Row, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		rows = append(rows, duckdb.Row{"id": f.ID, "severity": f.Severity, "score": f.Score, "detector": f.Detector,
			"title": f.Title, "first_seen": f.FirstSeen, "last_seen": f.LastSeen})
	}
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		return writeTable(w, output, columns, rows)
	case "table", "":
	default:
		return fmt.Errorf("--output %q: want table, json or csv", output)
	}
	fmt.Fprintf(w, "hunted %s – %s (baseline from %s): %d found, %d suppressed, %d opened, %d updated, %d unchanged in %s\n",
		rep.From.Format(time.RFC3339), rep.Until.Format(time.RFC3339), rep.BaselineFrom.Format(time.RFC3339),
		rep.Found, rep.Suppressed, rep.Opened, rep.Updated, rep.Unchanged, rep.Took.Round(time.Millisecond))
	for name, n := range rep.SuppressedBy {
		fmt.Fprintf(w, "  suppressed by %q: %d\n", name, n)
	}
	if len(rep.Detectors) == 0 {
		fmt.Fprintln(w, "no detectors ran")
	} else {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "\nDETECTOR\tFINDINGS\tSUPPRESSED\tTOOK\tERROR")
		for _, d := range rep.Detectors {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", d.Name, d.Findings, d.Suppressed, d.Took.Round(time.Millisecond), d.Error)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(rows) == 0 {
		return nil
	}
	shown := rows[:min(top, len(rows))]
	fmt.Fprintf(w, "\ntop %s of %d findings (weir findings ID shows one):\n", strconv.Itoa(len(shown)), len(rows))
	return writeTable(w, output, columns, shown)
}
