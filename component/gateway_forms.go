package component

import "strings"

// XEP-0004 data form types and the field types the gateway uses.
const (
	gwFormForm   = "form"
	gwFormResult = "result"
	gwFormSubmit = "submit"

	gwFieldText    = "text-single"
	gwFieldBool    = "boolean"
	gwFieldHidden  = "hidden"
	gwFieldNoInput = ""
)

// gwNewForm returns an empty data form with an optional title and
// instructions.
func gwNewForm(typ, title, instructions string) *Element {
	x := NewElement(NSDataForms, "x", "type", typ)
	if title != "" {
		x.Add(NewElement(NSDataForms, "title").WithText(title))
	}
	if instructions != "" {
		x.Add(NewElement(NSDataForms, "instructions").WithText(instructions))
	}
	return x
}

// gwField returns a field; a required field gets <required/>.
func gwField(typ, name, label string, required bool, values ...string) *Element {
	f := NewElement(NSDataForms, "field", "var", name, "type", typ, "label", label)
	if required {
		f.Add(NewElement(NSDataForms, "required"))
	}
	for _, v := range values {
		f.Add(NewElement(NSDataForms, "value").WithText(v))
	}
	return f
}

// gwHiddenField returns a hidden field such as FORM_TYPE.
func gwHiddenField(name, value string) *Element {
	return gwField(gwFieldHidden, name, "", false, value)
}

// gwFormValues returns the values of a submitted form by field name. A
// field given twice keeps the values of both. Fields without a name are
// skipped.
func gwFormValues(x *Element) map[string][]string {
	vals := make(map[string][]string)
	if x == nil {
		return vals
	}
	for _, f := range x.Children {
		if f.Name.Local != "field" || f.Name.Space != NSDataForms {
			continue
		}
		name := f.Get("var")
		if name == "" {
			continue
		}
		list := vals[name]
		for _, v := range f.Children {
			if v.Name.Local == "value" && v.Name.Space == NSDataForms {
				list = append(list, v.Text)
			}
		}
		vals[name] = list
	}
	return vals
}

// gwFirst returns the first value of name, trimmed, or "".
func gwFirst(vals map[string][]string, name string) string {
	if v := vals[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// gwTrue reports whether a boolean field value is true (XEP-0004: "1" or
// "true").
func gwTrue(s string) bool {
	return s == "1" || s == "true"
}
