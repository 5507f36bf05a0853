package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/pipeline"
)

func init() { commands = append(commands, newIngestCmd) }

func newIngestCmd(g *globals) *cobra.Command {
	var (
		format                  string
		retainRaw, retainRollup time.Duration
	)
	cmd := &cobra.Command{
		Use:   "ingest [--format F] PATH...",
		Short: "Decode, enrich and store flow logs from files and directories",
		Long: "Reads flow logs (files or directory trees, gzip or plain), detects each file's format unless\n" +
			"--format is given, enriches every flow and stores it. A file already ingested is skipped; one\n" +
			"cut short (a crash, Ctrl-C) is resumed where it stopped. Formats: " + strings.Join(pipeline.Formats(), ", ") + ".",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			tables, err := g.loadEnrichment(ctx, st)
			if err != nil {
				return err
			}
			cfg := pipeline.Configuration{Format: format}
			if isTerminal(os.Stderr) {
				cfg.Progress = func(s pipeline.Status) {
					fmt.Fprintf(os.Stderr, "\r%d/%d files, %d records, %.0f records/s   ", s.FilesDone, s.Files, s.Records,
						float64(s.Records)/max(s.Elapsed.Seconds(), 1e-9))
				}
			}
			p, err := g.newPipeline(st, tables, cfg)
			if err != nil {
				return err
			}
			sum, err := p.Ingest(ctx, args)
			if cfg.Progress != nil {
				fmt.Fprint(os.Stderr, "\r\033[K") // clear the progress line
			}
			if perr := printSummary(cmd.OutOrStdout(), g.output, sum); perr != nil && err == nil {
				err = perr
			}
			if err != nil || retainRaw == 0 && retainRollup == 0 {
				return err
			}
			deleted, err := st.Retain(ctx, time.Now(), retainRaw, retainRollup)
			if err == nil && deleted > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "retention: deleted %d raw flows older than %s\n", deleted, retainRaw)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "input format (default: detect per file)")
	cmd.Flags().DurationVar(&retainRaw, "retain-raw", 0, "after ingesting, delete raw flows older than this (e.g. 720h; 0 keeps all)")
	cmd.Flags().DurationVar(&retainRollup, "retain-rollup", 0, "after ingesting, delete hourly rollup rows older than this (0 keeps all)")
	return cmd
}

// maxListed is how many files the table summary names one by one; past it, files
// that went well are summed up per format and only the ones with something to say
// are listed.
const maxListed = 20

func printSummary(w io.Writer, output string, sum pipeline.Summary) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	type total struct {
		files                          int
		accepted, rejected, duplicates int64
	}
	byFormat := map[string]*total{}
	var listed []pipeline.FileSummary
	for _, f := range sum.Files {
		t := byFormat[f.Format]
		if t == nil {
			t = &total{}
			byFormat[f.Format] = t
		}
		t.files++
		t.accepted += f.Accepted
		t.rejected += f.Rejected
		t.duplicates += f.Duplicates
		if len(sum.Files) <= maxListed || f.Error != "" || f.Rejected > 0 || f.Status == "failed" || f.Resumed > 0 {
			listed = append(listed, f)
		}
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	if len(listed) > 0 {
		fmt.Fprintln(tw, "FILE\tFORMAT\tSTATUS\tACCEPTED\tREJECTED\tDUPLICATES\tNOTE")
		for _, f := range listed {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", f.Path, f.Format, f.Status, f.Accepted, f.Rejected, f.Duplicates, note(f))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintln(tw, "FORMAT\tFILES\tACCEPTED\tREJECTED\tDUPLICATES\t(all runs)")
	formats := make([]string, 0, len(byFormat))
	for f := range byFormat {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	for _, f := range formats {
		t := byFormat[f]
		name := f
		if name == "" {
			name = "(unknown)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", name, t.files, t.accepted, t.rejected, t.duplicates)
	}
	tw.Flush()
	for _, f := range listed {
		for _, ex := range f.Examples {
			fmt.Fprintf(w, "rejected: %s: %s\n", f.Path, ex)
		}
	}
	statuses := map[string]int{}
	for _, f := range sum.Files {
		statuses[f.Status]++
	}
	rate := float64(sum.Accepted+sum.Duplicates) / max(sum.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "%d files (%d already ingested, %d failed): %d flows accepted, %d rejected, %d duplicates, %d dns observations in %s (%.0f flows/s)\n",
		len(sum.Files), statuses["already ingested"], statuses["failed"], sum.Accepted, sum.Rejected, sum.Duplicates, sum.DNS,
		sum.Elapsed.Round(time.Millisecond), rate)
	return nil
}

func note(f pipeline.FileSummary) string {
	var parts []string
	if f.Error != "" {
		parts = append(parts, f.Error)
	}
	if len(f.Reasons) > 0 {
		var rs []string
		for r, n := range f.Reasons {
			rs = append(rs, fmt.Sprintf("%s: %d", r, n))
		}
		sort.Strings(rs)
		parts = append(parts, "rejected "+strings.Join(rs, ", "))
	}
	if f.Resumed > 0 {
		parts = append(parts, fmt.Sprintf("resumed after %d records", f.Resumed))
	}
	return strings.Join(parts, "; ")
}

// isTerminal reports whether f is a terminal, where a progress line can redraw itself.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
