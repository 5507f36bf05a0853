package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/api"
	"github.com/weirhq/weir/auth"
	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newTokensCmd) }

// tokenService is where tokens are made: the state store, or a server's API.
type tokenService interface {
	CreateToken(ctx context.Context, name string, role auth.Role, actor string) (state.Token, string, error)
	Tokens(ctx context.Context) ([]state.Token, error)
	RevokeToken(ctx context.Context, id, actor string) (state.Token, error)
}

func newTokensCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokens",
		Short: "Create, list and revoke named API tokens with roles",
		Long: "Roles: viewer < analyst (comments, finding status) < responder (quarantine) < admin (tokens),\n" +
			"and agent, for `weir agent` on a host: it reads and reports only the workload it is named after.\n" +
			"Works on --data directly, or through a running server with --server and an admin's --token.",
	}
	// open is the store or the server, with a function that closes it.
	open := func(ctx context.Context) (tokenService, func(), error) {
		if g.server != "" {
			return remoteTokens{g}, func() {}, nil
		}
		st, err := g.openStore(ctx)
		if err != nil {
			return nil, nil, err
		}
		ss, err := state.Open(ctx, st.DB())
		if err != nil {
			st.Close()
			return nil, nil, err
		}
		return ss, func() { st.Close() }, nil
	}
	var name, role string
	create := &cobra.Command{
		Use:   "create --name NAME --role ROLE",
		Short: "Make a token; its secret is the last word printed, and is shown only this once",
		Example: "  weir tokens create --name alice --role responder\n" +
			"  weir tokens create --name HQ-WS-003 --role agent   # for `weir agent --workload HQ-WS-003`",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := auth.ParseRole(role)
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			ts, done, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			t, secret, err := ts.CreateToken(cmd.Context(), name, r, actor())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %s for %s, role %s: %s\n", t.ID, t.Name, t.Role, secret)
			return nil
		},
	}
	create.Flags().StringVar(&name, "name", "", "who or what uses it: the audit log's actor (an agent's: its workload)")
	create.Flags().StringVar(&role, "role", "", "viewer, analyst, responder, admin or agent")
	create.MarkFlagRequired("name")
	create.MarkFlagRequired("role")

	list := &cobra.Command{
		Use: "list", Short: "List the tokens (never their secrets)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, done, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			toks, err := ts.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			rows := make([]duckdb.Row, len(toks))
			for i, t := range toks {
				revoked := ""
				if !t.Revoked.IsZero() {
					revoked = t.Revoked.Format(time.RFC3339)
				}
				rows[i] = duckdb.Row{"id": t.ID, "name": t.Name, "role": string(t.Role),
					"created": t.Created.Format(time.RFC3339), "created_by": t.CreatedBy, "revoked": revoked}
			}
			return writeTable(cmd.OutOrStdout(), g.output, []string{"id", "name", "role", "created", "created_by", "revoked"}, rows)
		},
	}
	revoke := &cobra.Command{
		Use: "revoke ID", Short: "Revoke a token at once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, done, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			t, err := ts.RevokeToken(cmd.Context(), args[0], actor())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s (%s)\n", t.ID, t.Name)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// remoteTokens makes tokens through a server's API.
type remoteTokens struct{ g *globals }

func (r remoteTokens) CreateToken(ctx context.Context, name string, role auth.Role, _ string) (state.Token, string, error) {
	var out api.CreatedToken
	err := r.g.call(ctx, http.MethodPost, "/api/v1/tokens", nil, map[string]string{"name": name, "role": string(role)}, &out)
	return out.Token, out.Secret, err
}

func (r remoteTokens) Tokens(ctx context.Context) ([]state.Token, error) {
	var out struct{ Tokens []state.Token }
	err := r.g.call(ctx, http.MethodGet, "/api/v1/tokens", nil, nil, &out)
	return out.Tokens, err
}

func (r remoteTokens) RevokeToken(ctx context.Context, id, _ string) (state.Token, error) {
	var t state.Token
	err := r.g.call(ctx, http.MethodPost, "/api/v1/tokens/"+url.PathEscape(id)+"/revoke", nil, nil, &t)
	return t, err
}
