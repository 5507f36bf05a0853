package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/detect/all"
	"github.com/weirhq/weir/detect/eval"
	"github.com/weirhq/weir/simulate"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newEvalCmd) }

func newEvalCmd(g *globals) *cobra.Command {
	var truthPath string
	cmd := &cobra.Command{
		Use:   "eval --truth DIR/truth.json",
		Short: "Score the detectors against a simulated estate's injected scenarios",
		Long: "Runs every detector over the window of a simulated estate (weir simulate, then weir ingest) and scores\n" +
			"the findings against its truth.json: recall per scenario kind, precision per detector and false-positive\n" +
			"findings per 100 workloads per day. The first half of the window is the baseline, the second the hunt\n" +
			"(the simulator injects every scenario in the second half).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if truthPath == "" {
				return fmt.Errorf("eval: --truth is required (the truth.json weir simulate wrote)")
			}
			truth, err := readTruth(truthPath)
			if err != nil {
				return err
			}
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			w := eval.WindowOf(truth)
			res := detect.Run(cmd.Context(), st, w, all.Detectors())
			rep := eval.Score(truth, res.Findings, truth.Workloads, eval.Days(w))
			return writeEval(cmd, g.output, w, rep, res)
		},
	}
	cmd.Flags().StringVar(&truthPath, "truth", "", "truth.json of the simulated estate")
	return cmd
}

func readTruth(path string) (*simulate.Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval: read truth: %w", err)
	}
	var t simulate.Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("eval: decode %s: %w", path, err)
	}
	if t.End.Before(t.Start) || t.Start.IsZero() {
		return nil, fmt.Errorf("eval: %s: no window (start %s, end %s)", path, t.Start, t.End)
	}
	return &t, nil
}

// writeEval prints the report: two tables and a summary, or one JSON document.
func writeEval(cmd *cobra.Command, output string, w detect.Window, rep eval.Report, res detect.Result) error {
	out := cmd.OutOrStdout()
	errs := map[string]string{}
	for name, err := range res.Errors {
		errs[name] = err.Error()
	}
	if output == "json" {
		took := map[string]string{}
		for name, d := range res.Took {
			took[name] = d.Round(time.Millisecond).String()
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"window": w, "report": rep, "errors": errs, "took": took})
	}
	kinds := make([]duckdb.Row, 0, len(rep.Kinds))
	for _, k := range rep.Kinds {
		kinds = append(kinds, duckdb.Row{"kind": k.Kind, "scenarios": k.Scenarios, "caught": k.Caught,
			"recall": fmt.Sprintf("%.2f", k.Recall), "expected": strings.Join(k.Expected, ","), "caught_by": strings.Join(k.CaughtBy, ",")})
	}
	if err := writeTable(out, output, []string{"kind", "scenarios", "caught", "recall", "expected", "caught_by"}, kinds); err != nil {
		return err
	}
	fmt.Fprintln(out)
	dets := make([]duckdb.Row, 0, len(rep.Detectors))
	for _, d := range rep.Detectors {
		dets = append(dets, duckdb.Row{"detector": d.Detector, "findings": d.Findings, "true": d.True,
			"precision": fmt.Sprintf("%.2f", d.Precision), "false_positives": d.FalsePositives,
			"fp_per_100_workloads_day": fmt.Sprintf("%.2f", d.FPPer100Day), "took": res.Took[d.Detector].Round(time.Millisecond).String()})
	}
	if err := writeTable(out, output, []string{"detector", "findings", "true", "precision", "false_positives", "fp_per_100_workloads_day", "took"}, dets); err != nil {
		return err
	}
	if output == "csv" {
		return nil
	}
	fmt.Fprintf(out, "\nhunt %s – %s (baseline from %s), %d workloads: %d false-positive findings, %.2f per 100 workloads per day\n",
		w.From.Format(time.RFC3339), w.Until.Format(time.RFC3339), w.BaselineFrom.Format(time.RFC3339), rep.Workloads,
		rep.FalsePositives, rep.FPPer100Day)
	if len(rep.Missed) > 0 {
		fmt.Fprintf(out, "missed: %s\n", strings.Join(rep.Missed, ", "))
	}
	for name, e := range errs {
		fmt.Fprintf(out, "error in %s: %s\n", name, e)
	}
	return nil
}
