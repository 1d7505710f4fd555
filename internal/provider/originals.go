package provider

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the part of the framework's private resource state that
// the resources use: values no practitioner sets or reads, kept by
// Terraform between runs.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// The managed values as they were before the first apply (or at import) are
// kept in private state, so `on_destroy = "restore"` can put them back byte
// for byte without exposing file content as attributes: each apim.Setting
// under its Name, and the gateway URLs of deployment.toml, which are as
// many as the file has environments, under keyGatewayURLOriginals, a map
// from where each is (as gateway_urls keys it) to its tomledit.Original.
const keyGatewayURLOriginals = "gateway_url_originals"

// loadOriginal reads one original into v; found is false when none is kept.
func loadOriginal(ctx context.Context, p privateState, key string, v any) (found bool, diags diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(raw) == 0 {
		return false, diags
	}
	if err := json.Unmarshal(raw, v); err != nil {
		diags.AddError("Unreadable Private State", "The provider could not read the original values it kept for this resource: "+err.Error()+
			"\n\nThis is always a bug in the provider; please report it to the provider developers.")
		return false, diags
	}
	return true, diags
}

// recordOriginal keeps, unless one is kept already, the managed values
// originalOf finds in doc as the ones destroy restores: the first one
// recorded is the one restored. Create records them before its first
// write, Read after an import. doc is parsed only when nothing is kept, as
// every Read after the first finds its original kept.
func recordOriginal[T any](ctx context.Context, p privateState, key string, doc []byte, originalOf func([]byte) (T, error)) error {
	raw, diags := p.GetKey(ctx, key)
	if diags.HasError() {
		return errors.New(diagSummary(diags))
	}
	if len(raw) > 0 {
		return nil
	}
	orig, err := originalOf(doc)
	if err != nil {
		return err
	}
	b, err := json.Marshal(orig)
	if err != nil {
		return err
	}
	if diags := p.SetKey(ctx, key, b); diags.HasError() {
		return errors.New(diagSummary(diags))
	}
	return nil
}

// recordOriginals is recordOriginal for managed values kept together as one
// map: each value originalsOf finds in doc without an original kept gets
// the one it has now, so that a value first seen later (a gateway
// environment added by hand) is restored too, and one seen before keeps its
// first. doc is parsed every time, to find the values seen later.
func recordOriginals[T any](ctx context.Context, p privateState, key string, doc []byte, originalsOf func([]byte) (map[string]T, error)) error {
	kept := map[string]T{}
	if _, diags := loadOriginal(ctx, p, key, &kept); diags.HasError() {
		return errors.New(diagSummary(diags))
	}
	found, err := originalsOf(doc)
	if err != nil {
		return err
	}
	added := false
	for k, orig := range found {
		if _, ok := kept[k]; !ok {
			kept[k] = orig
			added = true
		}
	}
	if !added {
		return nil
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	if diags := p.SetKey(ctx, key, b); diags.HasError() {
		return errors.New(diagSummary(diags))
	}
	return nil
}

// lockedPrivate is a privateState that edits running at once can share.
type lockedPrivate struct {
	mu sync.Mutex
	p  privateState
}

func (l *lockedPrivate) GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.p.GetKey(ctx, key)
}

func (l *lockedPrivate) SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.p.SetKey(ctx, key, value)
}
