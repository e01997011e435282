package investigate

var messagesEN = messages{
	newSeen: map[int]string{
		dimIP:        "first seen; baseline %d days, %d calls from %s",
		dimUserAgent: "first seen; baseline %d days, %d calls with %s",
		dimRegion:    "first seen; baseline %d days, %d calls in %s",
		dimAPI:       "first seen; baseline %d days, %d calls, mostly %s",
	},
	newNoBaseline: "first seen; none of the principal's calls since %s had it",
	sensitive:     "%s is on the sensitive list",
	failedBurst:   "%d denied calls between %s and %s (threshold: %d within %s)",
	volumeSpike:   "%d calls this hour; the busiest hour of the baseline had %d (threshold: more than %d and %g times that)",
	root:          "made with the account's root user",
	noMFALogin:    "console sign-in without MFA",
	noMFARoot:     "root session without MFA",
	and:           ", ",
}
