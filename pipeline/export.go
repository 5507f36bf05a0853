package pipeline

import "github.com/weirhq/weir/flow"

// Duplicate reports whether the pipeline drops r, an enriched record, as the
// second report of a connection already counted at its other end (DESIGN §2).
// Exported for tests that rebuild what the store holds from the logs.
func Duplicate(r *flow.Record) bool { return duplicate(r) }

// Continuations marks the later records of a long connection within one input as
// the pipeline does (flows 0). Use one per input, fed in the input's order after
// Duplicate; the zero value is ready.
type Continuations struct{ c continuations }

// Mark sets r.Flows to 0 when r continues a connection the input already reported.
func (c *Continuations) Mark(r *flow.Record) { c.c.mark(r) }
