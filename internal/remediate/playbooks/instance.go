package playbooks

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// instance is what the EC2 playbooks read about an instance.
type instance struct {
	ID     string            `json:"instance_id"`
	State  string            `json:"state"`
	VPC    string            `json:"vpc_id,omitempty"`
	Groups []string          `json:"security_groups"`
	ENIs   []eni             `json:"network_interfaces,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
	// Volumes are the attached EBS volumes.
	Volumes  []volume         `json:"volumes,omitempty"`
	Metadata *metadataOptions `json:"metadata_options,omitempty"`
}

type eni struct {
	ID     string   `json:"id"`
	Groups []string `json:"security_groups"`
}

type volume struct {
	ID     string `json:"volume_id"`
	Device string `json:"device"`
}

type metadataOptions struct {
	HTTPTokens   string `json:"http_tokens"`
	HTTPEndpoint string `json:"http_endpoint"`
	HopLimit     int32  `json:"http_put_response_hop_limit"`
}

// describeInstance reads one instance (ec2:DescribeInstances).
func describeInstance(ctx context.Context, c *remediate.Clients, id string) (*instance, error) {
	out, err := c.EC2().DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		return nil, fmt.Errorf("reading instance %s: %w", id, err)
	}
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if aws.ToString(in.InstanceId) == id {
				return fromSDKInstance(in), nil
			}
		}
	}
	return nil, fmt.Errorf("instance %s not found in %s", id, c.Region())
}

func fromSDKInstance(in types.Instance) *instance {
	x := &instance{ID: aws.ToString(in.InstanceId), VPC: aws.ToString(in.VpcId), Tags: map[string]string{}}
	if in.State != nil {
		x.State = string(in.State.Name)
	}
	for _, g := range in.SecurityGroups {
		x.Groups = append(x.Groups, aws.ToString(g.GroupId))
	}
	for _, n := range in.NetworkInterfaces {
		e := eni{ID: aws.ToString(n.NetworkInterfaceId)}
		for _, g := range n.Groups {
			e.Groups = append(e.Groups, aws.ToString(g.GroupId))
		}
		x.ENIs = append(x.ENIs, e)
	}
	for _, t := range in.Tags {
		x.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	for _, b := range in.BlockDeviceMappings {
		if b.Ebs != nil {
			x.Volumes = append(x.Volumes, volume{ID: aws.ToString(b.Ebs.VolumeId), Device: aws.ToString(b.DeviceName)})
		}
	}
	if m := in.MetadataOptions; m != nil {
		x.Metadata = &metadataOptions{HTTPTokens: string(m.HttpTokens), HTTPEndpoint: string(m.HttpEndpoint), HopLimit: aws.ToInt32(m.HttpPutResponseHopLimit)}
	}
	return x
}

// ec2Tags converts a map to EC2 tags, sorted by key.
func ec2Tags(m map[string]string) []types.Tag {
	var out []types.Tag
	for _, k := range sortedKeys(m) {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// tagParams is ec2Tags in a step's parameters.
func tagParams(m map[string]string) []map[string]string {
	var out []map[string]string
	for _, k := range sortedKeys(m) {
		out = append(out, map[string]string{"Key": k, "Value": m[k]})
	}
	return out
}

// restoreTags puts the given keys back as before has them: tags that were
// there get their old value, tags that were not are deleted.
func restoreTags(ctx context.Context, c *remediate.Clients, resource string, before map[string]string, keys []string) error {
	put := map[string]string{}
	var del []types.Tag
	for _, k := range keys {
		if v, ok := before[k]; ok {
			put[k] = v
		} else {
			del = append(del, types.Tag{Key: aws.String(k)})
		}
	}
	if len(put) > 0 {
		if _, err := c.EC2().CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{resource}, Tags: ec2Tags(put)}); err != nil {
			return fmt.Errorf("restoring the tags of %s: %w", resource, err)
		}
	}
	if len(del) > 0 {
		if _, err := c.EC2().DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{resource}, Tags: del}); err != nil {
			return fmt.Errorf("removing vigil's tags from %s: %w", resource, err)
		}
	}
	return nil
}

// restoreTagSteps are restoreTags as plan steps.
func restoreTagSteps(resource string, before map[string]string, keys []string) []remediate.Step {
	put := map[string]string{}
	var del []map[string]string
	for _, k := range keys {
		if v, ok := before[k]; ok {
			put[k] = v
		} else {
			del = append(del, map[string]string{"Key": k})
		}
	}
	var out []remediate.Step
	if len(put) > 0 {
		out = append(out, step("ec2:CreateTags", map[string]any{"Resources": []string{resource}, "Tags": tagParams(put)}))
	}
	if len(del) > 0 {
		out = append(out, step("ec2:DeleteTags", map[string]any{"Resources": []string{resource}, "Tags": del}))
	}
	return out
}

func hasTag(tags []types.Tag, key, value string) bool {
	for _, t := range tags {
		if aws.ToString(t.Key) == key && aws.ToString(t.Value) == value {
			return true
		}
	}
	return false
}

// stateJA names an instance state in Japanese, with the API's own word.
func stateJA(state string) string {
	ja, ok := map[string]string{
		"pending":       "起動処理中",
		"running":       "実行中",
		"stopping":      "停止処理中",
		"stopped":       "停止済み",
		"shutting-down": "終了処理中",
		"terminated":    "終了済み",
	}[state]
	if !ok {
		return " " + state + " "
	}
	return ja + "（" + state + "）"
}
