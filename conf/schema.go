package conf

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

var durationType = reflect.TypeFor[Duration]()

// checkSchema compares a parsed file with the shape of [Config] before
// anything is decoded into it. It reports, in file order, every key that
// Config does not have and every key whose value has the wrong TOML type
// (or is a string that is not a duration where one is expected), so that
// all problems are shown at once and each names its key. It never includes
// a value in a message, except an unparseable duration.
func checkSchema(name string, md toml.MetaData, raw map[string]any) []error {
	var errs []error
	root := reflect.TypeFor[Config]()
	unknown := map[string]bool{}
	for _, key := range md.Keys() {
		t, n := resolve(root, key)
		switch {
		case n < 0:
			// Below a key that is not a table: that key's type is wrong
			// and reported on its own.
			continue
		case n < len(key):
			// Report the first unknown piece once, not every key below
			// it ("[logging]" rather than also "logging.level").
			k := key[:n+1].String()
			if !unknown[k] {
				unknown[k] = true
				errs = append(errs, &FileError{File: name, Key: k, Kind: ErrUnknownKey})
			}
			continue
		}
		if v, found := lookup(raw, key); found {
			errs = append(errs, checkValue(name, key.String(), t, v)...)
		}
	}
	return errs
}

// resolve finds the Go type of the field a TOML key names. n is len(key)
// when every piece is a field; otherwise the index of the first piece that
// is not, or -1 when the key goes below a field that is not a table.
func resolve(t reflect.Type, key toml.Key) (ft reflect.Type, n int) {
	for i, piece := range key {
		if t.Kind() != reflect.Struct || t == durationType {
			return nil, -1
		}
		f, found := fieldByTag(t, piece)
		if !found {
			return nil, i
		}
		t = f.Type
	}
	return t, len(key)
}

// fieldByTag returns the field of struct type t whose toml tag is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tagName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tagName is the TOML key of a struct field.
func tagName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return tag
}

// lookup finds the value of a key in the generic decoding of a file.
func lookup(raw map[string]any, key toml.Key) (any, bool) {
	var v any = raw
	for _, piece := range key {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[piece]; !ok {
			return nil, false
		}
	}
	return v, true
}

// checkValue reports a value whose TOML type does not fit Go type t.
// Tables are checked key by key by the caller, so they only need to be
// tables here.
func checkValue(name, key string, t reflect.Type, v any) []error {
	typeErr := func(k, msg string) []error {
		return []error{&FileError{File: name, Key: k, Msg: msg, Kind: ErrType}}
	}
	switch {
	case t == durationType:
		s, ok := v.(string)
		if !ok {
			return typeErr(key, fmt.Sprintf("must be a duration string such as \"30s\", got %s", tomlTypeName(v)))
		}
		if _, err := time.ParseDuration(s); err != nil {
			return typeErr(key, fmt.Sprintf("%q is not a duration such as \"30s\", \"5m\" or \"24h\"", s))
		}
	case t.Kind() == reflect.Struct:
		if _, ok := v.(map[string]any); !ok {
			return typeErr(key, "must be a table, got "+tomlTypeName(v))
		}
	case t.Kind() == reflect.String:
		if _, ok := v.(string); !ok {
			return typeErr(key, "must be a string, got "+tomlTypeName(v))
		}
	case t.Kind() == reflect.Int:
		if _, ok := v.(int64); !ok {
			return typeErr(key, "must be an integer, got "+tomlTypeName(v))
		}
	case t.Kind() == reflect.Bool:
		if _, ok := v.(bool); !ok {
			return typeErr(key, "must be true or false, got "+tomlTypeName(v))
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		list, ok := v.([]any)
		if !ok {
			return typeErr(key, "must be an array of strings, got "+tomlTypeName(v))
		}
		var errs []error
		for i, e := range list {
			if _, ok := e.(string); !ok {
				errs = append(errs, typeErr(fmt.Sprintf("%s[%d]", key, i), "must be a string, got "+tomlTypeName(e))...)
			}
		}
		return errs
	default:
		// A field type this function does not know: a programming error,
		// caught by TestSchemaCoversAllFields.
		return typeErr(key, fmt.Sprintf("unsupported field type %s", t))
	}
	return nil
}

// tomlTypeName names the TOML type of a generically decoded value.
func tomlTypeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case []map[string]any:
		return "array of tables"
	case map[string]any:
		return "table"
	default:
		// time.Time and the toml.Local* types.
		return "date/time"
	}
}
