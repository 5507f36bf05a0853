// Package bytesparse parses the field values that flow and DNS logs share (decimal
// numbers, IP addresses, RFC 3339 times) straight from the bytes a decoder holds, so
// that a record costs no string conversion and no allocation. It owns only the
// syntax of those values; which fields hold them, their ranges and what an empty
// or missing value means stay with each decoder.
package bytesparse
