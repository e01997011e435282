package sandbox_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestEC2DescribeInstancesDemo(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	out := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}}))
	if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
		t.Fatalf("want one instance, got %+v", out.Reservations)
	}
	in := out.Reservations[0].Instances[0]
	if aws.ToString(in.InstanceId) != "i-0a1b2c3d4e5f60718" || in.State.Name != types.InstanceStateNameRunning || aws.ToInt32(in.State.Code) != 16 {
		t.Errorf("instance = %s %v", aws.ToString(in.InstanceId), in.State)
	}
	if len(in.SecurityGroups) != 1 || aws.ToString(in.SecurityGroups[0].GroupId) != "sg-0e7d3c2b1a0f98765" || aws.ToString(in.SecurityGroups[0].GroupName) != "bastion-ssh" {
		t.Errorf("security groups = %+v", in.SecurityGroups)
	}
	if aws.ToString(in.PublicIpAddress) != "192.0.2.45" || aws.ToString(in.VpcId) != "vpc-0c4e1a7b93d25f861" {
		t.Errorf("ip/vpc = %s %s", aws.ToString(in.PublicIpAddress), aws.ToString(in.VpcId))
	}
	if in.MetadataOptions.HttpTokens != types.HttpTokensStateOptional {
		t.Errorf("http tokens = %s", in.MetadataOptions.HttpTokens)
	}
	if len(in.BlockDeviceMappings) != 1 || aws.ToString(in.BlockDeviceMappings[0].Ebs.VolumeId) != "vol-0a1b2c3d4e5f60001" {
		t.Errorf("block devices = %+v", in.BlockDeviceMappings)
	}
	tags := map[string]string{}
	for _, tg := range in.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if tags["Name"] != "jump-host-01" || tags["Owner"] != "infra-oncall" {
		t.Errorf("tags = %v", tags)
	}

	// Filters and paging through the SDK's paginator.
	p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{
		Filters:    []types.Filter{{Name: aws.String("tag:Environment"), Values: []string{"production"}}, {Name: aws.String("instance-state-name"), Values: []string{"running"}}},
		MaxResults: aws.Int32(5),
	})
	var ids []string
	pages := 0
	for p.HasMorePages() {
		pg := must[*ec2.DescribeInstancesOutput](t)(p.NextPage(ctx))
		pages++
		for _, r := range pg.Reservations {
			for _, i := range r.Instances {
				ids = append(ids, aws.ToString(i.InstanceId))
			}
		}
	}
	if len(ids) != 5 || pages != 1 {
		t.Errorf("production instances = %v in %d pages, want 5 in 1", ids, pages)
	}

	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000dead"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("no-such-filter"), Values: []string{"x"}}}})
	wantCode(t, err, "InvalidParameterValue")
}

func TestEC2SecurityGroupLifecycle(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	created := must[*ec2.CreateSecurityGroupOutput](t)(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("quarantine"), Description: aws.String("no traffic"), VpcId: aws.String("vpc-0c4e1a7b93d25f861"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroup, Tags: []types.Tag{{Key: aws.String("vigil"), Value: aws.String("quarantine")}}}},
	}))
	gid := aws.ToString(created.GroupId)
	_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("quarantine"), Description: aws.String("again"), VpcId: aws.String("vpc-0c4e1a7b93d25f861")})
	wantCode(t, err, "InvalidGroup.Duplicate")

	// Quarantine groups have no egress: revoke the default allow-all.
	must[*ec2.RevokeSecurityGroupEgressOutput](t)(c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{
		GroupId: aws.String(gid), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}},
	}))
	ssh := []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []types.IpRange{{CidrIp: aws.String("10.20.0.0/16")}}}}
	must[*ec2.AuthorizeSecurityGroupIngressOutput](t)(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(gid), IpPermissions: ssh}))
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(gid), IpPermissions: ssh})
	wantCode(t, err, "InvalidPermission.Duplicate")
	must[*ec2.AuthorizeSecurityGroupEgressOutput](t)(c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{
		GroupId: aws.String(gid), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}},
	}))

	out := must[*ec2.DescribeSecurityGroupsOutput](t)(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{gid}}))
	g := out.SecurityGroups[0]
	if len(g.IpPermissions) != 1 || aws.ToInt32(g.IpPermissions[0].FromPort) != 22 || aws.ToString(g.IpPermissions[0].IpRanges[0].CidrIp) != "10.20.0.0/16" {
		t.Errorf("ingress = %+v", g.IpPermissions)
	}
	if len(g.IpPermissionsEgress) != 1 || aws.ToInt32(g.IpPermissionsEgress[0].ToPort) != 443 {
		t.Errorf("egress = %+v", g.IpPermissionsEgress)
	}
	if len(g.Tags) != 1 || aws.ToString(g.Tags[0].Value) != "quarantine" {
		t.Errorf("tags = %+v", g.Tags)
	}

	must[*ec2.RevokeSecurityGroupIngressOutput](t)(c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(gid), IpPermissions: ssh}))
	_, err = c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(gid), IpPermissions: ssh})
	wantCode(t, err, "InvalidPermission.NotFound")

	// The open-SSH rule of the demo's bastion group, found by filter.
	open := must[*ec2.DescribeSecurityGroupsOutput](t)(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("ip-permission.cidr"), Values: []string{"0.0.0.0/0"}}, {Name: aws.String("ip-permission.from-port"), Values: []string{"22"}},
	}}))
	var names []string
	for _, g := range open.SecurityGroups {
		names = append(names, aws.ToString(g.GroupName))
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"bastion-ssh", "legacy-ftp"}) {
		t.Errorf("groups open to the world on 22 = %v", names)
	}

	// Move the bastion into quarantine, then check the instance.
	must[*ec2.ModifyInstanceAttributeOutput](t)(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String("i-0a1b2c3d4e5f60718"), Groups: []string{gid}}))
	st := sb.State()
	for _, in := range st.Accounts[0].Regions[0].Instances {
		if in.ID == "i-0a1b2c3d4e5f60718" && !slices.Equal(in.SecurityGroups, []string{gid}) {
			t.Errorf("state: instance groups = %v", in.SecurityGroups)
		}
	}
	_, err = c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String("i-0a1b2c3d4e5f60718"), Groups: []string{"sg-0000000000000dead"}})
	wantCode(t, err, "InvalidGroup.NotFound")
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0000000000000dead"}})
	wantCode(t, err, "InvalidGroup.NotFound")
}

func TestEC2MetadataTagsVolumesSnapshots(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	id := "i-04f2e6a8c0b1d3957"
	mo := must[*ec2.ModifyInstanceMetadataOptionsOutput](t)(c.ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{
		InstanceId: aws.String(id), HttpTokens: types.HttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2),
	}))
	if mo.InstanceMetadataOptions.HttpTokens != types.HttpTokensStateRequired {
		t.Errorf("response tokens = %s", mo.InstanceMetadataOptions.HttpTokens)
	}
	d := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}))
	if m := d.Reservations[0].Instances[0].MetadataOptions; m.HttpTokens != types.HttpTokensStateRequired || aws.ToInt32(m.HttpPutResponseHopLimit) != 2 {
		t.Errorf("metadata options = %s %d", m.HttpTokens, aws.ToInt32(m.HttpPutResponseHopLimit))
	}

	must[*ec2.CreateTagsOutput](t)(c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id, "vol-04f2e6a8c0b1d0002"},
		Tags: []types.Tag{{Key: aws.String("vigil:quarantine"), Value: aws.String("2025-04-15")}, {Key: aws.String("Case"), Value: aws.String("IR-7")}}}))
	tags := must[*ec2.DescribeTagsOutput](t)(c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("key"), Values: []string{"vigil:*"}}}}))
	if len(tags.Tags) != 2 {
		t.Errorf("vigil:* tags = %+v", tags.Tags)
	}
	must[*ec2.DeleteTagsOutput](t)(c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String("Case")}}}))
	tags = must[*ec2.DescribeTagsOutput](t)(c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("resource-id"), Values: []string{id}}}}))
	var keys []string
	for _, tg := range tags.Tags {
		keys = append(keys, aws.ToString(tg.Key))
	}
	if slices.Contains(keys, "Case") || !slices.Contains(keys, "vigil:quarantine") || !slices.Contains(keys, "Name") {
		t.Errorf("tags after delete = %v", keys)
	}
	_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"i-0000000000000dead"}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidInstanceID.NotFound")

	vols := must[*ec2.DescribeVolumesOutput](t)(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{id}}}}))
	if len(vols.Volumes) != 2 {
		t.Fatalf("volumes of %s = %d, want 2", id, len(vols.Volumes))
	}
	snap := must[*ec2.CreateSnapshotOutput](t)(c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: vols.Volumes[0].VolumeId, Description: aws.String("forensics IR-7"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSnapshot, Tags: []types.Tag{{Key: aws.String("Case"), Value: aws.String("IR-7")}}}}}))
	if snap.State != types.SnapshotStatePending || aws.ToString(snap.VolumeId) != aws.ToString(vols.Volumes[0].VolumeId) {
		t.Errorf("snapshot = %+v", snap)
	}
	snaps := must[*ec2.DescribeSnapshotsOutput](t)(c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, SnapshotIds: []string{aws.ToString(snap.SnapshotId)}}))
	if len(snaps.Snapshots) != 1 || snaps.Snapshots[0].State != types.SnapshotStateCompleted || aws.ToString(snaps.Snapshots[0].Description) != "forensics IR-7" {
		t.Errorf("snapshots = %+v", snaps.Snapshots)
	}
	_, err = c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String("vol-0000000000000dead")})
	wantCode(t, err, "InvalidVolume.NotFound")
}

func TestEC2EbsEncryptionAndInstanceState(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := ec2.NewFromConfig(cfg(sb, region))
	get := func() bool {
		return aws.ToBool(must[*ec2.GetEbsEncryptionByDefaultOutput](t)(c.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})).EbsEncryptionByDefault)
	}
	if get() {
		t.Fatal("demo starts with EBS encryption by default off")
	}
	if !aws.ToBool(must[*ec2.EnableEbsEncryptionByDefaultOutput](t)(c.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})).EbsEncryptionByDefault) || !get() {
		t.Error("enable did not stick")
	}
	// Regions are separate.
	other := ec2.NewFromConfig(cfg(sb, "us-west-2"))
	if aws.ToBool(must[*ec2.GetEbsEncryptionByDefaultOutput](t)(other.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})).EbsEncryptionByDefault) {
		t.Error("us-west-2 changed with ap-northeast-1")
	}
	if aws.ToBool(must[*ec2.DisableEbsEncryptionByDefaultOutput](t)(c.DisableEbsEncryptionByDefault(ctx, &ec2.DisableEbsEncryptionByDefaultInput{})).EbsEncryptionByDefault) || get() {
		t.Error("disable did not stick")
	}

	stop := must[*ec2.StopInstancesOutput](t)(c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0d3e5f7a9b1c2e468"}}))
	if sc := stop.StoppingInstances[0]; sc.CurrentState.Name != types.InstanceStateNameStopping || sc.PreviousState.Name != types.InstanceStateNameRunning {
		t.Errorf("stop transition = %v -> %v", sc.PreviousState.Name, sc.CurrentState.Name)
	}
	d := must[*ec2.DescribeInstancesOutput](t)(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0d3e5f7a9b1c2e468"}}))
	if s := d.Reservations[0].Instances[0].State.Name; s != types.InstanceStateNameStopped {
		t.Errorf("after stop: %s", s)
	}
	term := must[*ec2.TerminateInstancesOutput](t)(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-04f2e6a8c0b1d3957"}}))
	if ts := term.TerminatingInstances[0]; ts.CurrentState.Name != types.InstanceStateNameShuttingDown {
		t.Errorf("terminate transition = %v", ts.CurrentState.Name)
	}
	_, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-04f2e6a8c0b1d3957"}})
	wantCode(t, err, "IncorrectInstanceState")
	// The root volume went with the instance; the data volume stays, detached.
	vols := must[*ec2.DescribeVolumesOutput](t)(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-04f2e6a8c0b1d0003"}}))
	if v := vols.Volumes[0]; v.State != types.VolumeStateAvailable || len(v.Attachments) != 0 {
		t.Errorf("data volume after terminate = %s %v", v.State, v.Attachments)
	}
	_, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-04f2e6a8c0b1d0002"}})
	wantCode(t, err, "InvalidVolume.NotFound")
	_, err = c.ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String("i-04f2e6a8c0b1d3957"), HttpTokens: types.HttpTokensStateRequired})
	wantCode(t, err, "IncorrectInstanceState")

	// DryRun answers DryRunOperation and changes nothing.
	_, err = c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0a1b2c3d4e5f60718"}, DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperation")
}
