package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/vigilhq/vigil/internal/ask"
	"github.com/vigilhq/vigil/internal/lang"
)

// askRoutes serves POST /ask (API-key authentication like the rest of the
// API) and, with ask.slack configured, POST /slack/ask: a slash command or
// an app mention, authenticated by Slack's request signature.
func (s *Server) askRoutes(mux *http.ServeMux) {
	if s.Asker == nil {
		return
	}
	mux.Handle("POST /ask", s.authenticated(http.HandlerFunc(s.ask)))
	if s.AskSlack != nil {
		mux.HandleFunc("POST /slack/ask", s.slackAsk)
	}
}

// maxAskBody bounds a question's request.
const maxAskBody = 64 << 10

// askRequest is the body of POST /ask; a text/plain body is the question
// alone.
type askRequest struct {
	Question string   `json:"question"`
	Lang     string   `json:"lang"`
	Limit    int      `json:"limit"`
	Regions  []string `json:"regions"`
	// By names who asks: the requester of any approval the question
	// creates ("api" when empty).
	By string `json:"by"`
}

// ask answers POST /ask with the answer's JSON ({"answer", "total",
// "findings", "tool_calls", "citations"}), or with ?format=text or
// markdown, the rendered answer.
func (s *Server) ask(w http.ResponseWriter, r *http.Request) {
	body, tooLarge, err := readBody(r, maxAskBody)
	switch {
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "reading the request body: " + err.Error()})
		return
	case tooLarge:
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body is larger than %d bytes", maxAskBody)})
		return
	}
	var in askRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		in.Question = string(body)
	} else if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `body: want {"question": "..."} (or a text/plain question): ` + err.Error()})
		return
	}
	format, err := ask.ParseFormat(firstOf(r.URL.Query().Get("format"), "json"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "format: " + err.Error()})
		return
	}
	var lng lang.Lang
	if in.Lang != "" {
		if lng, err = lang.Parse(in.Lang); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "lang: " + err.Error()})
			return
		}
	}
	by := in.By
	if by == "" {
		by = "api"
	}
	ans, err := s.Asker.Ask(r.Context(), ask.Request{Question: in.Question, Lang: lng, Limit: in.Limit, Regions: in.Regions, By: by})
	var re *ask.RequestError
	switch {
	case errors.As(err, &re):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	case err != nil:
		s.Logger.Error("answering a question failed", "error", err.Error())
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "the question could not be answered: " + err.Error()})
		return
	}
	if format == ask.JSON {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	ask.Render(w, ans, format, ans.Lang)
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
