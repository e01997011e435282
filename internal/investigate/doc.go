// Package investigate turns CloudTrail records into what an investigation
// needs: entities (principals, access keys, IP addresses, user agents,
// accounts, regions, resources) and the relations between them, each
// entity's timeline of calls, and per-principal baselines against which
// calls are labelled (new-ip, new-user-agent, new-region, new-api,
// sensitive, failed-burst, volume-spike, root, no-mfa), each label with
// the reason it was given.
//
// Records come from CloudTrail log files (a directory or an S3 prefix,
// loaded incrementally: a re-run reads only new files, a killed load
// resumes, a record is stored once by its eventID) and live from the
// pipeline: an ingest hook enqueues a job for every CloudTrail event
// EventBridge delivers, and the job records it. GuardDuty and Security
// Hub findings are linked to the entities they name.
//
// Everything lives in vigil's database (SQLite or PostgreSQL). Labels are
// computed when a timeline is read, from aggregates kept at load time, so
// "first seen" is the earliest by eventTime whatever order files were
// loaded in, and changing a threshold needs no reload.
package investigate
