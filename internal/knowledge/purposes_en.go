package knowledge

// purposesEN says what each GuardDuty threat purpose means, after the
// GuardDuty User Guide's "GuardDuty finding format" (threat purposes);
// Execution and AttackSequence, which that list predates, after the MITRE
// ATT&CK tactic and the guide's attack sequence page.
var purposesEN = map[string]string{
	"backdoor":            "Backdoor: the resource appears to be compromised and changed so that it contacts a command and control server for further instructions.",
	"behavior":            "Behavior: GuardDuty saw activity that differs from the established baseline of the resources involved.",
	"credentialaccess":    "Credential access: activity an adversary may use to steal credentials, such as account ids or passwords, from your environment.",
	"cryptocurrency":      "Cryptocurrency: the resource appears to run software associated with cryptocurrencies, such as Bitcoin mining.",
	"defenseevasion":      "Defense evasion: activity an adversary may use to avoid detection while working in your environment.",
	"discovery":           "Discovery: activity an adversary may use to learn about your systems and networks.",
	"execution":           "Execution: code an adversary may control is running on the resource.",
	"exfiltration":        "Exfiltration: activity an adversary may use to steal data from your environment.",
	"impact":              "Impact: activity that suggests an attempt to manipulate, interrupt or destroy your systems and data.",
	"initialaccess":       "Initial access: activity an adversary may use to get a first foothold in your environment.",
	"pentest":             "Pen test: activity from tools used for penetration testing. Authorized testers use them, and so do attackers; GuardDuty cannot tell which.",
	"persistence":         "Persistence: activity an adversary may use to keep access even if the way they got in is closed, such as creating a new IAM user.",
	"policy":              "Policy: the account is doing something that goes against recommended security practice.",
	"privilegeescalation": "Privilege escalation: a principal is doing what an adversary may do to get higher permissions.",
	"recon":               "Reconnaissance: activity an adversary may use to find out how to broaden their access, such as probing ports or listing users.",
	"stealth":             "Stealth: an adversary appears to be hiding their actions, for example behind an anonymizing proxy.",
	"trojan":              "Trojan: a program appears to be carrying out malicious activity quietly, often looking legitimate.",
	"unauthorizedaccess":  "Unauthorized access: suspicious activity, or an activity pattern, by someone who should not have access.",
	"attacksequence":      "Attack sequence: GuardDuty saw a series of signals (API activity and findings) that together indicate an attack in progress or a recent one.",
}
