package conf

import (
	"strings"
	"testing"
)

func TestApplyEnv(t *testing.T) {
	cases := []struct {
		name               string
		env                map[string]string
		wantSecret, wantPW string
	}{
		{"none", nil, "file-secret", "filepw"},
		{"empty does not override", map[string]string{EnvXMPPSecret: "", EnvSMPPPassword: ""}, "file-secret", "filepw"},
		{"secret only", map[string]string{EnvXMPPSecret: "env-secret"}, "env-secret", "filepw"},
		{"password only", map[string]string{EnvSMPPPassword: "envpw"}, "file-secret", "envpw"},
		{"both", map[string]string{EnvXMPPSecret: "env-secret", EnvSMPPPassword: "envpw"}, "env-secret", "envpw"},
		{"other variables ignored", map[string]string{"MPIMIS_XMPP_SERVER": "x:1", "XMPP_SECRET": "no"}, "file-secret", "filepw"},
	}
	for i, tc := range cases {
		c := Defaults()
		c.XMPP.Secret, c.SMPP.Password = "file-secret", "filepw"
		c.ApplyEnv(fakeEnv(tc.env))
		if c.XMPP.Secret != tc.wantSecret || c.SMPP.Password != tc.wantPW {
			t.Errorf("%d %s: got secret %q password %q, want %q %q", i, tc.name, c.XMPP.Secret, c.SMPP.Password, tc.wantSecret, tc.wantPW)
		}
		want := Defaults()
		want.XMPP.Secret, want.SMPP.Password = c.XMPP.Secret, c.SMPP.Password
		if !equal(c, want) {
			t.Errorf("%d %s: other keys changed: %+v", i, tc.name, c.Redacted())
		}
	}
}

func TestApplyEnvNilIsProcessEnv(t *testing.T) {
	t.Setenv(EnvXMPPSecret, "proc-secret")
	t.Setenv(EnvSMPPPassword, "")
	c := Defaults()
	c.SMPP.Password = "keep"
	c.ApplyEnv(nil)
	if c.XMPP.Secret != "proc-secret" || c.SMPP.Password != "keep" {
		t.Fatalf("got secret %q password %q", c.XMPP.Secret, c.SMPP.Password)
	}
}

func TestParseEnvSecrets(t *testing.T) {
	cases := []struct {
		name    string
		file    string
		env     map[string]string
		wantErr []string // keys
	}{
		{"both from env", "", map[string]string{EnvXMPPSecret: "a", EnvSMPPPassword: "b"}, nil},
		{"both from file", secrets, nil, nil},
		{"missing password", "[xmpp]\nsecret = \"s\"\n", map[string]string{EnvSMPPPassword: ""}, []string{"smpp.password"}},
		{"missing both", "", nil, []string{"xmpp.secret", "smpp.password"}},
		{"env password too long", secrets, map[string]string{EnvSMPPPassword: "123456789"}, []string{"smpp.password"}},
	}
	for i, tc := range cases {
		c, err := parse([]byte(tc.file), "env.toml", fakeEnv(tc.env))
		if tc.wantErr == nil {
			if err != nil {
				t.Errorf("%d %s: %v", i, tc.name, err)
			} else if c.XMPP.Secret == "" || c.SMPP.Password == "" {
				t.Errorf("%d %s: secrets not set: %+v", i, tc.name, c.Redacted())
			}
			continue
		}
		if keys := errorKeys(t, err); !equal(keys, tc.wantErr) {
			t.Errorf("%d %s: keys %q, want %q (%v)", i, tc.name, keys, tc.wantErr, err)
		}
		if strings.Contains(err.Error(), "123456789") {
			t.Errorf("%d %s: error shows the secret: %v", i, tc.name, err)
		}
	}
}

func TestRedacted(t *testing.T) {
	cases := []struct {
		name               string
		secret, pw         string
		wantSecret, wantPW string
	}{
		{"both set", "s3cret", "pw", "***", "***"},
		{"both empty", "", "", "", ""},
		{"one set", "s3cret", "", "***", ""},
	}
	for i, tc := range cases {
		c := Defaults()
		c.XMPP.Secret, c.SMPP.Password = tc.secret, tc.pw
		c.XMPP.Admins = []string{"admin@localhost"}
		r := c.Redacted()
		if r.XMPP.Secret != tc.wantSecret || r.SMPP.Password != tc.wantPW {
			t.Errorf("%d %s: redacted secret %q password %q", i, tc.name, r.XMPP.Secret, r.SMPP.Password)
		}
		if c.XMPP.Secret != tc.secret || c.SMPP.Password != tc.pw {
			t.Errorf("%d %s: original changed", i, tc.name)
		}
		r.XMPP.Admins[0] = "changed@localhost"
		if c.XMPP.Admins[0] != "admin@localhost" {
			t.Errorf("%d %s: copy shares the admins slice", i, tc.name)
		}
		r.XMPP.Secret, r.SMPP.Password, r.XMPP.Admins = c.XMPP.Secret, c.SMPP.Password, c.XMPP.Admins
		if !equal(r, c) {
			t.Errorf("%d %s: copy differs beyond secrets: %+v", i, tc.name, r)
		}
	}
}
