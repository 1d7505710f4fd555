package provider

import (
	"os"
	"testing"
)

func TestQuietUnseenLogs(t *testing.T) {
	off := map[string]string{"TF_LOG_PROVIDER_APIM": "OFF", "TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"no log asked for: every logger off", map[string]string{}, off},
		{"TF_LOG_CORE shows no provider log: every logger off", map[string]string{"TF_LOG_CORE": "trace"}, off},
		{"TF_LOG: untouched", map[string]string{"TF_LOG": "debug"}, map[string]string{}},
		{"TF_LOG_PROVIDER: untouched", map[string]string{"TF_LOG_PROVIDER": "trace"}, map[string]string{}},
		{"a level of the provider: untouched", map[string]string{"TF_LOG_PROVIDER_APIM": "debug"}, map[string]string{"TF_LOG_PROVIDER_APIM": "debug"}},
		{"a level of an SDK: untouched", map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"}, map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range append(providerLogVariables, "TF_LOG_CORE") {
				t.Setenv(v, tc.env[v]) // restored after the test; "" counts as unset
			}
			QuietUnseenLogs()
			for _, v := range quietLevels {
				if got, want := os.Getenv(v), tc.want[v]; got != want {
					t.Errorf("%s = %q, want %q", v, got, want)
				}
			}
		})
	}
}
