//! Signing and reading back with test credentials made by openssl (`tests/c2pa/make-certs.sh`):
//! ES256 and Ed25519 chains that validate, and every kind of bad credential refused up front.

use std::path::{Path, PathBuf};
use std::process::Command;

use scene_sign::{
    read_mp4, sign_mp4, Assertion, Binding, CredentialError, Credentials, IngredientFile,
    ManifestSpec, Relationship, SourceType, Trust, TrustList,
};
use serde_json::json;

const TINY_MP4: &[u8] = include_bytes!("fixtures/tiny.mp4");
const RED_PNG: &[u8] = include_bytes!("fixtures/red.png");

fn make_certs(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/c2pa/make-certs.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg(dir)
        .output()
        .expect("run make-certs.sh (needs bash and openssl)");
    assert!(
        out.status.success(),
        "make-certs.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        make_certs(&dir.path().join("certs"));
        std::fs::write(dir.path().join("film.mp4"), TINY_MP4).unwrap();
        std::fs::write(dir.path().join("red.png"), RED_PNG).unwrap();
        Fixture { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn cert(&self, name: &str) -> PathBuf {
        self.path(&format!("certs/{name}"))
    }

    fn credentials(&self, alg: &str) -> Credentials {
        Credentials::load(
            &self.cert(&format!("chain-{alg}.pem")),
            &self.cert(&format!("key-{alg}.pem")),
        )
        .unwrap()
    }

    fn spec(&self) -> ManifestSpec {
        ManifestSpec {
            title: "Red Balloon".into(),
            generator_name: "scenec".into(),
            generator_version: "0.1.0".into(),
            source_type: SourceType::AlgorithmicMedia,
            description: Some("rendered by the previz backend".into()),
            assertions: vec![Assertion {
                label: "org.scenec.provenance".into(),
                // A seed above i64::MAX, and a float that must keep its digits.
                data: json!({"script_sha256": "ab12", "shots": [{"name": "a", "seed": 16435600939102872531u64}], "gain": 0.8912}),
            }],
            ingredients: vec![IngredientFile {
                path: self.path("red.png"),
                title: "keyframes/red.png".into(),
                format: "image/png".into(),
                sha256: sha256_hex(RED_PNG),
                relationship: Relationship::Component,
            }],
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Offset of the payload of the top-level `mdat` box.
fn mdat_payload(bytes: &[u8]) -> std::ops::Range<usize> {
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if &bytes[at + 4..at + 8] == b"mdat" {
            return at + 8..at + size;
        }
        assert!(size >= 8, "a box size this test does not handle");
        at += size;
    }
    panic!("no mdat box");
}

fn sign_and_check(alg: &str, expected_alg: &str) {
    let f = Fixture::new();
    let creds = f.credentials(alg);
    assert_eq!(creds.algorithm().name(), expected_alg);
    let signed = sign_mp4(
        &f.path("film.mp4"),
        &f.path("signed.mp4"),
        &f.spec(),
        &creds,
    )
    .unwrap();
    assert!(signed.manifest_label.starts_with("urn:c2pa:"));
    // The source is left as it was; no temporary file is left behind.
    assert_eq!(std::fs::read(f.path("film.mp4")).unwrap(), TINY_MP4);
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let trust = TrustList::load(&f.cert(&format!("root-{alg}.pem"))).unwrap();
    let report = read_mp4(&f.path("signed.mp4"), Some(&trust))
        .unwrap()
        .expect("a manifest");
    assert!(report.is_ok(), "{:#?}", report.failures);
    assert_eq!(report.state, "Trusted");
    assert_eq!(report.trust, Trust::Trusted);
    assert_eq!(report.binding, Binding::Match);
    assert_eq!(report.title.as_deref(), Some("Red Balloon"));
    assert_eq!(report.claim_generator, vec!["scenec/0.1.0".to_string()]);
    assert_eq!(
        report
            .signature
            .algorithm
            .as_ref()
            .map(|a| a.to_ascii_lowercase()),
        Some(expected_alg.to_string())
    );
    assert_eq!(
        report.signature.common_name.as_deref(),
        Some(format!("scenec test signer ({alg})").as_str())
    );
    let created = &report.actions[0];
    assert_eq!(created.action, "c2pa.created");
    assert_eq!(
        created.digital_source_type.as_deref(),
        Some("http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia")
    );
    assert_eq!(created.software_agent.as_deref(), Some("scenec/0.1.0"));
    let placed: Vec<_> = report
        .actions
        .iter()
        .filter(|a| a.action == "c2pa.placed")
        .collect();
    assert_eq!(placed.len(), 1);
    assert_eq!(placed[0].ingredients, ["keyframes/red.png"]);
    assert_eq!(
        report.assertion("org.scenec.provenance"),
        Some(&f.spec().assertions[0].data)
    );
    assert_eq!(report.ingredients.len(), 1);
    assert_eq!(
        report.ingredients[0].title.as_deref(),
        Some("keyframes/red.png")
    );
    assert_eq!(
        report.ingredients[0].relationship.as_deref(),
        Some("componentOf")
    );
    assert_eq!(report.ingredients[0].sha256, Some(sha256_hex(RED_PNG)));
}

#[test]
fn es256_signature_validates_and_declares_what_was_asked() {
    sign_and_check("es256", "es256");
}

#[test]
fn ed25519_signature_validates_and_declares_what_was_asked() {
    sign_and_check("ed25519", "ed25519");
}

#[test]
fn trust_depends_on_the_trust_list() {
    let f = Fixture::new();
    sign_mp4(
        &f.path("film.mp4"),
        &f.path("signed.mp4"),
        &f.spec(),
        &f.credentials("es256"),
    )
    .unwrap();
    let unchecked = read_mp4(&f.path("signed.mp4"), None).unwrap().unwrap();
    assert_eq!(unchecked.trust, Trust::NotChecked);
    assert!(unchecked.is_ok(), "{:#?}", unchecked.failures);

    let other_root = TrustList::load(&f.cert("root-ed25519.pem")).unwrap();
    let untrusted = read_mp4(&f.path("signed.mp4"), Some(&other_root))
        .unwrap()
        .unwrap();
    assert_eq!(untrusted.trust, Trust::Untrusted);
    assert_eq!(untrusted.binding, Binding::Match);
    assert!(!untrusted.is_ok());
    assert!(untrusted
        .failures
        .iter()
        .any(|s| s.code == "signingCredential.untrusted"));
}

#[test]
fn a_flipped_byte_breaks_the_hard_binding() {
    let f = Fixture::new();
    sign_mp4(
        &f.path("film.mp4"),
        &f.path("signed.mp4"),
        &f.spec(),
        &f.credentials("ed25519"),
    )
    .unwrap();
    let mut bytes = std::fs::read(f.path("signed.mp4")).unwrap();
    let mdat = mdat_payload(&bytes);
    bytes[mdat.start + mdat.len() / 2] ^= 0x01;
    std::fs::write(f.path("tampered.mp4"), &bytes).unwrap();
    let report = read_mp4(&f.path("tampered.mp4"), None).unwrap().unwrap();
    assert_eq!(report.binding, Binding::Mismatch);
    assert!(!report.is_ok());
    assert!(report
        .failures
        .iter()
        .any(|s| s.code == "assertion.bmffHash.mismatch"));
}

#[test]
fn signing_in_place_replaces_the_file() {
    let f = Fixture::new();
    let film = f.path("film.mp4");
    sign_mp4(&film, &film, &f.spec(), &f.credentials("es256")).unwrap();
    let report = read_mp4(&film, None).unwrap().unwrap();
    assert_eq!(report.binding, Binding::Match);
}

#[test]
fn two_signings_declare_the_same_things() {
    let f = Fixture::new();
    let creds = f.credentials("ed25519");
    sign_mp4(&f.path("film.mp4"), &f.path("one.mp4"), &f.spec(), &creds).unwrap();
    sign_mp4(&f.path("film.mp4"), &f.path("two.mp4"), &f.spec(), &creds).unwrap();
    let one = read_mp4(&f.path("one.mp4"), None).unwrap().unwrap();
    let two = read_mp4(&f.path("two.mp4"), None).unwrap().unwrap();
    assert_ne!(one.label, two.label, "c2pa draws a fresh manifest label");
    assert_eq!(one.actions, two.actions);
    assert_eq!(one.ingredients, two.ingredients);
    assert_eq!(one.assertion_labels, two.assertion_labels);
    assert_eq!(
        one.assertion("org.scenec.provenance"),
        two.assertion("org.scenec.provenance")
    );
    assert_eq!(one.signature, two.signature);
}

#[test]
fn an_unsigned_file_has_no_credentials() {
    let f = Fixture::new();
    assert!(read_mp4(&f.path("film.mp4"), None).unwrap().is_none());
}

#[test]
fn an_ingredient_changed_since_the_render_is_refused() {
    let f = Fixture::new();
    std::fs::write(f.path("red.png"), b"not the same picture").unwrap();
    let err = sign_mp4(
        &f.path("film.mp4"),
        &f.path("signed.mp4"),
        &f.spec(),
        &f.credentials("es256"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "E1009");
    assert!(
        err.to_string().contains("changed since the render"),
        "{err}"
    );
    assert!(!f.path("signed.mp4").exists());
}

fn load_err(f: &Fixture, cert: &str, key: &str) -> CredentialError {
    Credentials::load(&f.cert(cert), &f.cert(key)).unwrap_err()
}

#[test]
fn a_key_of_another_certificate_is_refused() {
    let f = Fixture::new();
    let err = load_err(&f, "chain-es256.pem", "other-key-es256.pem");
    assert_eq!(err.code(), "E1004");
    assert!(matches!(err, CredentialError::KeyMismatch { .. }), "{err}");
    // An Ed25519 key for a P-256 certificate is not even a key of the right kind.
    let err = load_err(&f, "chain-es256.pem", "key-ed25519.pem");
    assert!(matches!(err.code(), "E1002" | "E1004"), "{err}");
}

#[test]
fn an_expired_certificate_is_refused() {
    let f = Fixture::new();
    let err = load_err(&f, "expired-chain-es256.pem", "expired-key-es256.pem");
    assert_eq!(err.code(), "E1005");
    assert!(err.to_string().contains("expired on"), "{err}");
}

#[test]
fn a_ca_certificate_cannot_sign() {
    let f = Fixture::new();
    let err = load_err(&f, "root-es256.pem", "root-key-es256.pem");
    assert_eq!(err.code(), "E1006");
    assert!(err.to_string().contains("CA certificate"), "{err}");
}

#[test]
fn a_certificate_without_an_extended_key_usage_cannot_sign() {
    let f = Fixture::new();
    let dir = f.path("certs");
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        dir.join("noeku.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap();
    run(&[
        "req",
        "-new",
        "-key",
        "key-es256.pem",
        "-subj",
        "/CN=no eku",
        "-out",
        "noeku.csr",
    ]);
    run(&[
        "x509",
        "-req",
        "-sha256",
        "-in",
        "noeku.csr",
        "-CA",
        "int-es256.pem",
        "-CAkey",
        "int-key-es256.pem",
        "-set_serial",
        "77",
        "-days",
        "30",
        "-extfile",
        "noeku.ext",
        "-out",
        "noeku.pem",
    ]);
    let err = load_err(&f, "noeku.pem", "key-es256.pem");
    assert_eq!(err.code(), "E1006");
    assert!(err.to_string().contains("no extendedKeyUsage"), "{err}");
}

#[test]
fn an_unsupported_curve_is_refused() {
    let f = Fixture::new();
    let dir = f.path("certs");
    for args in [
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:secp256k1",
            "-out",
            "k1.pem",
        ][..],
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "k1.pem",
            "-subj",
            "/CN=k1",
            "-days",
            "30",
            "-out",
            "k1-cert.pem",
        ][..],
    ] {
        let out = Command::new("openssl")
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let err = load_err(&f, "k1-cert.pem", "k1.pem");
    assert_eq!(err.code(), "E1003");
}

#[test]
fn keys_in_other_forms_get_a_conversion_hint() {
    let f = Fixture::new();
    let dir = f.path("certs");
    let out = Command::new("openssl")
        .current_dir(&dir)
        .args(["ec", "-in", "key-es256.pem", "-out", "sec1.pem"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = load_err(&f, "chain-es256.pem", "sec1.pem");
    assert_eq!(err.code(), "E1002");
    assert!(err.to_string().contains("openssl pkcs8 -topk8"), "{err}");

    std::fs::write(dir.join("empty.pem"), "").unwrap();
    assert_eq!(load_err(&f, "empty.pem", "key-es256.pem").code(), "E1001");
    assert_eq!(load_err(&f, "missing.pem", "key-es256.pem").code(), "E1001");
    assert_eq!(
        load_err(&f, "chain-es256.pem", "missing.pem").code(),
        "E1002"
    );
}

#[test]
fn a_trust_list_must_hold_certificates() {
    let f = Fixture::new();
    let err = TrustList::load(&f.cert("key-es256.pem")).unwrap_err();
    assert_eq!(err.code(), "E1008");
    assert_eq!(TrustList::load(&f.cert("root-es256.pem")).unwrap().len(), 1);
}
