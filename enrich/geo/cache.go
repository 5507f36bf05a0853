package geo

import (
	"math/bits"
	"net/netip"
	"sync/atomic"
)

// cache is a direct-mapped cache of recent answers: each address hashes to one
// slot, and a newer address evicts the older one. Slots are atomic pointers to
// immutable entries, so that readers and writers on any goroutine never lock; a
// miss costs one small allocation. Flow logs repeat a working set of addresses,
// which is what this serves.
type cache struct {
	slots []atomic.Pointer[cacheEntry]
	shift uint
}

type cacheEntry struct {
	ip   netip.Addr
	info Info
}

const defaultCacheSize = 1 << 16

func newCache(size int) *cache {
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = defaultCacheSize
	}
	n := 1
	for n < size {
		n <<= 1
	}
	return &cache{slots: make([]atomic.Pointer[cacheEntry], n), shift: uint(64 - bits.TrailingZeros(uint(n)))}
}

func (c *cache) slot(ip netip.Addr) *atomic.Pointer[cacheEntry] {
	b := ip.As16()
	hi := uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
		uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
	lo := uint64(b[8])<<56 | uint64(b[9])<<48 | uint64(b[10])<<40 | uint64(b[11])<<32 |
		uint64(b[12])<<24 | uint64(b[13])<<16 | uint64(b[14])<<8 | uint64(b[15])
	// Fibonacci hashing: the top bits of the product spread nearby addresses.
	h := (lo ^ bits.RotateLeft64(hi, 29)) * 0x9E3779B97F4A7C15
	return &c.slots[h>>c.shift]
}

func (c *cache) get(ip netip.Addr) (Info, bool) {
	if c == nil {
		return Info{}, false
	}
	if e := c.slot(ip).Load(); e != nil && e.ip == ip {
		return e.info, true
	}
	return Info{}, false
}

func (c *cache) put(ip netip.Addr, info Info) {
	if c == nil {
		return
	}
	c.slot(ip).Store(&cacheEntry{ip: ip, info: info})
}
