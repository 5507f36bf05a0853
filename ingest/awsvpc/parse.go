package awsvpc

// split cuts line at runs of spaces, tabs or carriage returns (a CRLF file) into toks and returns how many fields
// it found; a count above len(toks) means the line has too many, and toks then
// holds only the first ones.
func split(line []byte, toks *[maxColumns][]byte) int {
	n := 0
	i := 0
	for i < len(line) {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if n == maxColumns {
			return n + 1
		}
		toks[n] = line[i:j]
		n++
		i = j
	}
	return n
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
