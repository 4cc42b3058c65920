package tlsstore

import (
	"errors"
	"testing"
)

func TestDetectAndCheckType(t *testing.T) {
	for _, tc := range []struct {
		name     string
		data     []byte
		detected string
		wantErr  error
	}{
		{name: "PEM", data: []byte("junk\n-----BEGIN CERTIFICATE-----\n"), detected: PEM},
		{name: "JKS magic", data: []byte{0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2}, detected: JKS, wantErr: ErrJKS},
		{name: "anything else is PKCS12", data: []byte{0x30, 0x82, 0x01}, detected: PKCS12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Detect(tc.data)
			if got != tc.detected {
				t.Fatalf("Detect = %s, want %s", got, tc.detected)
			}
			typ, err := CheckType(got)
			if !errors.Is(err, tc.wantErr) || (err == nil && typ != tc.detected) {
				t.Fatalf("CheckType(%s) = %q, %v", got, typ, err)
			}
		})
	}
	if _, err := CheckType("bks"); err == nil {
		t.Fatal("CheckType accepted BKS")
	}
	if typ, err := CheckType("pkcs12"); err != nil || typ != PKCS12 {
		t.Fatalf("CheckType(pkcs12) = %q, %v", typ, err)
	}
}

func TestPoolAndKeyPairErrors(t *testing.T) {
	if _, err := Pool(PEM, []byte("no certificate here"), ""); !errors.Is(err, ErrNoCertificate) {
		t.Fatalf("PEM pool without certificates: %v", err)
	}
	if _, err := PEMKeyPair(nil, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), ""); !errors.Is(err, ErrNoPrivateKey) {
		t.Fatalf("PEM key pair without a key: %v", err)
	}
	if _, err := PEMKeyPair(nil, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"), ""); !errors.Is(err, ErrEncryptedPKCS8) {
		t.Fatalf("encrypted PKCS#8 key: %v", err)
	}
	if _, err := PKCS12KeyPair([]byte{0x30, 0x00}, "a", "a", "b"); err == nil {
		t.Fatal("PKCS12KeyPair opened garbage")
	}
}
