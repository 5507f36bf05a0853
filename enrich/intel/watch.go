package intel

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"
)

// Watch checks the feeds' files every interval and, when one changed (size or
// modification time), reads it again and swaps in new tables; lookups running
// meanwhile see the old or the new tables, never a mix. A feed that fails to
// read keeps its previous entries and the failure is logged. Watch blocks until
// ctx is done; run it in its own goroutine, once per Intel.
func (in *Intel) Watch(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	logger = logger.With("component", "enrich/intel")
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			in.reload(logger)
		}
	}
}

// reload re-reads the feeds whose files changed and reports whether it swapped
// the tables.
func (in *Intel) reload(logger *slog.Logger) bool {
	changed := false
	for i, f := range in.feeds {
		fi, err := os.Stat(f.Path)
		if err != nil {
			logger.Warn("threat feed unavailable, keeping its previous entries", "feed", f.Name, "error", err)
			continue
		}
		if fi.Size() == in.stats[i].size && fi.ModTime().Equal(in.stats[i].modTime) {
			continue
		}
		p, st, err := readFeed(f.Path)
		if err != nil {
			logger.Warn("threat feed reload failed, keeping its previous entries", "feed", f.Name, "error", err)
			continue
		}
		in.parsed[i], in.stats[i] = p, st
		changed = true
		logger.Info("threat feed reloaded", "feed", f.Name, "format", p.format,
			"ips", len(p.ips), "domains", len(p.domains), "bad", p.bad)
	}
	if changed {
		in.cur.Store(build(in.feeds, in.parsed))
	}
	return changed
}
