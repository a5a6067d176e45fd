package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
)

// moTimeout bounds an injected MO: every part must be answered by then.
const moTimeout = 30 * time.Second

// ssePing is how often an idle event stream gets a comment line, so that
// proxies and browsers keep it open.
const ssePing = 15 * time.Second

// maxBody bounds request bodies.
const maxBody = 1 << 20

// newHandler returns the HTTP control API of the simulator s:
//
//	POST /mo       inject an MO (form or JSON: from, to, text, encoding, long, system_id, order, ref)
//	GET  /mt       submitted messages, reassembled and per part (JSON, newest last)
//	GET  /events   Server-Sent Events: "part" per submit_sm, "message" when a message completes
//	POST /control  throttle=N, status=S&count=N, drop=N, delay=D, dlr=mode, disconnect=1, unbind=1
//	GET  /stats    counters and the receipt mode (JSON)
func newHandler(s *smscsim.Server, log *slog.Logger) http.Handler {
	h := &handler{s: s, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /mo", h.mo)
	mux.HandleFunc("GET /mt", h.mt)
	mux.HandleFunc("GET /events", h.events)
	mux.HandleFunc("POST /control", h.control)
	mux.HandleFunc("GET /stats", h.stats)
	return mux
}

type handler struct {
	s   *smscsim.Server
	log *slog.Logger
}

// httpError is an error with the HTTP status it maps to.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{code: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeErr answers with {"error": ...} and the status err maps to.
func (h *handler) writeErr(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	body := map[string]any{"error": err.Error()}
	var he *httpError
	var se *smscsim.StatusError
	switch {
	case errors.As(err, &he):
		code = he.code
	case errors.As(err, &se):
		code = http.StatusBadGateway
		body["status"] = se.Status
		body["part"] = se.Part
	case errors.Is(err, smscsim.ErrBadMO):
		code = http.StatusBadRequest
	case errors.Is(err, smscsim.ErrNoSession):
		code = http.StatusServiceUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		code = http.StatusGatewayTimeout
	case errors.Is(err, smscsim.ErrSessionClosed):
		code = http.StatusBadGateway
	}
	if code == http.StatusInternalServerError {
		h.log.Warn("smsc-sim: http", "err", err)
	}
	writeJSON(w, code, body)
}

// moRequest is the body of POST /mo.
type moRequest struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	Text     string  `json:"text"`
	Encoding string  `json:"encoding"`
	Long     string  `json:"long"`
	SystemID string  `json:"system_id"`
	Order    []int   `json:"order"`
	Ref      *uint16 `json:"ref"`
}

// isJSON reports whether the request body is JSON.
func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

// parseMO reads a POST /mo request, JSON or form encoded.
func parseMO(r *http.Request) (smscsim.MO, error) {
	var req moRequest
	if isJSON(r) {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return smscsim.MO{}, badRequest("bad JSON: %v", err)
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return smscsim.MO{}, badRequest("bad form: %v", err)
		}
		req = moRequest{
			From: r.PostForm.Get("from"), To: r.PostForm.Get("to"), Text: r.PostForm.Get("text"),
			Encoding: r.PostForm.Get("encoding"), Long: r.PostForm.Get("long"), SystemID: r.PostForm.Get("system_id"),
		}
		if v := r.PostForm.Get("order"); v != "" {
			for _, f := range strings.Split(v, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil {
					return smscsim.MO{}, badRequest("order: %q is not a part number", f)
				}
				req.Order = append(req.Order, n)
			}
		}
		if v := r.PostForm.Get("ref"); v != "" {
			n, err := strconv.ParseUint(v, 0, 16)
			if err != nil {
				return smscsim.MO{}, badRequest("ref: %q is not a 16-bit number", v)
			}
			ref := uint16(n)
			req.Ref = &ref
		}
	}
	if req.From == "" || req.To == "" {
		return smscsim.MO{}, badRequest("from and to are required")
	}
	return smscsim.MO{
		Source: req.From, Dest: req.To, Text: req.Text, Encoding: req.Encoding, Long: req.Long,
		SystemID: req.SystemID, Order: req.Order, Ref: req.Ref,
	}, nil
}

func (h *handler) mo(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	mo, err := parseMO(r)
	if err != nil {
		h.writeErr(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), moTimeout)
	defer cancel()
	if err := h.s.SendMO(ctx, mo); err != nil {
		h.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (h *handler) mt(w http.ResponseWriter, _ *http.Request) {
	msgs := h.s.Messages()
	subs := h.s.Submitted()
	out := struct {
		Messages []messageJSON `json:"messages"`
		Parts    []partJSON    `json:"parts"`
	}{Messages: make([]messageJSON, len(msgs)), Parts: make([]partJSON, len(subs))}
	for i, m := range msgs {
		out.Messages[i] = toMessageJSON(m)
	}
	for i, p := range subs {
		out.Parts[i] = toPartJSON(p)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) stats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		smscsim.Stats
		DLRMode string `json:"dlr_mode"`
	}{h.s.Stats(), h.s.DLRMode()})
}
