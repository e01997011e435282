package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
)

func init() {
	register(&command{
		name:    "explain",
		summary: "explain an event: the facts, what it means and what to do (en/ja)",
		run:     runExplain,
	})
}

const explainHelp = `
Explain one EventBridge event (Security Hub, GuardDuty, AWS Config, CloudWatch
alarm, AWS Health, IAM Access Analyzer, CloudTrail API call, EC2 state change,
or any other source): an overview of the facts, what the problem is and why it
matters, the recommended response, concrete steps and the official
documentation. Read the event from FILE, or from standard input with -.

The builtin engine works offline and never invents a resource, a number or a
link: what its catalogs do not cover it reports as facts plus general guidance.

The bedrock and openai engines have a language model write the prose. For
Security Hub and AWS Health events (--docs auto) the model may search and read
the AWS documentation through the AWS Knowledge MCP server; other sources are
summarised only. Every identifier and link the model writes is checked against
the event, the documentation results and vigil's catalogs; what fails is
removed and the output says so. The model only ever gets read-only
documentation tools.

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

func runExplain(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "explain", "FILE|-", explainHelp)
	langFlag := fs.String("lang", envOr("en", "VIGIL_LANG"), "output language: en or ja")
	engineFlag := fs.String("engine", envOr("builtin", "VIGIL_ENGINE"), "explanation engine: builtin, bedrock or openai")
	formatFlag := fs.String("format", "markdown", "output format: markdown, text, slack or json")
	modelFlag := fs.String("model", os.Getenv("VIGIL_MODEL"), "model id (bedrock, default jp.amazon.nova-2-lite-v1:0) or model name (openai, required)")
	regionFlag := fs.String("region", "", "Bedrock region (default: AWS_REGION or the AWS profile's region)")
	baseURLFlag := fs.String("base-url", os.Getenv("VIGIL_BASE_URL"), "OpenAI-compatible API base URL (default OPENAI_BASE_URL, else https://api.openai.com/v1), or a Bedrock endpoint override")
	keyEnvFlag := fs.String("api-key-env", "OPENAI_API_KEY", "name of the environment variable holding the OpenAI-compatible API key")
	mcpFlag := fs.String("mcp-url", envOr("https://knowledge-mcp.global.api.aws", "VIGIL_MCP_URL"), "AWS documentation MCP server (Streamable HTTP), or off")
	docsFlag := fs.String("docs", "auto", "consult the AWS documentation: auto (Security Hub and Health only), on or off")
	cacheFlag := fs.String("cache-dir", defaultCacheDir(), "directory caching documentation lookups across runs, or off")
	timeoutFlag := fs.Duration("timeout", 2*time.Minute, "time limit for one explanation with an LLM engine, tool calls included")
	maxTokensFlag := fs.Int("max-tokens", 2048, "maximum tokens of each model answer")
	fallbackFlag := fs.Bool("fallback", false, "when the model fails, print the built-in explanation with a note instead of failing")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(io.err, "vigil explain: give one FILE, or - to read standard input")
		return exitUsage
	}
	lang, err := explain.ParseLang(*langFlag)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --lang: %v\n", err)
		return exitUsage
	}
	format, err := explain.ParseFormat(*formatFlag)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --format: %v\n", err)
		return exitUsage
	}
	docs, err := explain.ParseDocsPolicy(*docsFlag)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --docs: %v\n", err)
		return exitUsage
	}
	if *timeoutFlag <= 0 || *maxTokensFlag <= 0 {
		fmt.Fprintln(io.err, "vigil explain: --timeout and --max-tokens must be positive")
		return exitUsage
	}
	cfg := explain.Config{
		Engine: *engineFlag, Model: *modelFlag, Region: *regionFlag, Endpoint: *baseURLFlag,
		MaxTokens: *maxTokensFlag, Timeout: *timeoutFlag, Fallback: *fallbackFlag,
		DocsURL: *mcpFlag, CacheDir: *cacheFlag,
	}
	isOpenAI := strings.EqualFold(strings.TrimSpace(*engineFlag), "openai")
	if isOpenAI {
		if cfg.Endpoint == "" {
			cfg.Endpoint = os.Getenv("OPENAI_BASE_URL")
		}
		cfg.APIKey = os.Getenv(*keyEnvFlag)
	}
	if off(cfg.DocsURL) {
		cfg.DocsURL, cfg.NoDocs = "", true
	}
	if off(cfg.CacheDir) {
		cfg.CacheDir = ""
	}
	engine, err := explain.NewEngine(ctx, cfg)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --engine %s: %v\n", *engineFlag, err)
		return exitUsage
	}
	if c, ok := engine.(interface{ Close() error }); ok {
		defer c.Close()
	}

	name := fs.Arg(0)
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
			if !*fallbackFlag {
				fmt.Fprintf(io.err, "vigil explain: --engine %s: %v\n", *engineFlag, err)
				return exitFailure
			}
			fmt.Fprintf(io.err, "vigil explain: --engine %s: %v; using the builtin engine\n", *engineFlag, err)
			engine = explain.Builtin{}
		}
	}

	x, err := engine.Explain(ctx, ev, explain.Options{Lang: lang, Docs: docs})
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: %s: %v\n", name, err)
		return exitFailure
	}
	if err := explain.Render(io.out, x, format); err != nil {
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
