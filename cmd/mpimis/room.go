package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/ident"
)

// cmdRoom prints the room JID of a page URL, computed locally. With
// -occupants it asks the running instance (its http.listen API) for the
// room and prints "<jid> <occupants>" instead; without the flag the output
// is the JID alone, as scripts expect.
func cmdRoom(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mpimis room", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "mpimis.toml", "configuration file")
	occupants := fs.Bool("occupants", false, "also print the live occupant count, asked of the running instance over HTTP")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: mpimis room -config FILE [-occupants] URL")
		return 2
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return 1
	}
	if cfg.XMPP.RoomsDomain == "" {
		fmt.Fprintln(stderr, "mpimis: xmpp.rooms_domain is empty: the rooms service is disabled")
		return 1
	}
	key, _, err := ident.RoomKeyFor(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "mpimis: %v\n", err)
		return 1
	}
	jid := fmt.Sprintf("%s@%s", key, cfg.XMPP.RoomsDomain)
	if !*occupants {
		fmt.Fprintln(stdout, jid)
		return 0
	}
	n, err := liveOccupants(cfg, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "mpimis: occupant count: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s %d\n", jid, n)
	return 0
}

// liveOccupants asks the running instance's GET /api/rooms?url=.
func liveOccupants(cfg *conf.Config, page string) (int, error) {
	if cfg.HTTP.Listen == "" {
		return 0, fmt.Errorf("http.listen is empty: the count comes from the running instance's HTTP API")
	}
	host, port, err := net.SplitHostPort(cfg.HTTP.Listen)
	if err != nil {
		return 0, fmt.Errorf("http.listen: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u := "http://" + net.JoinHostPort(host, port) + "/api/rooms?url=" + url.QueryEscape(page)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("is mpimis running? %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		JID       string `json:"jid"`
		Occupants int    `json:"occupants"`
		Error     string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil {
		return 0, fmt.Errorf("%s answered %s", u, resp.Status)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", resp.Status, body.Error)
	}
	return body.Occupants, nil
}
