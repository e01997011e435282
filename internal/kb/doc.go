// Package kb is the organisation's own policy documents as a knowledge
// base: Markdown files with optional YAML front matter, kept in directories
// or S3 prefixes, indexed for full-text search that handles Japanese (bleve
// with a CJK bigram analyzer) and re-indexed when a document is added,
// changed or removed.
//
// Answers, explanations and remediation plans cite what they used as a
// Citation: the document's path and the heading of the section. Front
// matter may carry playbook parameters,
//
//	---
//	title: パスワードポリシー
//	controls: [IAM.7]
//	remediate:
//	  iam-password-policy: {minimum_password_length: 16, require_symbols: true}
//	---
//
// which override the configured defaults (Base.PlaybookParams, Merge).
package kb
