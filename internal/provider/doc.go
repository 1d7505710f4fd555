// Package provider is the Terraform face of the apim provider: the provider
// and resource schemas, plan-time values, create/read/update/delete/import
// and diagnostics. What APIM is lives in package apim, how bytes change in
// xmledit, and where files live in target.
package provider
