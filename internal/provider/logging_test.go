package provider

import (
	"os"
	"testing"
)

func TestQuietUnseenLogs(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{
			name: "nothing shown: every logger off",
			env:  map[string]string{},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_APIM": "OFF"},
		},
		{
			name: "TF_LOG shows provider logs: untouched",
			env:  map[string]string{"TF_LOG": "debug"},
			want: map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER_APIM": ""},
		},
		{
			name: "TF_LOG_PROVIDER shows provider logs: untouched",
			env:  map[string]string{"TF_LOG_PROVIDER": "trace"},
			want: map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER_APIM": ""},
		},
		{
			name: "an explicit level is kept",
			env:  map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "DEBUG", "TF_LOG_PROVIDER_APIM": "OFF"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, unseenLogLevels...) {
				t.Setenv(v, tc.env[v]) // restored after the test
			}
			QuietUnseenLogs()
			for v, want := range tc.want {
				if got := os.Getenv(v); got != want {
					t.Errorf("%s = %q, want %q", v, got, want)
				}
			}
		})
	}
}
