package sandbox

func ec2EbsEncryption(on bool) handler {
	return func(rq *request) error {
		if err := dryRun(rq); err != nil {
			return err
		}
		r := rq.ec2Region()
		defer rq.unlock()
		r.EbsEncryptionByDefault = on
		rq.writeEC2(func(x *xmlw) { x.bool("ebsEncryptionByDefault", on) })
		return nil
	}
}
func ec2GetEbsEncryption(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	on := r.EbsEncryptionByDefault
	rq.writeEC2(func(x *xmlw) {
		x.bool("ebsEncryptionByDefault", on)
		x.leaf("sseType", "sse-ebs")
	})
	return nil
}
