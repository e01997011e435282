package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"

	"github.com/vigilhq/vigil/internal/remediate"
)

// slackRoutes serves POST /slack/interactions, the Request URL of a Slack
// app's interactivity: the Approve and Reject buttons of approval
// requests. Requests are authenticated by Slack's signature (the signing
// secret, remediation.slack_signing_secret), not by an API key, and the
// clicking user must be one of remediation.approvers.
func (s *Server) slackRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/interactions", s.slackInteraction)
}

// maxSlackBody bounds an interaction payload.
const maxSlackBody = 1 << 20

func (s *Server) slackInteraction(w http.ResponseWriter, r *http.Request) {
	if s.SlackSigningSecret == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Slack interactions are off: set remediation.slack_signing_secret"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSlackBody))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	sv, err := slack.NewSecretsVerifier(r.Header, s.SlackSigningSecret)
	if err == nil {
		sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		s.Logger.Warn("Slack interaction refused: bad signature", "error", err.Error())
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid Slack signature"})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "payload: " + err.Error()})
		return
	}
	var action, id string
	for _, a := range cb.ActionCallback.BlockActions {
		if a.ActionID == remediate.ActionApprove || a.ActionID == remediate.ActionReject {
			action, id = a.ActionID, a.Value
		}
	}
	if action == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	reply := func(text string) {
		writeJSON(w, http.StatusOK, map[string]any{"response_type": "ephemeral", "replace_original": false, "text": text})
	}
	by, err := s.Remediation.SlackApprover(cb.User.ID)
	if err != nil {
		s.Logger.Warn("Slack approval refused", "approval", id, "slack_user", cb.User.ID, "error", err.Error())
		reply(err.Error())
		return
	}
	var a *remediate.Approval
	if action == remediate.ActionApprove {
		a, err = s.Remediation.Approve(r.Context(), id, by, "slack")
	} else {
		a, err = s.Remediation.Reject(r.Context(), id, by, "slack", "rejected in Slack")
	}
	if err != nil {
		s.Logger.Warn("Slack approval refused", "approval", id, "by", by, "error", err.Error())
		reply(err.Error())
		return
	}
	s.Logger.Info("approval decided", "approval", id, "status", a.Status, "by", by, "via", "slack")
	reply(fmt.Sprintf("%s %s by %s.", id, a.Status, by))
}
