package main

import "net/http"

// withPhonePage adds the phone simulator page (the files of dir, built
// from web/phone) at /phone/ to the control API h. The page calls the API
// with relative URLs (/phone/mo, /phone/mt, /phone/events), so it and
// the API share one origin and need no CORS headers.
func withPhonePage(h http.Handler, dir string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("GET /phone/", http.StripPrefix("/phone", http.FileServer(http.Dir(dir))))
	for _, pattern := range []string{"POST /phone/mo", "GET /phone/mt", "GET /phone/events"} {
		mux.Handle(pattern, http.StripPrefix("/phone", h))
	}
	return mux
}
