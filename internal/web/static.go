package web

import (
	"io/fs"
	"net/http"
	"path"

	"github.com/mpimis/mpimis/internal/web/assets"
)

// handleStatic serves the status page: / is the built index.html, or the
// placeholder saying how to build it; other paths are files of the
// bundle. Nothing is listed; unknown paths are 404.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	fsys := assets.FS()
	name := path.Clean("/" + r.URL.Path)[1:]
	switch name {
	case "":
		name = assets.Index()
	case assets.Placeholder:
		name = "" // only ever served as /
	}
	st, err := fs.Stat(fsys, name)
	if name == "" || err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, fsys, name)
}
