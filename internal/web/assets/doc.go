// Package assets owns the embedded files of the status page: dist/ holds
// the bundle that scripts/build-web.sh builds from web/status (index.html,
// app.js, app.css; not committed) next to the committed placeholder.html,
// which is served instead when the bundle was not built.
package assets
