// Package corpus generates deterministic events and rule sets for
// benchmarks: CityLots-shaped records (the public matcher benchmark) and
// security events varied from vigil's sample events.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
)

// RuleSet is a named set of rules, such as one of event-ruler's citylots2
// benchmark rule sets.
type RuleSet struct {
	Name  string
	Rules [][]byte
}

// CityLotsRuleSets reads the 14 rule sets of
// shared/data/citylots/citylots2_benchmark_rulesets.json, in a stable order.
func CityLotsRuleSets(dataDir string) ([]RuleSet, error) {
	return ReadRuleSets(filepath.Join(dataDir, "citylots", "citylots2_benchmark_rulesets.json"))
}

var cityLotsOrder = []string{"EXACT", "WILDCARD", "PREFIX", "PREFIX_EQUALS_IGNORE_CASE", "SUFFIX", "SUFFIX_EQUALS_IGNORE_CASE",
	"EQUALS_IGNORE_CASE", "COMPLEX_ARRAYS", "NUMERIC", "ANYTHING_BUT", "ANYTHING_BUT_IGNORE_CASE",
	"ANYTHING_BUT_PREFIX", "ANYTHING_BUT_SUFFIX", "ANYTHING_BUT_WILDCARD"}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return len(s)
}

// Street names of San Francisco, chosen so that every citylots2 rule set
// matches some generated lots.
var streets = []string{
	"FULTON", "MASON", "JEFFERSON", "BEACH", "HYDE", "CHESTNUT", "ACACIA", "ACADIA", "BLAKE", "BLANKEN",
	"BLUXOME", "DRUMM", "DRAKE", "FUNSTON", "FULLER", "RHODE ISLAND", "RHINE", "GREENWICH", "MARKET", "MISSION",
	"VALENCIA", "FOLSOM", "HARRISON", "BRYANT", "POTRERO", "LAKE", "PARK", "CLAREMONT", "FARRAGUT", "PALM",
	"DOLORES", "CHURCH", "SANCHEZ", "NOE", "CASTRO", "DIAMOND", "DOUGLASS", "CORBETT", "BURNETT", "PORTOLA",
	"STOCKTON", "POWELL", "TAYLOR", "JONES", "LEAVENWORTH", "LARKIN", "POLK", "VAN NESS", "FRANKLIN", "GOUGH",
	"17TH", "18TH", "19TH", "24TH", "CRANLEIGH", "BRANCH", "BEECH", "BIRCH", "HOLLOWAY", "OCEAN",
}

var stTypes = []string{"ST", "AVE", "WAY", "BLVD", "TER", "PL", "CT", "DR", "LN", ""}

// The rule sets name these lots; the generator emits them now and then.
var namedLots = []string{"1430022", "2607117", "2607218", "3745012", "VACSTWIL"}

// CityLots returns n CityLots records, one compact JSON line each (450-900
// bytes), generated from seed with the shape of the samples in
// shared/data/citylots: a GeoJSON Feature with string properties and a
// geometry whose coordinates are bare [lon, lat, 0] triples.
func CityLots(n int, seed uint64) [][]byte { return cityLots(n, seed, false) }

// CityLots2 returns records shaped like event-ruler's citylots2, which the
// NUMERIC and COMPLEX_ARRAYS rule sets need: coordinates are {"x","y","z"}
// objects and the geometry also has firstCoordinates.
func CityLots2(n int, seed uint64) [][]byte { return cityLots(n, seed, true) }

// UsesCityLots2 reports whether a rule set needs the citylots2 shape.
func UsesCityLots2(ruleSet string) bool {
	return ruleSet == "NUMERIC" || ruleSet == "COMPLEX_ARRAYS"
}

func cityLots(n int, seed uint64, structured bool) [][]byte {
	r := rand.New(rand.NewPCG(seed, 0xc17))
	out := make([][]byte, n)
	var b strings.Builder
	for i := range out {
		b.Reset()
		block := fmt.Sprintf("%04d", r.IntN(7600))
		lot := fmt.Sprintf("%03d", r.IntN(300))
		mapblklot := block + lot
		if r.IntN(200) == 0 {
			mapblklot = namedLots[r.IntN(len(namedLots))]
		}
		from := r.IntN(3000)
		street := streets[r.IntN(len(streets))]
		odd := "O"
		if from%2 == 0 {
			odd = "E"
		}
		gtype := "Polygon"
		if r.IntN(1800) == 0 {
			gtype = "MultiPolygon"
		}
		lon := -122.52 + r.Float64()*0.16
		lat := 37.70 + r.Float64()*0.12
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"MAPBLKLOT":%q,"BLKLOT":%q,"BLOCK_NUM":%q,"LOT_NUM":%q,"FROM_ST":"%d","TO_ST":"%d","STREET":%q,"ST_TYPE":%q,"ODD_EVEN":%q},`,
			mapblklot, mapblklot, block, lot, from, from+r.IntN(40), street, stTypes[r.IntN(len(stTypes))], odd)
		fmt.Fprintf(&b, `"geometry":{"type":%q,`, gtype)
		if structured {
			fmt.Fprintf(&b, `"firstCoordinates":{"x":%s,"y":%s,"z":0},`, coord(lon), coord(lat))
		}
		b.WriteString(`"coordinates":[[`)
		k := 5 + r.IntN(10)
		for j := 0; j < k; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			x, y := coord(lon+r.Float64()*0.0004), coord(lat+r.Float64()*0.0004)
			if structured {
				fmt.Fprintf(&b, `{"x":%s,"y":%s,"z":0}`, x, y)
			} else {
				fmt.Fprintf(&b, `[%s,%s,0]`, x, y)
			}
		}
		b.WriteString("]]}}")
		out[i] = []byte(b.String())
	}
	return out
}
func coord(f float64) string { return strconv.FormatFloat(f, 'f', 14, 64) }
