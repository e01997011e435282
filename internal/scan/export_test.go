package scan

import "fmt"

// CheckCatalogs reports a message key one language has and another lacks.
func CheckCatalogs() error {
	for lng, c := range catalogs {
		for k := range messagesEN {
			if _, ok := c[k]; !ok {
				return fmt.Errorf("%s catalog lacks %q", lng, k)
			}
		}
		for k := range c {
			if _, ok := messagesEN[k]; !ok {
				return fmt.Errorf("%s catalog has %q, which English lacks", lng, k)
			}
		}
	}
	return nil
}
