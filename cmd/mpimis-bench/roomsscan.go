package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// The rooms mode receives about a million presences per run, so its client
// does not build element trees: a scanner cuts the stream into top-level
// elements by tracking tag depth, and the few attributes the bench needs
// are read from the raw bytes.

// errStreamEnd is returned when the server closes its stream.
var errStreamEnd = errors.New("bench: stream closed by the server")

// stanzaScanner splits an XMPP stream into its top-level elements.
// Elements are byte slices into its buffer, valid until the next call.
type stanzaScanner struct {
	r     io.Reader
	buf   []byte
	start int // first byte not yet handed out (start of the current element)
	pos   int // scan position
	depth int // 0 before the stream header, 1 inside the stream
}

func newStanzaScanner(r io.Reader) *stanzaScanner {
	return &stanzaScanner{r: r, buf: make([]byte, 0, 64<<10)}
}

// next returns the next top-level element (a stanza, stream features, a
// SASL answer). The stream header and XML declarations are skipped; a
// restarted stream's header is recognised as such.
func (s *stanzaScanner) next() ([]byte, error) {
	for {
		el, ok, err := s.scan()
		if err != nil {
			return nil, err
		}
		if ok {
			return el, nil
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
}

// fill reads more input, first dropping what was handed out.
func (s *stanzaScanner) fill() error {
	if s.start > 0 {
		n := copy(s.buf, s.buf[s.start:])
		s.buf = s.buf[:n]
		s.pos -= s.start
		s.start = 0
	}
	if len(s.buf) == cap(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)[:len(s.buf)]
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// scan advances over complete tags in the buffer; it reports an element
// when one ends at depth 1.
func (s *stanzaScanner) scan() ([]byte, bool, error) {
	b := s.buf
	for {
		if s.depth <= 1 {
			s.start = s.pos // text between stanzas (whitespace keepalives) is dropped
		}
		i := bytes.IndexByte(b[s.pos:], '<')
		if i < 0 {
			s.pos = len(b)
			if s.depth <= 1 {
				s.start = s.pos
			}
			return nil, false, nil
		}
		lt := s.pos + i
		if s.depth <= 1 {
			s.start = lt
		}
		end := tagEnd(b, lt)
		if end < 0 {
			s.pos = lt
			return nil, false, nil
		}
		s.pos = end + 1
		tag := b[lt : end+1]
		switch {
		case len(tag) > 1 && (tag[1] == '?' || tag[1] == '!'):
			continue
		case len(tag) > 1 && tag[1] == '/':
			if s.depth <= 1 {
				return nil, false, errStreamEnd
			}
			s.depth--
			if s.depth == 1 {
				return b[s.start:s.pos], true, nil
			}
		case bytes.HasPrefix(tag, []byte("<stream:stream")) || bytes.HasPrefix(tag, []byte("<stream ")):
			s.depth = 1
		case tag[len(tag)-2] == '/':
			if s.depth == 1 {
				return b[s.start:s.pos], true, nil
			}
		default:
			s.depth++
		}
	}
}

// tagEnd returns the index of the '>' closing the tag that starts at lt,
// skipping quoted attribute values, or -1 if the tag is not complete.
func tagEnd(b []byte, lt int) int {
	var quote byte
	for i := lt + 1; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// elName returns the name of the element el (with its prefix, if any).
func elName(el []byte) string {
	i := 1
	for i < len(el) && el[i] != ' ' && el[i] != '>' && el[i] != '/' && el[i] != '\t' && el[i] != '\n' && el[i] != '\r' {
		i++
	}
	return string(el[1:i])
}

// elAttr returns the (unescaped) value of attribute name of el's own start
// tag, and whether it is there.
func elAttr(el []byte, name string) (string, bool) {
	end := tagEnd(el, 0)
	if end < 0 {
		return "", false
	}
	tag := el[:end]
	i := 1
	for i < len(tag) && !isSpace(tag[i]) { // the element name
		i++
	}
	for i < len(tag) {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		k := i
		for i < len(tag) && tag[i] != '=' && !isSpace(tag[i]) && tag[i] != '/' {
			i++
		}
		key := tag[k:i]
		for i < len(tag) && (isSpace(tag[i]) || tag[i] == '=') {
			i++
		}
		if i >= len(tag) || (tag[i] != '\'' && tag[i] != '"') {
			return "", false
		}
		q := tag[i]
		v := i + 1
		j := bytes.IndexByte(tag[v:], q)
		if j < 0 {
			return "", false
		}
		if string(key) == name {
			return unescapeXML(string(tag[v : v+j])), true
		}
		i = v + j + 1
	}
	return "", false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// elChildText returns the unescaped text of the first <name> element
// inside el ("" if there is none).
func elChildText(el []byte, name string) string {
	open := []byte("<" + name)
	for off := 1; ; {
		i := bytes.Index(el[off:], open)
		if i < 0 {
			return ""
		}
		i += off
		after := i + len(open)
		if after < len(el) && (el[after] == '>' || isSpace(el[after])) {
			end := tagEnd(el, i)
			if end < 0 || el[end-1] == '/' {
				return ""
			}
			close := bytes.Index(el[end:], []byte("</"+name+">"))
			if close < 0 {
				return ""
			}
			return unescapeXML(string(el[end+1 : end+close]))
		}
		off = after
	}
}

// hasStatus reports whether el carries <status code='code'/>.
func hasStatus(el []byte, code string) bool {
	return bytes.Contains(el, []byte("code='"+code+"'")) || bytes.Contains(el, []byte(`code="`+code+`"`))
}

var xmlUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#39;", "'", "&#34;", `"`, "&amp;", "&")

func unescapeXML(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return xmlUnescaper.Replace(s)
}

// escapeXML escapes s for an attribute value or text.
func escapeXML(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
