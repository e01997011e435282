// Package llm holds vigil's explanation engines as a process uses them: New
// builds the engine the configuration names (the built-in one, or an LLM
// with Amazon Bedrock or an OpenAI-compatible API) once per process, with
// the logger, AWS provider and HTTP client it is given, and Close ends its
// documentation (MCP) session.
//
// An LLM engine starts from the built-in explanation, has the model write
// the prose from the event (fenced as untrusted data) and, for the sources
// that call for it, from AWS documentation it reads over MCP with read-only
// tools (mcpdocs); a grounding check (grounding) removes what the model
// could not have taken from those. The wire formats live in bedrock and
// openai behind chat.Model; chat runs the bounded tool loop.
package llm
