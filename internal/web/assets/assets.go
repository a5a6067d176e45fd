package assets

import (
	"embed"
	"io/fs"
)

// Placeholder is the page served at / when the bundle was not built.
const Placeholder = "placeholder.html"

//go:embed dist
var dist embed.FS

// FS returns the files of the status page, rooted at dist/.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // cannot happen: "dist" is a valid path
		panic(err)
	}
	return sub
}

// Built reports whether the bundle was built (dist/index.html exists).
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

// Index returns the name of the page to serve at /: index.html when the
// bundle was built, else Placeholder.
func Index() string {
	if Built() {
		return "index.html"
	}
	return Placeholder
}
