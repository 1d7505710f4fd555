package provider

import "os"

// providerLogVariables are the variables with which a practitioner asks
// for provider logs: Terraform's own (TF_LOG, TF_LOG_PROVIDER) and the
// levels of terraform-plugin-go (SDK root and protocol),
// terraform-plugin-framework and this provider's tflog logger.
var providerLogVariables = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_APIM", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietLevels are the level variables QuietUnseenLogs turns off.
var quietLevels = providerLogVariables[2:]

// QuietUnseenLogs turns the provider process's loggers off when nobody
// asked for provider logs, that is when none of providerLogVariables is
// set. The plugin SDKs log at TRACE unless told otherwise, and Terraform
// parses every JSON line a provider writes before dropping it: at 400
// resources that was a quarter of a plan's wall time (BENCHMARKS.md). With
// any of the variables set, every logger is left as it was. Call it before
// serving the provider.
func QuietUnseenLogs() {
	for _, v := range providerLogVariables {
		if os.Getenv(v) != "" {
			return
		}
	}
	for _, v := range quietLevels {
		_ = os.Setenv(v, "OFF") // fails only for names holding "=" or NUL
	}
}
