package ask

import "testing"

func TestCatalogsHaveEveryKey(t *testing.T) {
	t.Parallel()
	for k := range messagesEN {
		if messagesJA[k] == "" {
			t.Errorf("messages_ja.go lacks %q", k)
		}
	}
	for k := range messagesJA {
		if messagesEN[k] == "" {
			t.Errorf("messages_en.go lacks %q", k)
		}
	}
}
