// Package webtest drives the status page in a headless Chromium for tests
// (package internal/web's and the integration tests): Debian's
// /usr/bin/chromium through chromedp, with a fresh profile, the flags
// NOTES.md lists, console errors collected, and helpers that await the
// page's state instead of sleeping.
package webtest
