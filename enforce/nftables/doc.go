// Package nftables enforces a host quarantine with Linux nftables (DESIGN §8).
//
// It owns exactly one table, "weir" in the inet family, and never reads or
// changes any other table: Apply replaces that table with the rules a State
// asks for, Clear removes it. Every change is one netlink batch, so the kernel
// sees either the old table or the new one, never a half-built filter.
//
// It does not decide who is quarantined, track quarantine state, talk to the
// weir server or verify from flows that the quarantine holds: the quarantine
// workflow and `weir agent` own those and hand this package a State.
package nftables
