package relay

import "unicode/utf8"

// ellipsis marks a shortened value; plain dots, because "…" is not in the
// GSM 7-bit alphabet and would make a reply UCS-2 (70 characters).
const ellipsis = "..."

// segments asks the SMS side how many segments body takes. When it
// cannot tell, it assumes UCS-2 (67 characters per segment, the worst
// case), so that checks err on the short side.
func (c *Core) segments(body string) int {
	n, err := c.sms.Segments(body)
	if err != nil || n < 1 {
		u := 0
		for _, r := range body {
			u++
			if r > 0xFFFF {
				u++
			}
		}
		if u <= 70 {
			return 1
		}
		return (u + 66) / 67
	}
	return n
}

// fit returns build(v) if it takes at most max segments; otherwise build
// of the longest start of v followed by an ellipsis that does. If even an
// empty v does not fit, it returns build(ellipsis).
func (c *Core) fit(max int, build func(v string) string, v string) string {
	if full := build(v); c.segments(full) <= max {
		return full
	}
	runes := []rune(v)
	lo, hi := 0, len(runes)-1 // the answer keeps lo..hi runes
	best := build(ellipsis)
	for lo <= hi {
		mid := (lo + hi) / 2
		cand := build(string(runes[:mid]) + ellipsis)
		if c.segments(cand) <= max {
			best, lo = cand, mid+1
		} else {
			hi = mid - 1
		}
	}
	return best
}

// fitOne is fit to one segment.
func (c *Core) fitOne(build func(v string) string, v string) string {
	return c.fit(1, build, v)
}

// truncRunes cuts s to at most n runes, marking a cut with an ellipsis.
func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(0, n-len(ellipsis))]) + ellipsis
}
