package llm

import (
	"strconv"
	"strings"
)

// en is the English catalog of the LLM engines' notes.
type en struct{}

func (en) markIdentifier() string { return "[unverified ID removed]" }

func (en) markURL() string { return "[unverified link removed]" }

func (en) docsUnavailable(url string, rateLimited bool) string {
	if rateLimited {
		return "The AWS documentation lookup (" + url + ") was rate limited, so this explanation uses vigil's built-in knowledge instead of current AWS documentation."
	}
	return "The AWS documentation lookup (" + url + ") was unavailable, so this explanation uses vigil's built-in knowledge instead of current AWS documentation."
}

func (en) groundingRemoved(ids, urls, commands int) string {
	var parts []string
	if ids > 0 {
		parts = append(parts, plural(ids, "identifier that is not in the event", "identifiers that are not in the event"))
	}
	if urls > 0 {
		parts = append(parts, plural(urls, "link that came from neither AWS documentation results nor vigil's catalogs", "links that came from neither AWS documentation results nor vigil's catalogs"))
	}
	if commands > 0 {
		parts = append(parts, plural(commands, "command that was not a plain AWS CLI call built from the event", "commands that were not plain AWS CLI calls built from the event"))
	}
	return "The grounding check removed from the model's answer " + strings.Join(parts, "; ") + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (en) refusedTools(names string) string {
	return "The model asked for tools it was not offered (" + names + "). They were not run: the model only has read-only documentation tools."
}

func (en) modelFallback(model, reason string) string {
	return "This is vigil's built-in explanation: the answer of " + model + " could not be used (" + reason + ")."
}

func (en) reasonMalformed() string { return "it was not in the required format" }

func (en) reasonNoAnswer() string { return "it gave no final answer within the turn limit" }

func (en) reasonError() string { return "the model could not be reached" }

func (en) writtenBy(model string, docs, full bool, approvals int) string {
	from := "the event and vigil's catalogs"
	if docs {
		from = "the event, vigil's catalogs and AWS documentation search results"
	}
	s := "The prose was written by " + model + " from " + from + ". vigil checked that every AWS identifier in it appears in the event"
	if full {
		s += ", that every link is AWS documentation from those sources, and that every command is a single AWS CLI call that neither deletes, disables, shares nor grants access"
	}
	s += "; it did not check the prose itself."
	if approvals > 0 {
		s += " Commands that change the account are marked: vigil runs none of them."
	}
	return s
}

func (en) destructiveRemoved(n int) string {
	return "vigil removed " + plural(n, "step or paragraph", "steps or paragraphs") + " of the model's answer that proposed a command which deletes, disables, shares or grants access."
}

func (en) quotedRemoved(n int) string {
	return "vigil removed " + plural(n, "step", "steps") + " of the model's answer that repeated text from the event: event text is shown only as a quotation."
}

func (en) reasonLanguage() string { return "it was not written in English" }
