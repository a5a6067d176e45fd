package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxPeriod is the longest statistics period accepted (ten years).
const maxPeriod = 3660 * 24 * time.Hour

// maxLimit is the largest limit= accepted.
const maxLimit = 1000

var (
	errPeriod = errors.New("period must be all, a number of days such as 7d, or a duration such as 24h or 90m (at most 3660d)")
	errLimit  = errors.New("limit must be a whole number from 1 to 1000")
)

// parsePeriod reads a statistics period: "all" (0: all time), days
// ("7d"), or a Go duration ("24h", "90m"); positive, at most maxPeriod.
//
//	parsePeriod("all") // 0
//	parsePeriod("7d")  // 168h
//	parsePeriod("24h") // 24h
//	parsePeriod("-1h") // errPeriod
func parsePeriod(s string) (time.Duration, error) {
	if s == "all" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > int(maxPeriod/(24*time.Hour)) || strings.HasPrefix(days, "+") {
			return 0, errPeriod
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > maxPeriod {
		return 0, errPeriod
	}
	return d, nil
}

// parseLimit reads limit=: def when empty, else 1..maxLimit.
func parseLimit(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit || strings.HasPrefix(s, "+") {
		return 0, errLimit
	}
	return n, nil
}

// siteOf returns the host (with a port, if any) of an absolute URL, "" if
// it has none. A page is shown by its site, not its full URL: a path or
// query may carry private data.
//
//	siteOf("https://example.org/a?b=c") // "example.org"
//	siteOf("http://[::1]:8080/")        // "[::1]:8080"
//	siteOf("not a url")                 // ""
func siteOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || strings.ContainsAny(u.Host, "@/") {
		return ""
	}
	return u.Host
}
