package component

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Element is one XML element with its attributes, element children and the
// character data directly inside it (concatenated; stanzas do not use mixed
// content). Name.Space is the resolved namespace URI.
type Element struct {
	Name     xml.Name
	Attr     []xml.Attr
	Children []*Element
	Text     string
}

// Limits applied while decoding one stanza, so that a huge or deeply nested
// stanza cannot exhaust memory. The XMPP server normally enforces smaller
// limits of its own.
const (
	maxDepth  = 32
	maxTokens = 20000
	maxText   = 1 << 20
)

// NewElement returns an element named local in namespace ns with attributes
// given as name/value pairs. Odd trailing names are ignored.
func NewElement(ns, local string, attrs ...string) *Element {
	e := &Element{Name: xml.Name{Space: ns, Local: local}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.SetAttr(attrs[i], attrs[i+1])
	}
	return e
}

// Get returns the value of the attribute local (in no namespace), or "".
func (e *Element) Get(local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// SetAttr sets (or, with an empty value, removes) the attribute local.
func (e *Element) SetAttr(local, value string) *Element {
	for i, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			if value == "" {
				e.Attr = append(e.Attr[:i], e.Attr[i+1:]...)
			} else {
				e.Attr[i].Value = value
			}
			return e
		}
	}
	if value != "" {
		e.Attr = append(e.Attr, xml.Attr{Name: xml.Name{Local: local}, Value: value})
	}
	return e
}

// Add appends children and returns e, for building trees in one expression.
func (e *Element) Add(children ...*Element) *Element {
	for _, c := range children {
		if c != nil {
			e.Children = append(e.Children, c)
		}
	}
	return e
}

// WithText sets the character data and returns e.
func (e *Element) WithText(s string) *Element {
	e.Text = s
	return e
}

// Child returns the first child with the given namespace and local name, or
// nil. An empty ns matches any namespace.
func (e *Element) Child(ns, local string) *Element {
	for _, c := range e.Children {
		if c.Name.Local == local && (ns == "" || c.Name.Space == ns) {
			return c
		}
	}
	return nil
}

// ChildText returns the text of the first matching child, or "".
func (e *Element) ChildText(ns, local string) string {
	if c := e.Child(ns, local); c != nil {
		return c.Text
	}
	return ""
}

// String renders the element as XML, for logs and tests.
func (e *Element) String() string {
	var b strings.Builder
	enc := xml.NewEncoder(&b)
	if err := encodeTokens(enc, e, ""); err != nil {
		return "<!-- " + err.Error() + " -->"
	}
	if err := enc.Flush(); err != nil {
		return "<!-- " + err.Error() + " -->"
	}
	return b.String()
}

// TokenReader returns the element as a token stream. The namespace of an
// element is written as an xmlns attribute only where it differs from its
// parent's, and top-level stanzas in the component namespace carry none, so
// they inherit the stream's default namespace.
func (e *Element) TokenReader() xml.TokenReader {
	var toks []xml.Token
	appendTokens(&toks, e, NSComponent)
	return &sliceReader{toks: toks}
}

type sliceReader struct {
	toks []xml.Token
	i    int
}

func (r *sliceReader) Token() (xml.Token, error) {
	if r.i >= len(r.toks) {
		return nil, io.EOF
	}
	t := r.toks[r.i]
	r.i++
	return t, nil
}

type tokenEncoder interface {
	EncodeToken(xml.Token) error
}

func encodeTokens(enc tokenEncoder, e *Element, parentNS string) error {
	var toks []xml.Token
	appendTokens(&toks, e, parentNS)
	for _, t := range toks {
		if err := enc.EncodeToken(t); err != nil {
			return err
		}
	}
	return nil
}

func appendTokens(toks *[]xml.Token, e *Element, parentNS string) {
	start := xml.StartElement{Name: xml.Name{Local: e.Name.Local}}
	if e.Name.Space != parentNS && e.Name.Space != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: e.Name.Space})
	}
	ns := parentNS
	if e.Name.Space != "" {
		ns = e.Name.Space
	}
	start.Attr = append(start.Attr, e.Attr...)
	*toks = append(*toks, start)
	if e.Text != "" {
		*toks = append(*toks, xml.CharData(e.Text))
	}
	for _, c := range e.Children {
		appendTokens(toks, c, ns)
	}
	*toks = append(*toks, start.End())
}

// DecodeElement reads the rest of the element opened by start from r.
// Namespace declarations are dropped from Attr (they live in Name.Space).
// It enforces the depth, token and text limits above; when a limit is hit
// it still consumes the whole element, so the stream stays in step, and
// returns ErrTooLarge with the (truncated) element.
func DecodeElement(r xml.TokenReader, start xml.StartElement) (*Element, error) {
	root := &Element{Name: start.Name, Attr: plainAttrs(start.Attr)}
	stack := []*Element{root}
	tokens, text := 0, 0
	var tooBig bool
	for len(stack) > 0 {
		tok, err := r.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("component: reading <%s>: %w", start.Name.Local, err)
		}
		tokens++
		if tokens > maxTokens {
			tooBig = true
		}
		cur := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				tooBig = true
			}
			child := &Element{Name: t.Name, Attr: plainAttrs(t.Attr)}
			if !tooBig {
				cur.Children = append(cur.Children, child)
			}
			stack = append(stack, child)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			text += len(t)
			if text > maxText {
				tooBig = true
			}
			if !tooBig {
				cur.Text += string(t)
			}
		}
	}
	if tooBig {
		return root, ErrTooLarge
	}
	return root, nil
}

func plainAttrs(in []xml.Attr) []xml.Attr {
	var out []xml.Attr
	for _, a := range in {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		out = append(out, a)
	}
	return out
}
