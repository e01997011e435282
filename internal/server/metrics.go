package server

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/vigilhq/vigil/internal/config"
)

// MetricsAuth says who may read GET /metrics; the zero value takes the
// API's own credentials, since the metrics name every rule and target.
type MetricsAuth struct {
	// Mode is config.MetricsAuthAPIKeys (or empty), MetricsAuthKey or
	// MetricsAuthNone.
	Mode string
	// Key is the one key accepted in Key mode.
	Key string
}

// metrics guards the /metrics handler as s.Metrics says.
func (s *Server) metrics(next http.Handler) http.Handler {
	switch s.Metrics.Mode {
	case config.MetricsAuthNone:
		return next
	case config.MetricsAuthKey:
		header := s.Auth.Header
		if header == "" {
			header = "x-api-key"
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get(header)
			if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && key == "" {
				key = strings.TrimSpace(v)
			}
			if s.Metrics.Key == "" || subtle.ConstantTimeCompare([]byte(key), []byte(s.Metrics.Key)) != 1 {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or invalid credentials: send server.metrics.key in " + header + " or Authorization: Bearer"})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	return s.authenticated(next)
}
