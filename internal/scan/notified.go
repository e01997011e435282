package scan

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// markBatch is BatchUpdateFindings' limit of findings per call.
const markBatch = 100

// MarkNotified sets the workflow status of the findings res listed as NEW
// (with Options.MarkNotified) to NOTIFIED, as Security Hub's workflow
// expects once the people responsible have been told, with note as the
// finding's note (updated by "vigil"). Call it after the report was
// delivered. It returns how many findings were updated; findings Security
// Hub would not update are counted in the error.
func (s *Scanner) MarkNotified(ctx context.Context, res *Result, note string) (int, error) {
	regions := make([]string, 0, len(res.toMark))
	for r := range res.toMark {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	updated, failed := 0, 0
	var firstFailure string
	for _, region := range regions {
		client := securityhub.NewFromConfig(s.AWS, func(o *securityhub.Options) { o.Region = region })
		marks := res.toMark[region]
		for start := 0; start < len(marks); start += markBatch {
			batch := marks[start:min(start+markBatch, len(marks))]
			ids := make([]types.AwsSecurityFindingIdentifier, len(batch))
			for i, m := range batch {
				ids[i] = types.AwsSecurityFindingIdentifier{Id: aws.String(m.ID), ProductArn: aws.String(m.ProductArn)}
			}
			var out *securityhub.BatchUpdateFindingsOutput
			err := s.retry(ctx, func() (err error) {
				out, err = client.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
					FindingIdentifiers: ids,
					Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusNotified},
					Note:               &types.NoteUpdate{Text: aws.String(note), UpdatedBy: aws.String("vigil")},
				})
				return err
			})
			if err != nil {
				return updated, fmt.Errorf("Security Hub BatchUpdateFindings in %s: %w", region, err)
			}
			updated += len(out.ProcessedFindings)
			for _, u := range out.UnprocessedFindings {
				failed++
				if firstFailure == "" {
					firstFailure = fmt.Sprintf("%s: %s %s", aws.ToString(u.FindingIdentifier.Id), aws.ToString(u.ErrorCode), aws.ToString(u.ErrorMessage))
				}
			}
		}
	}
	if failed > 0 {
		return updated, fmt.Errorf("Security Hub did not mark %d findings NOTIFIED (first: %s)", failed, firstFailure)
	}
	return updated, nil
}

// ToMark returns how many findings MarkNotified would update.
func (r *Result) ToMark() int {
	n := 0
	for _, m := range r.toMark {
		n += len(m)
	}
	return n
}
