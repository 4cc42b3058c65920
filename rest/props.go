package rest

import (
	"fmt"
	"strings"
)

// Worker properties read by OptionsFromProps, besides listeners.https.ssl.* / ssl.*
// (TLSSettingsFromProps) and the JAAS file (JAASConfigPath).
const (
	PropListeners          = "listeners"
	PropAdminListeners     = "admin.listeners"
	PropAllowOrigin        = "access.control.allow.origin"
	PropAllowMethods       = "access.control.allow.methods"
	PropExtensionClasses   = "rest.extension.classes"
	PropResponseHeaders    = "response.http.headers.config"
	PropVerificationAlgs   = "inter.worker.verification.algorithms"
	PropSignatureAlgorithm = "inter.worker.signature.algorithm"
	// PropAuthExemptRoot is Gonnect's own: "true" lets GET / and GET /health through
	// basic authentication (for probes). Default false, as in Java.
	PropAuthExemptRoot = "rest.basic.auth.exempt.root"
)

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// OptionsFromProps builds the Server options from worker properties as the Java
// worker reads them: listeners (default http://:8083), admin.listeners (absent: on
// the listeners; empty: not served), HTTPS material when a listener is https (or
// listeners.https.ssl.* keys are set, for forwarding), basic authentication when
// rest.extension.classes names BasicAuthSecurityRestExtension (JAAS file from the
// java.security.auth.login.config property or kafkaOpts, the KAFKA_OPTS value), CORS,
// response.http.headers.config and inter.worker.verification.algorithms. Other
// extension classes are refused: Gonnect cannot load Java code. Errors name the
// property.
func OptionsFromProps(props map[string]string, kafkaOpts string) ([]Opt, error) {
	var opts []Opt
	listeners := []string{"http://:8083"}
	if v, ok := props[PropListeners]; ok && strings.TrimSpace(v) != "" {
		listeners = splitList(v)
	}
	opts = append(opts, Listeners(listeners...))
	https := false
	for _, l := range listeners {
		https = https || strings.HasPrefix(strings.ToLower(l), "https://")
	}
	if v, ok := props[PropAdminListeners]; ok {
		admin := splitList(v)
		for _, l := range admin {
			https = https || strings.HasPrefix(strings.ToLower(l), "https://")
		}
		opts = append(opts, AdminListeners(admin...))
	}
	hasTLSKeys := false
	for k := range props {
		hasTLSKeys = hasTLSKeys || strings.HasPrefix(k, "listeners.https.ssl.")
	}
	if https || hasTLSKeys {
		opts = append(opts, HTTPS(TLSSettingsFromProps(props)))
	}
	for _, ext := range splitList(props[PropExtensionClasses]) {
		if ext != BasicAuthExtension {
			return nil, fmt.Errorf("%s: %s is not supported; only %s", PropExtensionClasses, ext, BasicAuthExtension)
		}
		path := JAASConfigPath(props, kafkaOpts)
		if path == "" {
			return nil, fmt.Errorf("%s: %s needs a JAAS file: set %s (worker property or -D in KAFKA_OPTS)", PropExtensionClasses, BasicAuthExtension, JAASConfigProperty)
		}
		users, err := LoadBasicAuthUsers(path)
		if err != nil {
			return nil, err
		}
		opts = append(opts, BasicAuth(users), BasicAuthExemptRoot(strings.EqualFold(strings.TrimSpace(props[PropAuthExemptRoot]), "true")))
	}
	if o := strings.TrimSpace(props[PropAllowOrigin]); o != "" {
		opts = append(opts, CORS(o, strings.TrimSpace(props[PropAllowMethods])))
	}
	if h := strings.TrimSpace(props[PropResponseHeaders]); h != "" {
		opts = append(opts, ResponseHeaders(h))
	}
	if v, ok := props[PropVerificationAlgs]; ok {
		algs := splitList(v)
		if len(algs) == 0 {
			return nil, fmt.Errorf("%s: At least one signature verification algorithm must be provided", PropVerificationAlgs)
		}
		for _, a := range algs {
			if _, ok := macs[a]; !ok {
				return nil, fmt.Errorf("%s: algorithm %s is not available; use one of HmacSHA1, HmacSHA224, HmacSHA256, HmacSHA384, HmacSHA512", PropVerificationAlgs, a)
			}
		}
		if sig := strings.TrimSpace(props[PropSignatureAlgorithm]); sig != "" && !contains(algs, sig) {
			return nil, fmt.Errorf("%s: Signature algorithm '%s' must be present in %s list", PropVerificationAlgs, sig, PropVerificationAlgs)
		}
		opts = append(opts, VerificationAlgorithms(algs...))
	}
	return opts, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
