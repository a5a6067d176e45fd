package ejabberd

import (
	"fmt"
	"os"

	"github.com/mpimis/mpimis/internal/loopback"
)

// writeCert writes a self-signed certificate and its key into one PEM file,
// as ejabberd's certfiles expects.
func writeCert(path string, names []string) error {
	c, k, err := loopback.SelfSigned(names...)
	if err != nil {
		return fmt.Errorf("ejabberd: %w", err)
	}
	return os.WriteFile(path, append(c, k...), 0o640)
}
