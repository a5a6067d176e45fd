package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// guestHost is the sandbox Prosody's anonymous-login host, used by the
// widget's visitors.
const guestHost = "guest.localhost"

// builtDir returns webDir/<project>/dist if it has been built
// (scripts/build-web.sh), else "".
func builtDir(webDir, project, file string) string {
	dir := filepath.Join(webDir, project, "dist")
	if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	return abs
}

// serveWidget serves the widget's demo site: /widget.js and demo.html from
// dist, and /config.js pointing the widget at the sandbox's Prosody
// WebSocket, guest host and rooms domain. It returns the site's address;
// the server stops with the process.
func serveWidget(dist, wsURL, rooms string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port(8080)))
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /config.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		fmt.Fprintf(w, "window.MPIMIS_WIDGET = {service: %q, domain: %q, rooms: %q};\n", wsURL, guestHost, rooms)
	})
	files := http.FileServer(http.Dir(dist))
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/widget.js" || r.URL.Path == "/widget.js.LEGAL.txt" {
			files.ServeHTTP(w, r)
			return
		}
		// Every other path is a page of the demo site, each its own room.
		http.ServeFile(w, r, filepath.Join(dist, "demo.html"))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", nil
}

// printPages serves the widget's demo site and prints the addresses of it
// and of the phone page, or how to build them.
func printPages(out io.Writer, webDir, phoneDist, simHTTP, wsURL string) error {
	fmt.Fprintln(out)
	if phoneDist != "" {
		fmt.Fprintf(out, "  phone page    http://%s/phone/   (text mpimis from a browser as any number)\n", simHTTP)
	} else {
		fmt.Fprintln(out, "  phone page    not built: run scripts/build-web.sh")
	}
	widgetDist := builtDir(webDir, "widget", "widget.js")
	if widgetDist == "" {
		fmt.Fprintln(out, "  widget demo   not built: run scripts/build-web.sh")
		fmt.Fprintln(out)
		return nil
	}
	site, err := serveWidget(widgetDist, wsURL, "rooms.localhost")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  widget demo   %s   (open any path in two browsers: each path is a room)\n", site)
	fmt.Fprintf(out, "  WebSocket     %s   (anonymous guests on %s)\n\n", wsURL, guestHost)
	return nil
}
