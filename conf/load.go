package conf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"
)

// Load reads the configuration file at path: defaults first, the file on
// top of them (unknown keys are errors), then the environment overrides of
// [Config.ApplyEnv] from the process environment, then [Config.Validate].
// A file that cannot be read gives an error naming the path and wrapping
// the [os.ReadFile] error (so [errors.Is] with [fs.ErrNotExist] works).
// On any error the Config is nil and the error lists every problem found.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("conf: cannot read config file: %w", err)
	}
	return Parse(data, path)
}

// Parse is [Load] for a file already in memory; name is used in messages
// in place of a path. It applies the process environment like Load.
func Parse(data []byte, name string) (*Config, error) {
	return parse(data, name, os.Getenv)
}

// parse is Parse with the environment passed in, for tests.
func parse(data []byte, name string, getenv func(string) string) (*Config, error) {
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return nil, decodeError(name, data, err, ErrSyntax)
	}
	if errs := checkSchema(name, md, raw); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := Defaults()
	md, err = toml.Decode(string(data), c)
	if err != nil {
		// checkSchema should have caught everything; keep the library's
		// message for whatever it did not.
		return nil, decodeError(name, data, err, ErrType)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		errs := make([]error, 0, len(undecoded))
		for _, k := range undecoded {
			errs = append(errs, &FileError{File: name, Key: k.String(), Kind: ErrUnknownKey})
		}
		return nil, errors.Join(errs...)
	}
	c.ApplyEnv(getenv)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeError turns an error of the TOML library into a [*FileError] of
// the given kind, keeping the line when the library knows it. When the key being read is a
// secret, the library's message is withheld, as it may quote part of the
// value.
func decodeError(name string, data []byte, err, kind error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		msg := strings.TrimPrefix(err.Error(), "toml: ")
		return &FileError{File: name, Msg: escapeControls(msg), Kind: kind}
	}
	msg := escapeControls(pe.Message)
	if k := secretKeyOf(pe.LastKey); k != "" {
		msg = "invalid value for " + k + " (details withheld: the key holds a secret)"
	}
	return &FileError{File: name, Line: errorLine(data, pe.Position), Key: pe.LastKey, Msg: msg, Kind: kind}
}

// errorLine is the line of a syntax error. The library counts a newline
// that is itself the offending character as part of the next line
// ("[xmpp\n" fails on line 2); this reports the line it ends instead.
func errorLine(data []byte, pos toml.Position) int {
	// Offsets are counted after the byte order mark the library skips.
	for _, bom := range []string{"\xff\xfe", "\xfe\xff", "\xef\xbb\xbf"} {
		if bytes.HasPrefix(data, []byte(bom)) {
			data = data[len(bom):]
			break
		}
	}
	if pos.Line > 1 && pos.Start >= 0 && pos.Start < len(data) && data[pos.Start] == '\n' {
		return 1 + bytes.Count(data[:pos.Start], []byte("\n"))
	}
	return pos.Line
}

// escapeControls writes the control characters the library may quote
// from the input ("'0b\n'") as Go escapes, so that every error stays on
// one line.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// secretKeyOf returns the secret key that key is, or lies below, or "".
func secretKeyOf(key string) string {
	for _, s := range secretKeys {
		if key == s || strings.HasPrefix(key, s+".") {
			return s
		}
	}
	return ""
}
