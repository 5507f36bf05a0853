package query

import "strconv"

// Error is a filter that does not parse or names something weir does not know.
// Pos is the 1-based character (rune) position in the filter where the problem
// starts; a problem at the end of the filter points just past its last character.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return "position " + strconv.Itoa(e.Pos) + ": " + e.Msg }

// suggest returns the candidate closest to word, or "" when none is close enough
// to be what the user meant (an edit distance of at most a third of the word, and
// never more than 2).
func suggest(word string, candidates []string) string {
	limit := min(2, max(1, len(word)/3))
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := editDistance(word, c, bestDist); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in bytes, or any value
// >= limit once it is clear the distance reaches limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	var buf [2][64]int
	if len(b)+1 > len(buf[0]) {
		return limit
	}
	prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
