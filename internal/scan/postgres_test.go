package scan_test

import (
	"testing"

	"github.com/vigilhq/vigil/internal/store/storetest"
)

func postgresDatabase(t *testing.T, base string) string { return storetest.TestDatabase(t, base) }
