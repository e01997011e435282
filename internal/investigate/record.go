package investigate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Record is one CloudTrail record as investigation keeps it.
type Record struct {
	EventID string
	// Time is eventTime in Unix microseconds.
	Time      int64
	Source    string // eventSource
	Name      string // eventName
	Region    string
	IP        string // sourceIPAddress
	UserAgent string
	ErrorCode string
	Account   string // the account the call was made in
	// Principal is who made the call (a session for assumed roles);
	// Base is whose baseline it counts in: the IAM user, the role (all
	// its sessions), root, or the principal itself.
	Principal Entity
	Base      Entity
	AccessKey string
	Resources []Entity
	Flags     Flags
	// Links are the relations the record establishes besides who called
	// from where (see links.go).
	Links []Link
}

// Flags are facts about a call that labels are made of.
type Flags uint8

// The flags.
const (
	FlagDenied Flags = 1 << iota // access denied, or a failed console sign-in
	FlagRoot                     // made by the account's root user
	FlagNoMFA                    // a console sign-in, or a root session, without MFA
)

// ctRecord is the CloudTrail record format, the fields investigation
// reads.
type ctRecord struct {
	EventVersion string        `json:"eventVersion"`
	UserIdentity ctIdentity    `json:"userIdentity"`
	EventTime    string        `json:"eventTime"`
	EventSource  string        `json:"eventSource"`
	EventName    string        `json:"eventName"`
	AwsRegion    string        `json:"awsRegion"`
	SourceIP     string        `json:"sourceIPAddress"`
	UserAgent    string        `json:"userAgent"`
	ErrorCode    string        `json:"errorCode"`
	EventID      string        `json:"eventID"`
	EventType    string        `json:"eventType"`
	Recipient    string        `json:"recipientAccountId"`
	Request      *ctRequest    `json:"requestParameters"`
	Response     *ctResponse   `json:"responseElements"`
	Additional   *ctAdditional `json:"additionalEventData"`
	Resources    []struct {
		ARN       string `json:"ARN"`
		AccountID string `json:"accountId"`
		Type      string `json:"type"`
	} `json:"resources"`
}

type ctIdentity struct {
	Type             string `json:"type"`
	PrincipalID      string `json:"principalId"`
	Arn              string `json:"arn"`
	AccountID        string `json:"accountId"`
	AccessKeyID      string `json:"accessKeyId"`
	UserName         string `json:"userName"`
	InvokedBy        string `json:"invokedBy"`
	IdentityProvider string `json:"identityProvider"`
	SessionContext   *struct {
		Attributes struct {
			MFAAuthenticated string `json:"mfaAuthenticated"`
		} `json:"attributes"`
		SessionIssuer struct {
			Type string `json:"type"`
			Arn  string `json:"arn"`
		} `json:"sessionIssuer"`
	} `json:"sessionContext"`
	OnBehalfOf *struct {
		UserID           string `json:"userId"`
		IdentityStoreArn string `json:"identityStoreArn"`
	} `json:"onBehalfOf"`
}

// ctRequest is the requestParameters fields that name resources.
type ctRequest struct {
	BucketName   string `json:"bucketName"`
	UserName     string `json:"userName"`
	RoleName     string `json:"roleName"`
	RoleArn      string `json:"roleArn"`
	GroupName    string `json:"groupName"`
	PolicyArn    string `json:"policyArn"`
	PolicyName   string `json:"policyName"`
	SecretID     string `json:"secretId"`
	InstanceID   string `json:"instanceId"`
	SnapshotID   string `json:"snapshotId"`
	ImageID      string `json:"imageId"`
	FunctionName string `json:"functionName"`
	Name         string `json:"name"`
	InstancesSet *struct {
		Items []struct {
			InstanceID string `json:"instanceId"`
		} `json:"items"`
	} `json:"instancesSet"`
}

// ctResponse is the responseElements fields that name what a call
// created or handed out.
type ctResponse struct {
	ConsoleLogin string `json:"ConsoleLogin"`
	User         arnRef `json:"user"`
	Role         arnRef `json:"role"`
	AccessKey    *struct {
		AccessKeyID string `json:"accessKeyId"`
		UserName    string `json:"userName"`
	} `json:"accessKey"`
	Credentials *struct {
		AccessKeyID string `json:"accessKeyId"`
	} `json:"credentials"`
	AssumedRoleUser *struct {
		Arn string `json:"arn"`
	} `json:"assumedRoleUser"`
	FederatedUser *struct {
		Arn string `json:"arn"`
	} `json:"federatedUser"`
	InstancesSet *struct {
		Items []struct {
			InstanceID string `json:"instanceId"`
		} `json:"items"`
	} `json:"instancesSet"`
	SnapshotID string `json:"snapshotId"`
	ImageID    string `json:"imageId"`
	Policy     arnRef `json:"policy"`
}

// arnRef is an ARN that some APIs return as a string and others as an
// object with an "arn" field (IAM's CreateRole returns {"role": {"arn":
// …}}, Lambda's CreateFunction {"role": "arn:…"}).
type arnRef string

func (a *arnRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = arnRef(s)
	case '{':
		var o struct {
			Arn string `json:"arn"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*a = arnRef(o.Arn)
	}
	return nil
}

type ctAdditional struct {
	MFAUsed string `json:"MFAUsed"`
}

// errNoEventID rejects a record without eventID: it could not be stored
// once.
var errNoEventID = errors.New("record has no eventID")

// ParseRecord reads one CloudTrail record (a JSON object, as in a log
// file's Records or the detail of an "AWS API Call via CloudTrail" event).
func ParseRecord(raw []byte) (*Record, error) {
	var c ctRecord
	if err := json.Unmarshal(raw, &c); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, err
		}
	}
	return c.record()
}

func (c *ctRecord) record() (*Record, error) {
	if c.EventID == "" {
		return nil, errNoEventID
	}
	t, err := time.Parse(time.RFC3339, string(c.EventTime))
	if err != nil {
		return nil, fmt.Errorf("record %s: eventTime %q is not RFC 3339", c.EventID, c.EventTime)
	}
	r := &Record{
		EventID:   string(c.EventID),
		Time:      t.UnixMicro(),
		Source:    string(c.EventSource),
		Name:      string(c.EventName),
		Region:    string(c.AwsRegion),
		IP:        string(c.SourceIP),
		UserAgent: string(c.UserAgent),
		ErrorCode: string(c.ErrorCode),
		Account:   string(c.Recipient),
	}
	if r.Account == "" {
		r.Account = string(c.UserIdentity.AccountID)
	}
	c.identify(r)
	c.flag(r)
	c.resources(r)
	c.links(r)
	return r, nil
}
