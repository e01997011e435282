package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/secrets"
)

func TestNotify(t *testing.T) {
	var got *http.Request
	var body []byte
	status := 200
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
		w.Write([]byte("nope"))
	}))
	defer srv.Close()
	t.Setenv("VIGIL_TEST_AUTH", "Bearer t")
	n := &Notifier{URL: srv.URL, Headers: map[string]secrets.Ref{"Authorization": "env:VIGIL_TEST_AUTH"}}
	retry, err := n.Notify(context.Background(), Message{ID: "d1", Attempt: 2, Body: []byte(`{"a":1}`)})
	if err != nil || retry {
		t.Fatalf("2xx: retry %v err %v", retry, err)
	}
	if got.Header.Get("X-Vigil-Delivery") != "d1" || got.Header.Get("X-Vigil-Attempt") != "2" ||
		got.Header.Get("Content-Type") != "application/json" || got.Header.Get("Authorization") != "Bearer t" || string(body) != `{"a":1}` {
		t.Errorf("request: %v %s", got.Header, body)
	}
	for code, wantRetry := range map[int]bool{400: false, 404: false, 408: true, 429: true, 500: true, 503: true} {
		status = code
		retry, err := n.Notify(context.Background(), Message{Body: []byte(`{}`)})
		if err == nil || retry != wantRetry {
			t.Errorf("%d: retry %v, want %v (err %v)", code, retry, wantRetry, err)
		}
	}
	// A network error or timeout can be retried.
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	if retry, err := n.Notify(ctx, Message{Body: []byte(`{}`)}); err == nil || !retry {
		t.Errorf("timeout: retry %v err %v", retry, err)
	}
}
