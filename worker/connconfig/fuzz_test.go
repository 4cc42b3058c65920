package connconfig

import (
	"context"
	"strings"
	"testing"
)

// FuzzValidateAndParse feeds arbitrary values to the framework keys: Validate must
// not panic and must count exactly the errors it lists; Parse must return
// without panicking either.
func FuzzValidateAndParse(f *testing.F) {
	f.Add("Src", "1", "route", "RegexRouter", "none", "", "")
	f.Add("Snk", "0", "a,a", "", "all", "t", "t.*")
	f.Add("Src", "x", "a,,b", "com.x.Y", "ALL", "topic.creation.groups", "g")
	f.Fuzz(func(t *testing.T, class, tasksMax, transforms, tType, tolerance, topics, regex string) {
		cfg := map[string]string{"name": "c", "connector.class": class, "tasks.max": tasksMax, "transforms": transforms,
			"errors.tolerance": tolerance, "topics": topics, "topics.regex": regex, "database.password": "p"}
		for _, a := range strings.Split(transforms, ",") {
			cfg["transforms."+a+".type"] = tType
		}
		ci, err := Validate(context.Background(), registry(), cfg)
		if err == nil {
			n := 0
			for _, c := range ci.Configs {
				if c.Value != nil {
					n += len(c.Value.Errors)
				}
			}
			if n != ci.ErrorCount {
				t.Fatalf("error_count %d, listed %d", ci.ErrorCount, n)
			}
		}
		_, _ = Parse(cfg, class == "Snk")
	})
}
