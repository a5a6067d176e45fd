package conf

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// validConfig returns the defaults with both secrets set, which validate.
func validConfig() *Config {
	c := Defaults()
	c.XMPP.Secret = "xmpp-s3cret"
	c.SMPP.Password = "smpp-pw"
	return c
}

// noEnv is a getenv with nothing set.
func noEnv(string) string { return "" }

// fakeEnv is a getenv reading from a map.
func fakeEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// leafKeys lists the dotted TOML keys of every non-table field of t.
func leafKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		k := prefix + tagName(f)
		if f.Type.Kind() == reflect.Struct && f.Type != durationType {
			keys = append(keys, leafKeys(f.Type, k+".")...)
			continue
		}
		keys = append(keys, k)
	}
	return keys
}

// errorKeys returns the keys named by the *KeyError and *FileError values
// joined in err, in order.
func errorKeys(t *testing.T, err error) []string {
	t.Helper()
	var keys []string
	for _, e := range unjoin(err) {
		var ke *KeyError
		var fe *FileError
		switch {
		case errors.As(e, &ke):
			keys = append(keys, ke.Key)
		case errors.As(e, &fe):
			keys = append(keys, fe.Key)
		default:
			t.Errorf("error %q (%T) is neither *KeyError nor *FileError", e, e)
		}
	}
	return keys
}

// unjoin splits an errors.Join result into its errors.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return slices.Clone(j.Unwrap())
	}
	return []error{err}
}

// equal is reflect.DeepEqual, named for readability.
func equal(a, b any) bool { return reflect.DeepEqual(a, b) }
