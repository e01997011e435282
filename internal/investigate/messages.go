package investigate

// messages are the reasons given for labels, in one language. Each
// language's catalog is in messages_LANG.go.
type messages struct {
	// newSeen[dim] explains a new-* label against a baseline: days,
	// calls in the baseline, the usual values.
	newSeen map[int]string
	// newNoBaseline explains a new-* label for a principal whose calls
	// all fall on the call's own day: since when.
	newNoBaseline string
	sensitive     string // the list entry
	failedBurst   string // count, first, last, threshold count, window
	volumeSpike   string // calls this hour, busiest baseline hour, threshold, factor
	root          string
	noMFALogin    string
	noMFARoot     string
	// and joins a list of values.
	and string
}

var catalogs = map[string]*messages{"en": &messagesEN, "ja": &messagesJA}

// messages returns the catalog for lang, or the service's.
func (s *Service) messages(lang string) *messages {
	if m, ok := catalogs[lang]; ok {
		return m
	}
	if m, ok := catalogs[s.opts.Lang]; ok {
		return m
	}
	return &messagesEN
}
