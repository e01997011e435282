package investigate

var messagesJA = messages{
	newSeen: map[int]string{
		dimIP:        "初めての送信元。ベースライン %d 日間の呼び出し %d 件の送信元は %s",
		dimUserAgent: "初めてのユーザーエージェント。ベースライン %d 日間の呼び出し %d 件のユーザーエージェントは %s",
		dimRegion:    "初めてのリージョン。ベースライン %d 日間の呼び出し %d 件のリージョンは %s",
		dimAPI:       "初めてのAPI。ベースライン %d 日間の呼び出し %d 件の主なAPIは %s",
	},
	newNoBaseline: "初めて。%s 以降のこのプリンシパルの呼び出しに一度もない",
	sensitive:     "%s は要注意APIの一覧にある",
	failedBurst:   "%d 件の呼び出しが %s から %s の間に拒否された（しきい値: %[5]s 以内に %[4]d 件）",
	volumeSpike:   "この1時間の呼び出しは %d 件。ベースラインで最も多い1時間は %d 件（しきい値: %d 件超かつその %g 倍超）",
	root:          "ルートユーザーによる呼び出し",
	noMFALogin:    "MFAなしのコンソールサインイン",
	noMFARoot:     "MFAなしのルートセッション",
	and:           "、",
}
