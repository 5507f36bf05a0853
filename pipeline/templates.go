package pipeline

import (
	"io"

	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/netflow"
)

// learnTemplates reads the NetFlow v9 and IPFIX templates of every NetFlow or sFlow
// file of the run first, so that a file of data decodes even when its templates
// were saved in another file (as captures and replays often are).
func (p *Pipeline) learnTemplates(inputs []*fileState) error {
	var shared *netflow.Decoder
	for _, st := range inputs {
		if n := st.in.format.name; n != netflow.FormatNetFlow && n != netflow.FormatSFlow {
			continue
		}
		if shared == nil {
			shared = netflow.NewDecoder(ingest.Options{Now: p.cfg.Now()})
		}
		rc, err := open(st.in.path)
		if err != nil {
			continue // decodeFile reports it
		}
		err = shared.Learn(rc, st.in.path)
		rc.Close()
		if err != nil {
			p.logger.Warn("reading templates", "path", st.in.path, "err", err)
		}
		st.newFlows = func(r io.Reader, o ingest.Options) ingest.Decoder {
			return netflow.NewFileDecoderFrom(r, o, shared)
		}
	}
	return nil
}
