package smsbridge

import (
	"fmt"
	"strings"
	"testing"
)

func TestPartKey(t *testing.T) {
	c := Concat{Ref: 0xBEEF, Total: 3, Seq: 2, Ref16: true}
	k := NewPartKey("+4915112345678", "12345", c)
	if k != (PartKey{Source: "+4915112345678", Dest: "12345", Ref: 0xBEEF, Total: 3}) {
		t.Fatalf("NewPartKey = %#v", k)
	}
	other := NewPartKey("+4915112345678", "12345", Concat{Ref: 0xBEEF, Total: 3, Seq: 3, Ref16: true})
	if k != other {
		t.Errorf("parts of one message give different keys")
	}
	if k == NewPartKey("+4915112345678", "12345", Concat{Ref: 0xBEEF, Total: 4, Seq: 3, Ref16: true}) {
		t.Errorf("different totals give the same key")
	}
	for i, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, k)
		if strings.Contains(out, "4915112345678") || strings.Contains(out, "12345") {
			t.Errorf("case %d %s: %q leaks an address", i, format, out)
		}
		if !strings.Contains(out, "ref=48879") {
			t.Errorf("case %d %s: %q lacks the ref", i, format, out)
		}
	}
}
