package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/explain/llm"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify/slack"
)

type explainOptions struct {
	lang, engine, format, model, region, baseURL, apiKeyEnv, mcpURL, docs, cacheDir string
	timeout                                                                         time.Duration
	maxTokens                                                                       int
	fallback                                                                        bool
	docsInterval                                                                    time.Duration
	output                                                                          outputFlag
}

func newExplainCmd(a *app) *cobra.Command {
	var o explainOptions
	cmd := leaf("explain FILE|-", "explain an event: the facts, what it means and what to do (en/ja)", explainHelp,
		func(ctx context.Context, args []string) int {
			return runExplain(ctx, a.stdio, a.awsProvider(), o, args)
		})
	fs := cmd.Flags()
	choiceFlag(cmd, &o.lang, "lang", envOr("en", "VIGIL_LANG"), "output language", "en", "ja")
	choiceFlag(cmd, &o.engine, "engine", envOr("builtin", "VIGIL_ENGINE"), "explanation engine", "builtin", "bedrock", "openai")
	formatFlag(cmd, &o.format, "markdown", "markdown", "text", "slack", "json").aliases = map[string]string{"md": "markdown"}
	o.output.add(fs, "the explanation")
	fs.StringVar(&o.model, "model", os.Getenv("VIGIL_MODEL"), "model id (bedrock, default jp.amazon.nova-2-lite-v1:0) or model name (openai, required)")
	fs.StringVar(&o.region, "region", "", "Bedrock region (default: AWS_REGION or the AWS profile's region)")
	fs.StringVar(&o.baseURL, "base-url", os.Getenv("VIGIL_BASE_URL"), "OpenAI-compatible API base URL (default OPENAI_BASE_URL, else https://api.openai.com/v1), or a Bedrock endpoint override")
	fs.StringVar(&o.apiKeyEnv, "api-key-env", "OPENAI_API_KEY", "name of the environment variable holding the OpenAI-compatible API key")
	fs.StringVar(&o.mcpURL, "mcp-url", envOr("https://knowledge-mcp.global.api.aws", "VIGIL_MCP_URL"), "AWS documentation MCP server (Streamable HTTP), or off")
	choiceFlag(cmd, &o.docs, "docs", "auto", "consult the AWS documentation: auto (Security Hub and Health, and GuardDuty and CloudTrail types vigil has no specific knowledge of), on or off", "auto", "on", "off").aliases = map[string]string{
		"true": "on", "yes": "on", "false": "off", "no": "off"}
	fs.DurationVar(&o.docsInterval, "docs-interval", 0, "minimum interval between requests to the documentation server, handshake included (0: 15s for the AWS Knowledge MCP server, none for others)")
	fs.StringVar(&o.cacheDir, "cache-dir", defaultCacheDir(), "directory caching documentation lookups across runs, or off")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "time limit for one explanation with an LLM engine, tool calls included")
	fs.IntVar(&o.maxTokens, "max-tokens", 2048, "maximum tokens of each model answer")
	fs.BoolVar(&o.fallback, "fallback", false, "when the model fails, print the built-in explanation with a note instead of failing")
	return cmd
}

const explainHelp = `
Explain one EventBridge event (Security Hub, GuardDuty, Amazon Inspector, AWS
Config, CloudWatch alarm, AWS Health, IAM Access Analyzer, CloudTrail API call,
console sign-in or Insights event, EC2 state change, or any other source): an overview of the facts, what the problem is and why it
matters, the recommended response, concrete steps and the official
documentation. Read the event from FILE, or from standard input with -.

The builtin engine works offline and never invents a resource, a number or a
link: what its catalogs do not cover it reports as facts plus general guidance.

The bedrock and openai engines have a language model write the prose. For
Security Hub and AWS Health events, and GuardDuty and CloudTrail types vigil
has no specific knowledge of (--docs auto), the model may search and read the
AWS documentation through the AWS Knowledge MCP server, one request every 15 s
(--docs-interval); other sources are summarised only. Every identifier and link
the model writes is checked against the event, the documentation results and
vigil's catalogs; commands that delete, disable, share or grant access are
removed, and commands that change the account are marked for approval; the
output says what was removed. The model only ever gets read-only documentation
tools, and vigil never runs a command.

  bedrock  Amazon Bedrock Converse. AWS credentials and region from the usual
           places (AWS_PROFILE, AWS_ACCESS_KEY_ID..., AWS_REGION, an IAM role).
           Default model: jp.amazon.nova-2-lite-v1:0 (use an ap-northeast-1 region).
  openai   OpenAI-compatible chat completions (OpenAI, Ollama, vLLM). --model is
           required; the API key is read from the variable named by
           --api-key-env (OPENAI_API_KEY) and is never printed.

Environment: VIGIL_LANG, VIGIL_ENGINE, VIGIL_MODEL, VIGIL_BASE_URL (or
OPENAI_BASE_URL for openai), VIGIL_MCP_URL, VIGIL_CACHE_DIR give the defaults
of the flags of the same names.

Example:
  vigil explain --lang ja finding.json
  aws events test-event-pattern ... | vigil explain --format slack -
  AWS_REGION=ap-northeast-1 vigil explain --engine bedrock --lang ja finding.json
  vigil explain --engine openai --base-url http://localhost:11434/v1 --model llama3.1 alarm.json
`

func envOr(def string, keys ...string) string {
	for _, k := range keys {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return def
}

func defaultCacheDir() string {
	if v := os.Getenv("VIGIL_CACHE_DIR"); v != "" {
		return v
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "vigil", "mcp")
	}
	return ""
}

func runExplain(ctx context.Context, io stdio, aws *awsx.Provider, o explainOptions, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil explain: give one FILE, or - to read standard input")
		return exitUsage
	}
	lng, err := lang.Parse(o.lang)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --lang: %v\n", err)
		return exitUsage
	}
	// Slack Block Kit is built by the Slack channel; the other formats by explain.
	slackFormat := strings.EqualFold(strings.TrimSpace(o.format), "slack")
	format, err := explain.ParseFormat(o.format)
	if err != nil && !slackFormat {
		fmt.Fprintf(io.err, "vigil explain: --format %q is not supported: use markdown, text, slack or json\n", o.format)
		return exitUsage
	}
	docs, err := explain.ParseDocsPolicy(o.docs)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --docs: %v\n", err)
		return exitUsage
	}
	if o.timeout <= 0 || o.maxTokens <= 0 {
		fmt.Fprintln(io.err, "vigil explain: --timeout and --max-tokens must be positive")
		return exitUsage
	}
	cfg := llm.Config{
		Engine: o.engine, Model: o.model, Region: o.region, Endpoint: o.baseURL,
		MaxTokens: o.maxTokens, Timeout: o.timeout, Fallback: o.fallback,
		DocsURL: o.mcpURL, CacheDir: o.cacheDir, DocsMinInterval: o.docsInterval,
	}
	isOpenAI := strings.EqualFold(strings.TrimSpace(o.engine), "openai")
	if isOpenAI {
		if cfg.Endpoint == "" {
			cfg.Endpoint = os.Getenv("OPENAI_BASE_URL")
		}
		cfg.APIKey = os.Getenv(o.apiKeyEnv)
	}
	if off(cfg.DocsURL) {
		cfg.DocsURL, cfg.NoDocs = "", true
	}
	if off(cfg.CacheDir) {
		cfg.CacheDir = ""
	}
	// The model API and the documentation server are reached under the
	// default network policy, as vigil serve reaches them.
	hc := netguard.New(netguard.Policy{}).Client(netguard.Dest{}, netguard.ClientOptions{FollowRedirects: true})
	built, err := llm.New(ctx, cfg, llm.Deps{AWS: aws, HTTPClient: hc})
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --engine %s: %v\n", o.engine, err)
		return exitUsage
	}
	defer built.Close()
	var engine explain.Engine = built

	name := args[0]
	var ev *event.Event
	if name == "-" {
		ev, err = event.Read(io.in)
		name = "standard input"
	} else {
		f, openErr := os.Open(name)
		if openErr != nil {
			fmt.Fprintf(io.err, "vigil explain: %v\n", openErr)
			return exitFailure
		}
		ev, err = event.Read(f)
		f.Close()
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: %s: %v\n", name, err)
		return exitUsage
	}

	// An event whose detail does not have its source's shape is bad input,
	// whatever the engine.
	if _, err := explain.Extract(ev); err != nil {
		fmt.Fprintf(io.err, "vigil explain: %s: %v\n", name, err)
		return exitUsage
	}
	if c, ok := engine.(interface{ Check(context.Context) error }); ok {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := c.Check(cctx)
		cancel()
		if err != nil {
			if !o.fallback {
				fmt.Fprintf(io.err, "vigil explain: --engine %s: %v\n", o.engine, err)
				return exitFailure
			}
			fmt.Fprintf(io.err, "vigil explain: --engine %s: %v; using the builtin engine\n", o.engine, err)
			engine = explain.Builtin{}
		}
	}

	x, err := engine.Explain(ctx, ev, explain.Options{Lang: lng, Docs: docs})
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: %s: %v\n", name, err)
		return exitFailure
	}
	w, closeOut, err := o.output.open(io.out)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: %v\n", err)
		return exitFailure
	}
	if slackFormat {
		var b []byte
		if b, err = slack.Payload(x); err == nil {
			_, err = w.Write(b)
		}
	} else {
		err = explain.Render(w, x, format)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: writing output: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func off(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "none", "no", "false":
		return true
	}
	return false
}
