package sandbox

import "encoding/xml"

// Bucket settings that remediation changes and must be able to read back:
// default encryption and versioning.

type encryptionXML struct {
	XMLName xml.Name `xml:"ServerSideEncryptionConfiguration"`
	Rules   []struct {
		Default struct {
			SSEAlgorithm   string
			KMSMasterKeyID string
		} `xml:"ApplyServerSideEncryptionByDefault"`
		BucketKeyEnabled bool
	} `xml:"Rule"`
}

func s3GetBucketEncryption(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	// Since January 2023 every bucket encrypts with SSE-S3 unless told
	// otherwise, and GetBucketEncryption says so.
	e := b.Encryption
	if e == nil {
		e = &BucketEncryption{SSEAlgorithm: "AES256"}
	}
	rq.writeS3(200, "ServerSideEncryptionConfiguration", func(x *xmlw) {
		x.open("Rule")
		x.open("ApplyServerSideEncryptionByDefault")
		x.leaf("SSEAlgorithm", e.SSEAlgorithm)
		x.opt("KMSMasterKeyID", e.KMSMasterKeyID)
		x.close("ApplyServerSideEncryptionByDefault")
		x.bool("BucketKeyEnabled", e.BucketKeyEnabled)
		x.close("Rule")
	})
	return nil
}

func s3PutBucketEncryption(rq *request) error {
	var in encryptionXML
	if err := xml.Unmarshal(rq.body, &in); err != nil || len(in.Rules) != 1 {
		return apiErr(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	d := in.Rules[0].Default
	switch d.SSEAlgorithm {
	case "AES256", "aws:kms", "aws:kms:dsse":
	default:
		return apiErr(400, "InvalidArgument", "The encryption method specified is not supported")
	}
	if d.KMSMasterKeyID != "" && d.SSEAlgorithm == "AES256" {
		return apiErr(400, "InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	b.Encryption = &BucketEncryption{SSEAlgorithm: d.SSEAlgorithm, KMSMasterKeyID: d.KMSMasterKeyID, BucketKeyEnabled: in.Rules[0].BucketKeyEnabled}
	rq.send(200, "", nil)
	return nil
}

func s3DeleteBucketEncryption(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	b.Encryption = nil
	rq.send(204, "", nil)
	return nil
}

func s3GetBucketVersioning(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	rq.writeS3(200, "VersioningConfiguration", func(x *xmlw) { x.opt("Status", b.Versioning) })
	return nil
}

func s3PutBucketVersioning(rq *request) error {
	var in struct {
		XMLName xml.Name `xml:"VersioningConfiguration"`
		Status  string
	}
	if err := xml.Unmarshal(rq.body, &in); err != nil {
		return apiErr(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if in.Status != "Enabled" && in.Status != "Suspended" {
		return apiErr(400, "IllegalVersioningConfigurationException", "The Versioning element must be specified")
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	b.Versioning = in.Status
	rq.send(200, "", nil)
	return nil
}
