package playbooks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// ec2ForensicSnapshot snapshots every EBS volume attached to an instance,
// each snapshot tagged with the source instance and volume, the finding,
// its severity and the time, for later analysis. It changes nothing on the
// instance. Its rollback deletes the snapshots, so a failed run is not
// rolled back: partial evidence is worth keeping.
type ec2ForensicSnapshot struct{}

func (ec2ForensicSnapshot) Name() string { return "ec2-forensic-snapshot" }

func (ec2ForensicSnapshot) Info() remediate.Info {
	return remediate.Info{
		Summary:         "Snapshot every EBS volume of an EC2 instance, tagged with the finding, for forensics",
		SummaryJA:       "EC2 インスタンスの全 EBS ボリュームのスナップショットを、検出結果のタグ付きで取得する (フォレンジック用)",
		Reversible:      true,
		Resources:       []string{remediate.TypeInstance},
		ReadPermissions: []string{"ec2:DescribeInstances", "ec2:DescribeSnapshots"},
		Permissions:     []string{"ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:CreateSnapshot", "ec2:CreateTags", "ec2:DeleteSnapshot"},
	}
}

// Tags on forensic snapshots.
const (
	tagSourceInstance = "vigil:source-instance"
	tagSourceVolume   = "vigil:source-volume"
	tagFindingID      = "vigil:finding-id"
	tagSeverity       = "vigil:severity"
	tagSnapshotTime   = "vigil:snapshot-time"
)

type snapshotBefore struct {
	Instance string   `json:"instance_id"`
	Volumes  []volume `json:"volumes"`
	Finding  string   `json:"finding_id"`
	Severity string   `json:"severity"`
	At       string   `json:"time"`
}

type snapshotData struct {
	Snapshots []snapshotRef `json:"snapshots"`
}

type snapshotRef struct {
	Volume   string `json:"volume_id"`
	Snapshot string `json:"snapshot_id"`
}

func (b *snapshotBefore) tags(v volume, key string) map[string]string {
	t := map[string]string{
		"Name":            "vigil forensic " + b.Instance + " " + v.Device,
		tagSourceInstance: b.Instance, tagSourceVolume: v.ID, tagFindingID: truncateTag(b.Finding),
		tagSeverity: b.Severity, tagSnapshotTime: b.At, tagRemediation: key,
	}
	if b.Severity == "" {
		delete(t, tagSeverity)
	}
	return t
}

// truncateTag keeps a value within EC2's 256-character tag limit.
func truncateTag(s string) string {
	if len(s) <= 256 {
		return s
	}
	return s[len(s)-256:]
}

func (p ec2ForensicSnapshot) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	res, err := needResource(in, p.Name(), remediate.TypeInstance)
	if err != nil {
		return nil, err
	}
	inst, err := describeInstance(ctx, in.Clients, res.ID)
	if err != nil {
		return nil, err
	}
	b := snapshotBefore{Instance: inst.ID, Volumes: inst.Volumes, Finding: in.Finding.ID, Severity: in.Finding.Severity, At: in.Now.UTC().Format(time.RFC3339)}
	plan := &remediate.Plan{Playbook: p.Name(), Resource: inst.ID, ResourceType: remediate.TypeInstance, Before: mustJSON(b), Tags: inst.Tags}
	if len(inst.Volumes) == 0 {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("Instance %s has no EBS volume attached: nothing to snapshot.", inst.ID)
		plan.ExplanationJA = fmt.Sprintf("インスタンス %s には EBS ボリュームが接続されていないため、取得するスナップショットはありません。", inst.ID)
		return plan, nil
	}
	var ids []string
	for i, v := range inst.Volumes {
		ph := fmt.Sprintf("SNAPSHOT_ID_%d", i+1)
		s := step("ec2:CreateSnapshot", map[string]any{
			"VolumeId": v.ID, "Description": b.description(v),
			"TagSpecifications": []map[string]any{{"ResourceType": "snapshot", "Tags": tagParams(b.tags(v, "<IDEMPOTENCY_KEY>"))}},
		})
		s.Saves = map[string]string{ph: "SnapshotId"}
		plan.Steps = append(plan.Steps, s)
		plan.Rollback = append(plan.Rollback, remediate.Step{API: "ec2:DeleteSnapshot", Params: map[string]any{"SnapshotId": "<" + ph + ">"}, Note: "deletes the evidence"})
		ids = append(ids, v.ID)
	}
	plan.Explanation = fmt.Sprintf("Snapshot the %d EBS volume(s) of instance %s (%s) for forensic analysis, tagged with finding %s.", len(ids), inst.ID, strings.Join(ids, ", "), in.Finding.ID)
	plan.ExplanationJA = fmt.Sprintf("フォレンジック調査のため、インスタンス %s の EBS ボリューム %d 個 (%s) のスナップショットを取得し、検出結果 %s のタグを付けます。", inst.ID, len(ids), strings.Join(ids, ", "), in.Finding.ID)
	return plan, nil
}

func (b *snapshotBefore) description(v volume) string {
	return fmt.Sprintf("vigil forensic snapshot of %s (%s %s)", v.ID, b.Instance, v.Device)
}

// findSnapshot returns the snapshot of volume made under key, or "".
func findSnapshot(ctx context.Context, c *remediate.Clients, volumeID, key string) (string, error) {
	out, err := c.EC2().DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, Filters: []types.Filter{
		{Name: aws.String("volume-id"), Values: []string{volumeID}},
		{Name: aws.String("tag:" + tagRemediation), Values: []string{key}},
	}})
	if err != nil {
		return "", fmt.Errorf("looking for snapshots of %s: %w", volumeID, err)
	}
	if len(out.Snapshots) == 0 {
		return "", nil
	}
	return aws.ToString(out.Snapshots[0].SnapshotId), nil
}

func (p ec2ForensicSnapshot) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b snapshotBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	res := &remediate.Result{}
	var d snapshotData
	for _, v := range b.Volumes {
		id, err := findSnapshot(ctx, c, v.ID, key)
		if err != nil {
			return nil, err
		}
		if id == "" {
			out, err := c.EC2().CreateSnapshot(ctx, &ec2.CreateSnapshotInput{
				VolumeId: aws.String(v.ID), Description: aws.String(b.description(v)),
				TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSnapshot, Tags: ec2Tags(b.tags(v, key))}},
			})
			if err != nil {
				return nil, fmt.Errorf("snapshotting %s: %w", v.ID, err)
			}
			id = aws.ToString(out.SnapshotId)
			res.Changed = true
		}
		d.Snapshots = append(d.Snapshots, snapshotRef{Volume: v.ID, Snapshot: id})
	}
	res.Data = mustJSON(d)
	var ids []string
	for _, s := range d.Snapshots {
		ids = append(ids, s.Snapshot)
	}
	res.Summary = fmt.Sprintf("%d snapshot(s) of %s: %s", len(ids), b.Instance, strings.Join(ids, ", "))
	return res, nil
}

func (p ec2ForensicSnapshot) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var b snapshotBefore
	if err := decodeBefore(plan, &b); err != nil {
		return false, remediate.Note{}, err
	}
	var d snapshotData
	if err := decodeData(r, &d); err != nil {
		return false, remediate.Note{}, err
	}
	if len(d.Snapshots) != len(b.Volumes) {
		return false, remediate.Note{
			EN: fmt.Sprintf("%d of %d volumes have a snapshot", len(d.Snapshots), len(b.Volumes)),
			JA: fmt.Sprintf("インスタンス %s のボリューム %d 個のうち、スナップショットがあるのは %d 個だけです", b.Instance, len(b.Volumes), len(d.Snapshots)),
		}, nil
	}
	if len(d.Snapshots) == 0 {
		return true, remediate.Note{
			EN: "no volume to snapshot",
			JA: fmt.Sprintf("インスタンス %s にはスナップショットを取るボリュームがありません", b.Instance),
		}, nil
	}
	var ids []string
	for _, s := range d.Snapshots {
		ids = append(ids, s.Snapshot)
	}
	out, err := c.EC2().DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: ids})
	if err != nil {
		return false, remediate.Note{}, fmt.Errorf("reading snapshots %s: %w", strings.Join(ids, ", "), err)
	}
	found := map[string]types.Snapshot{}
	for _, s := range out.Snapshots {
		found[aws.ToString(s.SnapshotId)] = s
	}
	for _, ref := range d.Snapshots {
		s, ok := found[ref.Snapshot]
		if !ok {
			return false, remediate.Note{
				EN: fmt.Sprintf("snapshot %s of %s is gone", ref.Snapshot, ref.Volume),
				JA: fmt.Sprintf("ボリューム %s のスナップショット %s が見つかりません", ref.Volume, ref.Snapshot),
			}, nil
		}
		if s.State == types.SnapshotStateError {
			return false, remediate.Note{
				EN: fmt.Sprintf("snapshot %s of %s failed: %s", ref.Snapshot, ref.Volume, aws.ToString(s.StateMessage)),
				JA: fmt.Sprintf("ボリューム %s のスナップショット %s の作成に失敗しました: %s", ref.Volume, ref.Snapshot, aws.ToString(s.StateMessage)),
			}, nil
		}
		tagged := false
		for _, t := range s.Tags {
			if aws.ToString(t.Key) == tagSourceInstance && aws.ToString(t.Value) == b.Instance {
				tagged = true
			}
		}
		if !tagged {
			return false, remediate.Note{
				EN: fmt.Sprintf("snapshot %s lacks tag %s", ref.Snapshot, tagSourceInstance),
				JA: fmt.Sprintf("スナップショット %s にタグ %s が付いていません", ref.Snapshot, tagSourceInstance),
			}, nil
		}
	}
	return true, remediate.Note{
		EN: fmt.Sprintf("%d snapshot(s) taken: %s", len(ids), strings.Join(ids, ", ")),
		JA: fmt.Sprintf("インスタンス %s のスナップショットを %d 件取得しました: %s", b.Instance, len(ids), strings.Join(ids, "、")),
	}, nil
}

func (p ec2ForensicSnapshot) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b snapshotBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	var d snapshotData
	if err := decodeData(r, &d); err != nil {
		return err
	}
	for _, s := range d.Snapshots {
		if _, err := c.EC2().DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(s.Snapshot)}); err != nil && apiCode(err) != "InvalidSnapshot.NotFound" {
			return fmt.Errorf("deleting snapshot %s: %w", s.Snapshot, err)
		}
	}
	return nil
}
