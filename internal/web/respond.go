package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// errorBody is the body of every JSON error.
type errorBody struct {
	Error string `json:"error"`
}

// writeJSON sends v as JSON with status code.
func (s *Server) writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.d.Logger.Error("web: encoding a response", "err", err)
		code = http.StatusInternalServerError
		b = []byte(`{"error":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// writeError sends {"error": msg} with status code; msg goes through
// Redact.
func (s *Server) writeError(w http.ResponseWriter, code int, msg string) {
	s.writeJSON(w, code, errorBody{Error: Redact(msg)})
}

// writeFailure answers a failed read of a data source: 503 when the
// request ran out of time or the source is shutting down, else 500. The
// detail is logged, not sent.
func (s *Server) writeFailure(w http.ResponseWriter, r *http.Request, what string, err error, unavailable ...error) {
	code := http.StatusInternalServerError
	msg := what + " failed"
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(r.Context().Err(), context.DeadlineExceeded):
		code, msg = http.StatusServiceUnavailable, what+" timed out"
	default:
		for _, u := range unavailable {
			if errors.Is(err, u) {
				code, msg = http.StatusServiceUnavailable, what+" is unavailable"
			}
		}
	}
	s.d.Logger.Warn("web: request failed", "path", r.URL.Path, "what", what, "err", err)
	s.writeError(w, code, msg)
}

// withTimeout gives each request's work a deadline of Deps.Timeout.
func (s *Server) withTimeout(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.d.Timeout)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// onlyGet refuses methods other than GET and HEAD with a JSON 405.
func (s *Server) onlyGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.writeError(w, http.StatusMethodNotAllowed, "only GET and HEAD are allowed")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries: no sniffing,
// no framing, and a content security policy that allows only this
// origin's scripts (the status page has no inline script).
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy",
			"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.ServeHTTP(w, r)
	})
}
