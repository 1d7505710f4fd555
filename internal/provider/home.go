package provider

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// homeRead is what detectHome found of a home: what it is, and the content
// of the file holding its offset when that was read on the way (nil when
// not), so the caller does not read it twice.
type homeRead struct {
	home       apim.Home
	configFile string // absolute
	configDoc  []byte
	// bases are the port bases the home's files set instead of the
	// shipped ones (apim.PortBases), by port name.
	bases map[string]int64
	// workflowDoc is WorkflowCallbackService.xml, read in the same round
	// trip as the rest (nil when it could not be); workflowErr is why not.
	// It is not part of what the home is, so its failure is not
	// detectHome's.
	workflowDoc []byte
	workflowErr error
	// hazelcastMember is the Hazelcast member port the instance opens
	// while clustering is on (apim.HazelcastMember), 0 while it is off.
	hazelcastMember int64
	// jndi and apiManager are the 2.x files whose URLs apim_instance_ports
	// also keeps in step (jndi.properties, api-manager.xml), read likewise.
	jndi, apiManager fileRead
	// read says the home was read, not taken from the state.
	read bool
}

// fileRead is one file as a batch read found it: its content, or why not.
type fileRead struct {
	doc []byte
	err error
}

// detectHome reads the files that tell what the APIM home at dir is
// (apim.DetectHome) on t, all at once, with the workflow callback file,
// jndi.properties and api-manager.xml, which apim_instance_ports also
// manages, and 2.x's axis2.xml, which says whether the instance opens a
// Hazelcast member port. A file the home does not have, or that the login
// user may not read, is not there for detection; any other failure (the
// host is unreachable, a path is unsafe, a port base deployment.toml sets
// that is not a port) is returned; configFile then names the file
// concerned when it is known.
func detectHome(ctx context.Context, t target.Target, dir string) (homeRead, error) {
	docs, errs := readFiles(ctx, t, dir, apim.DeploymentTOML, apim.ProductTxt, apim.VersionTxt, apim.CarbonXML, apim.DeploymentBackup, apim.WorkflowCallbackService, apim.Axis2XML, apim.JNDIProperties, apim.APIManagerXML)
	workflowDoc, workflowErr := docs[5], errs[5]
	jndi, apiManager := fileRead{docs[7], errs[7]}, fileRead{docs[8], errs[8]}
	axis2Doc, axis2Err := docs[6], errs[6]
	if errors.Is(axis2Err, fs.ErrNotExist) || errors.Is(axis2Err, fs.ErrPermission) {
		// Detection's rule: a file the home lacks or hides is not there.
		axis2Doc, axis2Err = nil, nil
	}
	if axis2Err != nil {
		return homeRead{configFile: filePath(dir, apim.Axis2XML)}, axis2Err
	}
	hasBackup, err := backupExists(errs[4])
	if err != nil {
		return homeRead{configFile: filePath(dir, apim.DeploymentBackup)}, err
	}
	docs, errs = docs[:4], errs[:4]
	for i, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, fs.ErrNotExist), i != 0 && errors.Is(err, fs.ErrPermission):
			docs[i] = nil
		default:
			return homeRead{}, err
		}
	}
	f := apim.HomeFiles{HasDeploymentTOML: docs[0] != nil, ProductTxt: docs[1], VersionTxt: docs[2], CarbonXML: docs[3], HasDeploymentBackup: hasBackup}
	// deployment.toml is parsed once for the three things read of it
	// (apim.DeploymentFile); one that does not parse gives no server role
	// to detection, and its error is returned once the home is known to be
	// 3.x or later, with the file named.
	var deployment apim.DeploymentFile
	var deploymentErr error
	if f.HasDeploymentTOML {
		if deployment, deploymentErr = apim.ParseDeploymentFile(docs[0]); deploymentErr == nil {
			f.ServerRole = deployment.ServerRole()
		}
	}
	h := apim.DetectHome(f)
	r := homeRead{home: h, configFile: filePath(dir, h.Generation.ConfigFile()), workflowDoc: workflowDoc, workflowErr: workflowErr, read: true}
	r.jndi, r.apiManager = jndi, apiManager
	var member int64
	var on bool
	if h.Generation != apim.Deployment3 {
		r.configDoc = docs[3]
		member, on, err = apim.HazelcastMember(h, r.configDoc, axis2Doc)
	} else {
		r.configDoc = docs[0]
		if deploymentErr != nil {
			return homeRead{configFile: r.configFile}, deploymentErr
		}
		if r.bases, err = deployment.PortBases(); err != nil {
			return homeRead{configFile: r.configFile}, err
		}
		member, on, err = deployment.HazelcastMember()
	}
	if err != nil {
		clusteringFile := filePath(dir, apim.Axis2XML)
		if h.Generation == apim.Deployment3 {
			clusteringFile = r.configFile
		}
		return homeRead{configFile: clusteringFile}, err
	}
	if on {
		r.hazelcastMember = member
	}
	return r, nil
}

// backupExists tells, from the error of reading apim.DeploymentBackup,
// whether the file exists: only that matters (apim.Home.CheckEditable), so
// one the login user may not read exists too. Any other failure is
// returned, as for the files read with it.
func backupExists(readErr error) (bool, error) {
	switch {
	case readErr == nil, errors.Is(readErr, fs.ErrPermission):
		return true, nil
	case errors.Is(readErr, fs.ErrNotExist):
		return false, nil
	}
	return false, readErr
}

// readFiles reads the files rel names under the home dir on t all at once
// (Target.ReadFiles), so a remote host costs one round trip for all of
// them.
func readFiles(ctx context.Context, t target.Target, dir string, rel ...string) ([][]byte, []error) {
	paths := make([]string, len(rel))
	for i, name := range rel {
		paths[i] = filePath(dir, name)
	}
	return t.ReadFiles(ctx, paths)
}

// homeOfState is the home as the state records it: the generation from the
// file holding the offset, the version and the distribution as Read last
// found them.
func homeOfState(configFile, version, distribution types.String) apim.Home {
	h := apim.CarbonHome
	if strings.HasSuffix(configFile.ValueString(), "/"+apim.DeploymentTOML) {
		h.Generation = apim.Deployment3
	}
	if v, ok := apim.ParseVersion(version.ValueString()); ok {
		h.Version = v
	}
	if d := apim.Distribution(distribution.ValueString()); d != "" {
		h.Distribution = d
	}
	return h
}

// versionValue is the apim_version attribute of h: null when no file said.
func versionValue(h apim.Home) types.String {
	if !h.Version.Known() {
		return types.StringNull()
	}
	return types.StringValue(h.Version.String())
}

// versionDescription documents an apim_version attribute.
const versionDescription = "The APIM version the home's files name, such as `4.2.0`: from `updates/product.txt`, else `bin/version.txt`, else carbon.xml's `<Version>`; null when no file names one."

// distributionDescription documents a distribution attribute.
func distributionDescription() string {
	return "What the instance runs, which decides the ports it opens: one of `" + strings.Join(distributionNames(), "`, `") + "`. " +
		"From the `updates/product.txt` prefix or the `bin/version.txt` product name (the 4.5+ control plane, gateway and traffic manager distributions), and on 3.x–4.4, where one distribution runs in profiles, from `[server] server_role` in deployment.toml."
}

// distributionNames lists the distribution attribute's values.
func distributionNames() []string {
	names := make([]string, len(apim.Distributions))
	for i, d := range apim.Distributions {
		names[i] = string(d)
	}
	return names
}

// basesOfState are the port bases the state's ports were computed with:
// each port as Read last found it, less the offset.
func basesOfState(ports types.Object, offset types.Int64) map[string]int64 {
	bases := map[string]int64{}
	if ports.IsNull() || ports.IsUnknown() || offset.IsNull() || offset.IsUnknown() {
		return bases
	}
	for name, v := range ports.Attributes() {
		if port, ok := v.(types.Int64); ok && !port.IsNull() && !port.IsUnknown() {
			bases[name] = port.ValueInt64() - offset.ValueInt64()
		}
	}
	return bases
}

// orFile is file, or fallback when file is "".
func orFile(file, fallback string) string {
	if file == "" {
		return fallback
	}
	return file
}
