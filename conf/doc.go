// Package conf owns the configuration of mpimis: the TOML file's types and
// their defaults ([Defaults]), reading a file ([Load], [Parse]), the
// environment overrides for the two secrets ([Config.ApplyEnv]) and
// validation ([Config.Validate]).
//
// Loading is layered: defaults first, then the file on top of them, then
// the environment, then validation. Keys the file sets but this package does
// not know are errors, so a typo never silently falls back to a default.
//
// Every error this package returns starts with "conf: ". Problems with one
// key name that key in dotted form ("conf: smpp.window: ...", or
// "conf: xmpp.admins[1]: ..." for a list element), so `mpimis check` can
// show an administrator exactly what to fix. File problems (syntax, wrong
// types, unknown keys) are [*FileError]; value problems found by validation
// are [*KeyError]; several problems are joined with [errors.Join].
//
// Secrets (xmpp.secret, smpp.password) never appear in an error message;
// [Config.Redacted] gives a copy that is safe to log.
//
// The file mpimis.example.toml in this directory lists every key with its
// default value and what it does; tests keep it and [Defaults] in step.
package conf
