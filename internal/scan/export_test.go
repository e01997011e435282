package scan

import "fmt"

// CheckCatalogs reports a message key one language has and another lacks.
func CheckCatalogs() error {
	for lang, c := range catalogs {
		for k := range messagesEN {
			if _, ok := c[k]; !ok {
				return fmt.Errorf("%s catalog lacks %q", lang, k)
			}
		}
		for k := range c {
			if _, ok := messagesEN[k]; !ok {
				return fmt.Errorf("%s catalog has %q, which English lacks", lang, k)
			}
		}
	}
	return nil
}
