package ask

import "testing"

func TestGroundCheck(t *testing.T) {
	t.Parallel()
	src := `{"total":1234,"by_severity":{"CRITICAL":7},"findings":[{"Id":"arn:aws:securityhub:ap-northeast-1:111122223333:security-control/S3.1/finding/ab12","ResourceId":"arn:aws:ec2:ap-northeast-1:111122223333:instance/i-0123456789abcdef0","UpdatedAt":"2026-12-01T10:20:30.000Z"}]} https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html`
	g := newGroundCheck(src, "過去24時間の S3.1 は？")
	for _, c := range []struct {
		in, want string
		bad      int
	}{
		{"1,234 件のうち CRITICAL は 7 件です。", "1,234 件のうち CRITICAL は 7 件です。", 0},
		{"全部で 1235 件です。", "全部で X 件です。", 1},
		{"1. S3.1 on i-0123456789abcdef0 in ap-northeast-1, updated 2026-12-01 10:20.\n2. EC2.19 across 24 hours", "1. S3.1 on i-0123456789abcdef0 in ap-northeast-1, updated 2026-12-01 10:20.\n2. EC2.19 across 24 hours", 0},
		{"updated 2026-11-30 at 09:00 by i-0fffffffffffffff1 in 999988887777", "updated X at X by X in X", 4},
		{"See https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html or https://evil.example.com/2", "See https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html or X", 1},
		{"IPv6 and EC2 and x86_64 are names; 3.5 is not there.", "IPv6 and EC2 and x86_64 are names; X is not there.", 1},
	} {
		got, bad := g.check(c.in, "X")
		if got != c.want || bad != c.bad {
			t.Errorf("check(%q)\n = %q, %d\nwant %q, %d", c.in, got, bad, c.want, c.bad)
		}
	}
}
