package gcpflow

import (
	"github.com/valyala/fastjson"

	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Field parsers for what Cloud Logging writes in JSON; numbers, addresses and RFC
// 3339 times are parsed by ingest/internal/bytesparse from the bytes fastjson hands
// out, so that a record costs no string conversion.

// jsonUint reads a non-negative integer that Cloud Logging writes either as a JSON
// number (int32 fields: ports, protocol) or as a string (int64 fields: bytes_sent,
// packets_sent, per the proto3 JSON mapping). present is false for a missing or
// null value.
func jsonUint(v *fastjson.Value) (n uint64, present, ok bool) {
	if v == nil {
		return 0, false, true
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return 0, false, true
	case fastjson.TypeString:
		n, ok = bytesparse.Uint(v.GetStringBytes())
		return n, true, ok
	case fastjson.TypeNumber:
		n, err := v.Uint64()
		return n, true, err == nil
	}
	return 0, true, false
}
