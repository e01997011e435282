package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"
)

// The AWS JSON 1.1 endpoint: POST / with X-Amz-Target: AWSEvents.PutEvents
// is what the AWS CLI (aws events put-events --endpoint-url URL), the SDKs
// and anything else speaking EventBridge's API send. Requests are
// authenticated with SigV4 (server.access_keys), or with vigil's own
// credentials, and handed to the same handler as POST /events; its answer
// is reshaped into EventBridge's: per-entry errors in a 200, errors of the
// whole request as {"__type", "message"}.

// putEventsTarget is the X-Amz-Target of EventBridge's PutEvents.
const putEventsTarget = "AWSEvents.PutEvents"

// awsAPI serves POST /.
func (s *Server) awsAPI(w http.ResponseWriter, r *http.Request) {
	if t := r.Header.Get("X-Amz-Target"); t != putEventsTarget {
		msg := "vigil's AWS API answers " + putEventsTarget + " only; post events to /events"
		if t == "" {
			msg = "missing X-Amz-Target header: send " + putEventsTarget + " (AWS JSON 1.1), or post events to /events"
		}
		writeAWSError(w, &awsError{Status: http.StatusBadRequest, Type: "UnknownOperationException", Message: msg})
		return
	}
	if aerr := s.awsAuthenticate(r); aerr != nil {
		s.Logger.Warn("AWS API request refused", "error_type", aerr.Type, "error", aerr.Message, "remote", r.RemoteAddr)
		writeAWSError(w, aerr)
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.events(rec, r)
	var resp struct {
		FailedEntryCount int `json:"FailedEntryCount"`
		Entries          []struct {
			EventID      string `json:"EventId,omitempty"`
			ErrorCode    string `json:"ErrorCode,omitempty"`
			ErrorMessage string `json:"ErrorMessage,omitempty"`
		} `json:"Entries"`
		Error   string `json:"error"`
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(rec.body.Bytes(), &resp); err != nil {
		writeAWSError(w, &awsError{Status: http.StatusInternalServerError, Type: "InternalException", Message: "unreadable answer from /events"})
		return
	}
	// Entries answered one by one are a 200 in EventBridge, even when
	// every one failed; the caller resends the failed ones.
	if len(resp.Entries) > 0 && rec.status != http.StatusServiceUnavailable {
		writeAWSJSON(w, http.StatusOK, struct {
			FailedEntryCount int `json:"FailedEntryCount"`
			Entries          any `json:"Entries"`
		}{resp.FailedEntryCount, resp.Entries})
		return
	}
	e := &awsError{Status: rec.status, Type: resp.Type, Message: resp.Message}
	if e.Message == "" {
		e.Message = resp.Error
	}
	if e.Type == "" {
		switch {
		case rec.status == http.StatusServiceUnavailable:
			// Nothing was stored: a 5xx makes the SDKs retry.
			e.Type = "InternalException"
		default:
			e.Type = "ValidationException"
		}
	}
	writeAWSError(w, e)
}

// awsAuthenticate accepts a request signed with SigV4 by a configured
// access key, or carrying vigil's own credentials (API key, basic auth),
// or any request when server.no_auth is set.
func (s *Server) awsAuthenticate(r *http.Request) *awsError {
	switch {
	case s.Auth.NoAuth:
		return nil
	case isSigV4(r):
		if len(s.Auth.AccessKeys) == 0 {
			return &awsError{Status: http.StatusBadRequest, Type: "UnrecognizedClientException",
				Message: "The security token included in the request is invalid. (vigil has no server.access_keys to check SigV4 signatures with)"}
		}
		return verifySigV4(r, s.Auth.AccessKeys, time.Now())
	case s.authorized(r, s.apiKeyHeader()):
		return nil
	case r.Header.Get("Authorization") != "":
		return &awsError{Status: http.StatusBadRequest, Type: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
	}
	return &awsError{Status: http.StatusBadRequest, Type: "MissingAuthenticationTokenException", Message: "Missing Authentication Token"}
}

func (s *Server) apiKeyHeader() string {
	if s.Auth.Header == "" {
		return "x-api-key"
	}
	return s.Auth.Header
}

func writeAWSError(w http.ResponseWriter, e *awsError) {
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	writeAWSJSON(w, e.Status, struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Type, e.Message})
}

func writeAWSJSON(w http.ResponseWriter, status int, v any) {
	var id [16]byte
	rand.Read(id[:])
	w.Header().Set("X-Amzn-RequestId", hex.EncodeToString(id[:]))
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// recorder keeps what a handler writes, to be reshaped.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
