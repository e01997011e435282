package knowledge

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/lang"
)

// gdDocErrata are the links of AWS's table that point at the wrong entry;
// the index links the right one.
var gdDocErrata = map[string]string{
	"PenTest:S3/KaliLinux":                  "guardduty_finding-types-s3.html#pentest-s3-kalilinux",
	"Discovery:S3/MaliciousIPCaller.Custom": "guardduty_finding-types-s3.html#discovery-s3-maliciousipcallercustom",
}

// TestGuardDutyIndexCoversOfficialList checks the index against AWS's
// list of finding types (testdata/guardduty_finding_types.txt, with its
// source): every type is indexed and links its own entry of the User Guide.
func TestGuardDutyIndexCoversOfficialList(t *testing.T) {
	f, err := os.Open("testdata/guardduty_finding_types.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, retired, described := 0, 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		typ, link, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("testdata line %q: want type<TAB>link", line)
		}
		n++
		if fix, ok := gdDocErrata[typ]; ok {
			link = fix
		}
		for _, l := range lang.All() {
			info := GuardDutyType(typ, "", l)
			if !info.Indexed {
				t.Errorf("%s: not in the index", typ)
				break
			}
			if want := gdDocs + link; info.DocURL != want {
				t.Errorf("%s: links %s, AWS lists %s", typ, info.DocURL, want)
			}
			if info.Retired != strings.HasPrefix(link, "guardduty_finding-types-retired.html") {
				t.Errorf("%s: retired = %v, but AWS links %s", typ, info.Retired, link)
			}
		}
		info := GuardDutyType(typ, "", lang.EN)
		if info.Retired {
			retired++
		}
		if _, ok := LookupFindingType(typ, "", lang.EN); ok || info.Summary != "" {
			described++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 200 {
		t.Fatalf("read %d types from the testdata, want the whole table (213)", n)
	}
	t.Logf("%d official types (%d retired) all indexed; %d with prose or a summary", n, retired, described)
}

// TestGuardDutySummaries checks that every summary is of an indexed type
// and is written in both languages.
func TestGuardDutySummaries(t *testing.T) {
	indexed := map[string]bool{}
	for _, typ := range GuardDutyIndex() {
		indexed[typ] = true
	}
	for typ, en := range gdSummariesEN {
		if !indexed[typ] {
			t.Errorf("summary of %s, which is not in the index", typ)
		}
		ja := gdSummariesJA[typ]
		if strings.TrimSpace(en) == "" || strings.TrimSpace(ja) == "" {
			t.Errorf("%s: summary missing in a language (en %q, ja %q)", typ, en, ja)
		}
		if ja == en {
			t.Errorf("%s: Japanese summary is the English one", typ)
		}
	}
	for typ := range gdSummariesJA {
		if _, ok := gdSummariesEN[typ]; !ok {
			t.Errorf("%s: Japanese summary without an English one", typ)
		}
	}
}
