package pipeline_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// TestReplicasStartTogether: three vigil serve replicas started at the same
// moment on one fresh PostgreSQL database all migrate (taking turns on the
// migration lock) and serve.
func TestReplicasStartTogether(t *testing.T) {
	url := storetest.PostgresURL(t)
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	const replicas = 3
	bases := make([]string, replicas)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range replicas {
		cfg := pipelinetest.Config(t, fmt.Sprintf(`
database: %s
server: {listen: 127.0.0.1:0, api_keys: [env:VIGIL_TEST_KEY]}
rules:
  - name: r
    event_pattern: {"source": ["vigil.test"]}
    targets: [{type: webhook, url: "http://127.0.0.1:9/unused"}]
`, url))
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			bases[i] = pipelinetest.ServeConfig(t, cfg, pipeline.Deps{ID: fmt.Sprintf("replica-%d", i)})
		}()
	}
	close(start)
	wg.Wait()
	for i, base := range bases {
		if base == "" {
			t.Fatalf("replica %d did not start", i)
		}
		ev := fmt.Sprintf(`{"id":"ev-%d","source":"vigil.test","detail-type":"t","detail":{}}`, i)
		if code, b := pipelinetest.Do(t, "POST", base+"/events", []byte(ev)); code != http.StatusOK {
			t.Errorf("replica %d: POST /events: %d %s", i, code, b)
		}
	}
}
