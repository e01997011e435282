package awsx

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Retryable says whether an AWS API error can go away if the call is made
// again later: throttling, server faults and transport failures can; a
// missing resource, a denied call or invalid parameters cannot. It is the
// one rule every part of vigil uses to decide between a retry and a dead
// letter (the SDK has already retried a few times within the call).
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return true // shutting down: the work is not done
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
			return true
		}
		if _, ok := retry.DefaultRetryableErrorCodes[code]; ok {
			return true
		}
		// Service-specific throttling codes (KMSThrottlingException,
		// ThrottledException, ...) are not all in the SDK's list.
		if strings.Contains(code, "Throttl") || code == "ServiceUnavailable" || code == "InternalError" || code == "InternalFailure" {
			return true
		}
		switch ae.ErrorFault() {
		case smithy.FaultClient:
			return false
		case smithy.FaultServer:
			return true
		}
		// Protocols such as EC2's do not say whose fault it is: the
		// status code does.
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		s := re.HTTPStatusCode()
		return s >= 500 || s == 429
	}
	// No answer from the service (network, timeout, credentials endpoint).
	return true
}
