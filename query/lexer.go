package query

import (
	"strings"
	"unicode/utf8"
)

type tokenKind uint8

const (
	tokEOF    tokenKind = iota
	tokWord             // a bare word: field name, keyword, or unquoted value
	tokString           // a quoted string, escapes resolved
	tokOp               // = != < <= > >= ~
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokenKind
	text string // the word, the unquoted string, or the operator
	pos  int    // 1-based rune position of the token's first character
}

// describe names a token the way an error message shows it.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of filter"
	case tokString:
		return "string " + short(t.text)
	}
	return short(t.text)
}

// short quotes s for an error message, cut to 40 characters.
func short(s string) string {
	n := 0
	for i := range s {
		if n == 40 {
			return quote(s[:i]) + "…"
		}
		n++
	}
	return quote(s)
}

// lexer splits a filter into tokens. Bare words run until whitespace, a quote, a
// parenthesis, a comma or an operator character, so IP addresses, CIDRs, RFC 3339
// times and words like Internal-ish need no quotes.
type lexer struct {
	src string
	off int // byte offset of the next unread byte

	// Rune position bookkeeping: positions are counted in characters, and tokens
	// are produced in order, so the count advances incrementally.
	markOff, markPos int
}

func newLexer(src string) *lexer { return &lexer{src: src, markPos: 1} }

// posAt converts byte offset off (never before the previous call's) to a 1-based
// rune position.
func (l *lexer) posAt(off int) int {
	l.markPos += utf8.RuneCountInString(l.src[l.markOff:off])
	l.markOff = off
	return l.markPos
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isSpecial reports whether c ends a bare word.
func isSpecial(c byte) bool {
	switch c {
	case '(', ')', ',', '=', '!', '<', '>', '~', '"', '\'':
		return true
	}
	return isSpace(c)
}

// next returns the next token, or an error for an unterminated string, a bad
// escape, a stray '!' or invalid UTF-8.
func (l *lexer) next() (token, error) {
	for l.off < len(l.src) && isSpace(l.src[l.off]) {
		l.off++
	}
	start := l.off
	pos := l.posAt(start)
	if start == len(l.src) {
		return token{kind: tokEOF, pos: pos}, nil
	}
	c := l.src[start]
	switch c {
	case '(':
		l.off++
		return token{kind: tokLParen, text: "(", pos: pos}, nil
	case ')':
		l.off++
		return token{kind: tokRParen, text: ")", pos: pos}, nil
	case ',':
		l.off++
		return token{kind: tokComma, text: ",", pos: pos}, nil
	case '=', '~':
		l.off++
		return token{kind: tokOp, text: l.src[start:l.off], pos: pos}, nil
	case '<', '>', '!':
		l.off++
		if l.off < len(l.src) && l.src[l.off] == '=' {
			l.off++
		} else if c == '!' {
			return token{}, &Error{Pos: pos, Msg: `unexpected "!" (did you mean !=?)`}
		}
		return token{kind: tokOp, text: l.src[start:l.off], pos: pos}, nil
	case '"', '\'':
		return l.quoted(c, pos)
	}
	for l.off < len(l.src) && !isSpecial(l.src[l.off]) {
		l.off++
	}
	word := l.src[start:l.off]
	if !utf8.ValidString(word) {
		return token{}, &Error{Pos: pos, Msg: "invalid UTF-8 in " + quote(word)}
	}
	return token{kind: tokWord, text: word, pos: pos}, nil
}

// quoted reads a string opened by q at l.off. Escapes: \\ \" \' \n \r \t.
func (l *lexer) quoted(q byte, pos int) (token, error) {
	l.off++ // opening quote
	start := l.off
	var b strings.Builder
	plain := true // no escape seen yet: the text is a substring of src
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == q:
			text := l.src[start:l.off]
			if !plain {
				text = b.String()
			}
			l.off++
			if !utf8.ValidString(text) {
				return token{}, &Error{Pos: pos, Msg: "invalid UTF-8 in string"}
			}
			return token{kind: tokString, text: text, pos: pos}, nil
		case c == '\\':
			if plain {
				b.WriteString(l.src[start:l.off])
				plain = false
			}
			if l.off+1 >= len(l.src) {
				l.off++
				continue // unterminated, reported below
			}
			var r byte
			switch e := l.src[l.off+1]; e {
			case '\\', '"', '\'':
				r = e
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			default:
				escPos := l.posAt(l.off)
				return token{}, &Error{Pos: escPos, Msg: `unknown escape "\` + string(rune(e)) + `" in string (use \\ \" \' \n \r \t)`}
			}
			b.WriteByte(r)
			l.off += 2
		default:
			if !plain {
				b.WriteByte(c)
			}
			l.off++
		}
	}
	return token{}, &Error{Pos: pos, Msg: "unterminated string (missing closing quote " + string(rune(q)) + ")"}
}
