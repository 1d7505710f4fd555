package provider

import "os"

// unseenLogLevels are the logger level variables of terraform-plugin-go
// (SDK root and protocol), terraform-plugin-framework and this provider's
// own tflog logger.
var unseenLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_APIM"}

// QuietUnseenLogs turns the provider process's loggers off when Terraform
// would discard what they write, that is when neither TF_LOG nor
// TF_LOG_PROVIDER is set. The plugin SDKs log at TRACE unless told
// otherwise, and Terraform parses every JSON line a provider writes before
// dropping it: at 400 resources that was a quarter of a plan's CPU time
// (BENCHMARKS.md). A level set explicitly is left as it is, and with TF_LOG
// or TF_LOG_PROVIDER set every log is written as before. Call it before
// serving the provider.
func QuietUnseenLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, v := range unseenLogLevels {
		if os.Getenv(v) == "" {
			os.Setenv(v, "OFF")
		}
	}
}
