package loopback

import (
	"crypto/tls"
	"testing"
)

func TestSelfSignedLoadsAsKeyPair(t *testing.T) {
	c, k, err := SelfSigned("", "localhost", "sms.localhost")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(c, k)
	if err != nil {
		t.Fatal(err)
	}
	if pair.Leaf == nil || len(pair.Leaf.DNSNames) != 2 || pair.Leaf.DNSNames[1] != "sms.localhost" {
		t.Fatalf("names: %v", pair.Leaf)
	}
	if _, _, err := SelfSigned(""); err == nil {
		t.Fatal("a certificate without a name was made")
	}
}

func TestFillPorts(t *testing.T) {
	a, b := 0, 1234
	if err := FillPorts(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a == 0 || b != 1234 {
		t.Fatalf("a=%d b=%d", a, b)
	}
}
