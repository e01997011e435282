package sandbox

import (
	"encoding/xml"
)

const s3ControlNS = "http://awss3control.amazonaws.com/doc/2018-08-20/"

// s3ControlService is S3 Control: the account-level S3 settings. It signs
// as s3 and is told from S3 by its /v20180820/ paths. AWS's clients put
// the account id in front of the endpoint host (111122223333.127.0.0.1:4566
// for a local endpoint), a name that does not resolve; the sandbox also
// answers as an HTTP proxy for such names (see ServeHTTP), and reads the
// account from that label or the x-amz-account-id header.
func s3ControlService() *service {
	return &service{name: "s3control", signingName: "s3", title: "AWS S3 Control", protocol: protoRESTXML,
		paths: []string{"/v20180820/"}, xmlNS: s3ControlNS, wrappedXMLErrors: true,
		throttle: throttleError{503, "SlowDown", "", "Please reduce your request rate."},
		route: restRouter([]restOp{
			{"GET", "/v20180820/configuration/publicAccessBlock", "GetPublicAccessBlock"},
			{"PUT", "/v20180820/configuration/publicAccessBlock", "PutPublicAccessBlock"},
			{"DELETE", "/v20180820/configuration/publicAccessBlock", "DeletePublicAccessBlock"},
		}),
		ops: map[string]handler{
			"GetPublicAccessBlock":    s3cGetPublicAccessBlock,
			"PutPublicAccessBlock":    s3cPutPublicAccessBlock,
			"DeletePublicAccessBlock": s3cDeletePublicAccessBlock,
		}}
}

// controlAccount locks the sandbox and returns the account the request
// names, which must be the caller's.
func (rq *request) controlAccount() (*Account, error) {
	id := rq.r.Header.Get("X-Amz-Account-Id")
	if id == "" {
		id = rq.sb.hostLabel(rq.r.Host, "s3-control")
	}
	if id == "" {
		return nil, apiErr(400, "InvalidRequest", "Missing required header for this request: x-amz-account-id")
	}
	if id != rq.account {
		return nil, apiErr(403, "AccessDenied", "Access Denied")
	}
	rq.sb.mu.Lock()
	return rq.sb.st.account(id), nil
}

func s3cGetPublicAccessBlock(rq *request) error {
	a, err := rq.controlAccount()
	if err != nil {
		return err
	}
	defer rq.unlock()
	p := a.PublicAccessBlock
	if p == nil {
		return apiErr(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	rq.writeXML(200, "PublicAccessBlockConfiguration", s3ControlNS, func(x *xmlw) { writePAB(x, p) })
	return nil
}

func s3cPutPublicAccessBlock(rq *request) error {
	var in pabXML
	if err := xml.Unmarshal(rq.body, &in); err != nil {
		return apiErr(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	a, err := rq.controlAccount()
	if err != nil {
		return err
	}
	defer rq.unlock()
	a.PublicAccessBlock = in.config()
	rq.send(200, "", nil)
	return nil
}

func s3cDeletePublicAccessBlock(rq *request) error {
	a, err := rq.controlAccount()
	if err != nil {
		return err
	}
	defer rq.unlock()
	a.PublicAccessBlock = nil
	rq.send(204, "", nil)
	return nil
}
