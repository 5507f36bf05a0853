package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newQuarantineCmd) }

// newQuarantineCmd drives quarantines through a running weir (--server): the
// workflow runs in the server, which holds the database and the enforcers.
func newQuarantineCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quarantine",
		Short: "Quarantine a workload, list quarantines, release one (through a running weir: --server)",
	}
	var reason, expires string
	var allow []string
	add := &cobra.Command{
		Use:   "add WORKLOAD --reason R [--allow IP|CIDR|WORKLOAD ...] [--expires RFC3339]",
		Short: "Cut a workload off from everything but the allow list, DNS and weir",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body := map[string]any{"workload": args[0], "reason": reason, "allow": allow, "actor": actor()}
			if expires != "" {
				body["expires"] = expires
			}
			return g.post(cmd, "/api/v1/quarantine", body)
		},
	}
	add.Flags().StringVar(&reason, "reason", "", "why (recorded in the audit log)")
	add.Flags().StringArrayVar(&allow, "allow", nil, "controlled access: an IP, CIDR or workload that may still reach it (repeatable)")
	add.Flags().StringVar(&expires, "expires", "", "release by itself at this time (RFC 3339)")
	var state string
	list := &cobra.Command{
		Use:   "list [--state quarantined,leaking]",
		Short: "Quarantines, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.needServer(); err != nil {
				return err
			}
			rows, err := g.remoteRows(cmd.Context(), "/api/v1/quarantine", url.Values{"state": {state}}, "quarantines")
			if err != nil {
				return err
			}
			return writeTable(cmd.OutOrStdout(), g.output, []string{"id", "workload", "state", "enforcer", "reason",
				"created_by", "created_at", "expires", "error"}, rows)
		},
	}
	list.Flags().StringVar(&state, "state", "", "only these states, comma-separated")
	release := &cobra.Command{
		Use:   "release ID [--reason R]",
		Short: "Undo a quarantine",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.post(cmd, "/api/v1/quarantine/"+url.PathEscape(args[0])+"/release",
				map[string]any{"reason": reason, "actor": actor()})
		},
	}
	release.Flags().StringVar(&reason, "reason", "", "why (recorded in the audit log)")
	cmd.AddCommand(add, list, release)
	return cmd
}

// actor names who acts, for the audit log: the local user.
func actor() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

func (g *globals) needServer() error {
	if g.server == "" {
		return errors.New("quarantine runs in the server: give --server URL (and --token or $WEIR_TOKEN)")
	}
	return nil
}

// post sends body to a running weir and prints its answer.
func (g *globals) post(cmd *cobra.Command, path string, body any) error {
	if err := g.needServer(); err != nil {
		return err
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, strings.TrimSuffix(g.server, "/")+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+g.bearer())
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return fmt.Errorf("%s: %s: not a weir API answer", g.server, resp.Status)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s: %v", g.server, answer["error"])
	}
	return writeTable(cmd.OutOrStdout(), g.output, []string{"id", "workload", "state", "enforcer", "reason", "created_by"},
		[]duckdb.Row{duckdb.Row(answer)})
}
