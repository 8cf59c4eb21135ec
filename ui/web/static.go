package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFiles embed.FS

// hashAssets names each static file by its content: /static/app.3f9a1c2e.css.
// The name changes whenever the file does, so it can be cached for a year.
func hashAssets() (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ext := path.Ext(name)
		out[name] = "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		return nil
	})
	return out, err
}

// serveStatic answers a content-hashed asset URL; an outdated hash is not found.
func (s *Server) serveStatic(c echo.Context) error {
	want := "/static/" + c.Param("*")
	for name, url := range s.pages.assets {
		if url == want {
			b, err := staticFiles.ReadFile("static/" + name)
			if err != nil {
				return err
			}
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			ctype := "text/css; charset=utf-8"
			if path.Ext(name) == ".js" {
				ctype = "text/javascript; charset=utf-8"
			}
			return c.Blob(http.StatusOK, ctype, b)
		}
	}
	return echo.ErrNotFound
}
