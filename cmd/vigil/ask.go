package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/ask"
	"github.com/vigilhq/vigil/internal/explain/llm"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/lang"
)

type askOptions struct {
	engine, lang, format, regions, config, model, region, baseURL, apiKeyEnv, mcpURL, cacheDir, by string
	limit, maxTokens                                                                               int
	timeout                                                                                        time.Duration
}

func newAskCmd(a *app) *cobra.Command {
	var o askOptions
	var cmd *cobra.Command
	cmd = leaf(`ask "QUESTION"`, "answer a question about findings, resources and your policies from live data (ja/en)", askHelp,
		func(ctx context.Context, args []string) int { return runAsk(ctx, a, cmd, o, args) })
	fs := cmd.Flags()
	choiceFlag(cmd, &o.engine, "engine", os.Getenv("VIGIL_ENGINE"), "answering engine (default: ask.engine or explain.engine of --config, else builtin)", "builtin", "bedrock", "openai")
	choiceFlag(cmd, &o.lang, "lang", "", "answer language (default: the question's)", "ja", "en")
	formatFlag(cmd, &o.format, "text", "text", "markdown", "json").aliases = map[string]string{"md": "markdown"}
	fs.IntVar(&o.limit, "limit", ask.DefaultLimit, "list at most `N` findings")
	fs.StringVar(&o.regions, "regions", "", "comma-separated regions to look up findings in (default: AWS_REGION, or the regions the question names)")
	fs.StringVar(&o.config, "config", "vigil.yaml", "configuration file for knowledge: and the model settings of explain: (optional)")
	fs.StringVar(&o.model, "model", os.Getenv("VIGIL_MODEL"), "model id (bedrock, default jp.amazon.nova-2-lite-v1:0) or model name (openai, required)")
	fs.StringVar(&o.region, "bedrock-region", "", "Bedrock region (default: the AWS configuration's)")
	fs.StringVar(&o.baseURL, "base-url", os.Getenv("VIGIL_BASE_URL"), "OpenAI-compatible API base URL (default OPENAI_BASE_URL, else https://api.openai.com/v1), or a Bedrock endpoint override")
	fs.StringVar(&o.apiKeyEnv, "api-key-env", "OPENAI_API_KEY", "name of the environment variable holding the OpenAI-compatible API key")
	fs.StringVar(&o.mcpURL, "mcp-url", envOr(mcpdocs.DefaultURL, "VIGIL_MCP_URL"), "AWS documentation MCP server for the model's search_aws_docs tool, or off")
	fs.StringVar(&o.cacheDir, "cache-dir", defaultCacheDir(), "directory caching documentation lookups across runs, or off")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "time limit for one answer with a model, tool calls included")
	fs.IntVar(&o.maxTokens, "max-tokens", 2048, "maximum tokens of each model answer")
	fs.StringVar(&o.by, "by", "", "who is asking, recorded on approvals a change request creates (default: the OS user)")
	return cmd
}

const askHelp = `
Answer a question about your AWS account in Japanese or English, from live
data: Security Hub findings (GetFindings in AWS_REGION or --regions), resources
read through the AWS APIs, vigil's explanations, your organisation's policy
documents (knowledge: in --config) and, with a model, the AWS documentation.
No configuration file or database is needed.

A findings question means findings whose workflow status is NEW or NOTIFIED
and whose record is ACTIVE, with the filters the question names (severity,
control id, account, region, resource type, product, time range); no
compliance filter is added: 「違反」 and "violations" mean findings. "How
many" answers with the count, and --format json still lists the findings:
  {"answer": "...", "total": N, "findings": [{"Id", "Title", "SeverityLabel",
   "ControlId", "ResourceId", "AccountId", "Region"}, ...],
   "tool_calls": [{"name", "arguments"}], "citations": [...]}
with every matching finding up to --limit.

The builtin engine needs no model: it reads the common questions itself
(severities such as Critical / クリティカル / 重大 and High / 高, "以上" /
"or higher", control ids, account ids, regions and region names, resource
types, "how many / 何件", "list / 教えて / 見せて", today / 今日 /
過去24時間 / this week) and says what it can answer when it cannot read one.
The bedrock and openai engines let a model call the same read-only tools;
every id, number and link it writes must come from a tool result, and the
builtin engine answers when the model fails.

A request to change something (fix / 修復して) never changes anything:
where a remediation workflow is configured it becomes a plan and a pending
approval; otherwise vigil says so.

Example:
  vigil ask "Security Hub の検出結果のうち、Critical なものを幾つか提示して"
  vigil ask --format json "東京リージョンの過去24時間の High 以上の違反は何件？"
  vigil ask --regions ap-northeast-1,us-east-1 "How many S3.1 findings are there?"
  vigil ask --config vigil.yaml "パスワードについての社内規程は？"
  vigil ask --engine bedrock --lang ja "今週増えた重大な検出結果を要約して"
`

func runAsk(ctx context.Context, a *app, cmd *cobra.Command, o askOptions, args []string) int {
	fail := func(code int, f string, args ...any) int {
		fmt.Fprintf(a.err, "vigil ask: "+f+"\n", args...)
		return code
	}
	if len(args) == 0 || strings.TrimSpace(strings.Join(args, " ")) == "" {
		return fail(exitUsage, `give a QUESTION, e.g. vigil ask "クリティカルな検出結果は何件？"`)
	}
	question := strings.Join(args, " ")
	var lng lang.Lang
	if o.lang != "" {
		l, err := lang.Parse(o.lang)
		if err != nil {
			return fail(exitUsage, "--lang: %v", err)
		}
		lng = l
	}
	format, err := ask.ParseFormat(o.format)
	if err != nil {
		return fail(exitUsage, "--format: %v", err)
	}
	if o.limit < 1 || o.limit > 10000 {
		return fail(exitUsage, "--limit: want 1 to 10000, got %d", o.limit)
	}
	if o.timeout <= 0 || o.maxTokens <= 0 {
		return fail(exitUsage, "--timeout and --max-tokens must be positive")
	}
	cfg, err := loadOptionalConfig(cmd, o.config)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	provider := a.awsProvider()
	deps := ask.Deps{AWS: provider}
	if cfg.Knowledge.Enabled() {
		k := cfg.Knowledge
		base, err := kb.New(kb.Options{Sources: k.Sources, IndexDir: kb.IndexDir(k, cfg.Database), Refresh: k.Refresh.D(), AWS: provider})
		if err != nil {
			return fail(exitUsage, "knowledge: %v", err)
		}
		defer base.Close()
		deps.Knowledge = base
	}
	engine := o.engine
	if engine == "" {
		engine = firstNonEmpty(cfg.Ask.Engine, cfg.Explain.Engine, "builtin")
	}
	mc := llm.Config{Engine: engine, Model: firstNonEmpty(o.model, cfg.Explain.Model), Region: firstNonEmpty(o.region, cfg.Explain.Region),
		Endpoint: firstNonEmpty(o.baseURL, cfg.Explain.BaseURL)}
	if strings.EqualFold(engine, "openai") {
		if mc.Endpoint == "" {
			mc.Endpoint = os.Getenv("OPENAI_BASE_URL")
		}
		mc.APIKey = os.Getenv(o.apiKeyEnv)
	}
	model, err := llm.NewModel(ctx, mc, llm.Deps{AWS: provider})
	if err != nil {
		return fail(exitUsage, "--engine %s: %v", engine, err)
	}
	if model != nil {
		deps.Model = model
		if !off(o.mcpURL) {
			interval := time.Duration(0)
			if o.mcpURL == mcpdocs.DefaultURL {
				// The public server allows about one request per 15 s.
				interval = 15 * time.Second
			}
			cache := o.cacheDir
			if off(cache) {
				cache = ""
			}
			docs := mcpdocs.New(mcpdocs.Options{URL: o.mcpURL, CacheDir: cache, MinInterval: interval})
			defer docs.Close()
			deps.Docs = docs
		}
	}
	asker, err := ask.New(deps, ask.Options{Engine: strings.ToLower(engine), Lang: lang.Lang(cfg.Ask.Lang), Regions: cfg.Ask.Regions,
		Timeout: o.timeout, MaxTokens: o.maxTokens})
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	by := o.by
	if by == "" {
		by = "cli"
		if u, err := user.Current(); err == nil && u.Username != "" {
			by = "cli:" + u.Username
		}
	}
	ans, err := asker.Ask(ctx, ask.Request{Question: question, Lang: lng, Limit: o.limit, Regions: splitList(o.regions), By: by})
	var re *ask.RequestError
	if errors.As(err, &re) {
		return fail(exitUsage, "%v", err)
	}
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	outLang := lng
	if outLang == "" {
		outLang = ans.Lang
	}
	if format == ask.JSON {
		for _, n := range ans.Notes {
			fmt.Fprintf(a.err, "vigil ask: %s\n", n)
		}
	}
	if err := ask.Render(a.out, ans, format, outLang); err != nil {
		return fail(exitFailure, "writing the answer: %v", err)
	}
	return exitOK
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
