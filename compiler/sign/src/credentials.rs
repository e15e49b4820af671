//! Signing credentials: a PEM certificate chain and its private key, checked before any work is
//! done with them.
//!
//! [`Credentials::load`] refuses, each with its own [`CredentialError`], everything that would
//! otherwise surface only after a long render or, worse, as a signature that readers reject: an
//! unreadable or empty chain, a key that is not unencrypted PKCS#8, an algorithm C2PA does not
//! allow, a key that does not belong to the certificate, a certificate outside its validity
//! period, and a certificate that the C2PA certificate profile (spec §14.5) rejects for claim
//! signing — a CA certificate, one without `digitalSignature`, one without an accepted extended
//! key usage. The profile check is the one `c2pa` itself applies when it validates a manifest, so
//! a file we sign is never rejected for its certificate by a reader of the same specification.

use std::path::Path;

use c2pa::crypto::cose::{check_end_entity_certificate_profile, CertificateTrustPolicy};
use c2pa::crypto::raw_signature::{
    signer_from_cert_chain_and_private_key, validator_for_signing_alg,
};
use c2pa::status_tracker::StatusTracker;
use c2pa::SigningAlg;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_RSAENCRYPTION, OID_PKCS1_RSASSAPSS, OID_SIG_ED25519,
};
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::error::CredentialError;

/// A signature algorithm C2PA allows (spec §13.2), chosen from the signing certificate's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
    /// ECDSA on P-521 with SHA-512.
    Es512,
    /// EdDSA on Curve25519.
    Ed25519,
    /// RSASSA-PSS with SHA-256 (an RSA key of at least 2048 bits).
    Ps256,
}

impl Algorithm {
    /// The name C2PA and COSE use (`es256`, `ed25519`, …).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Es256 => "es256",
            Algorithm::Es384 => "es384",
            Algorithm::Es512 => "es512",
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Ps256 => "ps256",
        }
    }

    pub(crate) fn c2pa(self) -> SigningAlg {
        match self {
            Algorithm::Es256 => SigningAlg::Es256,
            Algorithm::Es384 => SigningAlg::Es384,
            Algorithm::Es512 => SigningAlg::Es512,
            Algorithm::Ed25519 => SigningAlg::Ed25519,
            Algorithm::Ps256 => SigningAlg::Ps256,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A certificate chain and the private key of its first certificate, checked to sign with.
#[derive(Clone)]
pub struct Credentials {
    pub(crate) chain_pem: Vec<u8>,
    pub(crate) key_pem: Vec<u8>,
    algorithm: Algorithm,
    subject: String,
    issuer: String,
    /// Seconds since the Unix epoch.
    not_after: i64,
}

impl std::fmt::Debug for Credentials {
    /// Never prints the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("algorithm", &self.algorithm)
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Read and check `cert` (PEM: the signing certificate first, then any intermediates; the
    /// root may be left out) and `key` (unencrypted PKCS#8 PEM) against the current time.
    pub fn load(cert: &Path, key: &Path) -> Result<Credentials, CredentialError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Credentials::load_at(cert, key, now)
    }

    /// [`Credentials::load`] at `now` (seconds since the Unix epoch) for the validity check.
    ///
    /// The C2PA profile check inside `c2pa` always compares with the system clock, so a `now`
    /// far from it can only make this stricter, never accept an expired certificate.
    pub fn load_at(cert: &Path, key: &Path, now: i64) -> Result<Credentials, CredentialError> {
        let chain_pem =
            std::fs::read(cert).map_err(|e| CredentialError::CertificateUnreadable {
                path: cert.to_path_buf(),
                reason: e.to_string(),
            })?;
        let key_pem = std::fs::read(key).map_err(|e| CredentialError::KeyUnreadable {
            path: key.to_path_buf(),
            reason: e.to_string(),
        })?;
        let chain = parse_chain(cert, &chain_pem)?;
        check_key_format(key, &key_pem)?;

        let leaf_der = &chain[0];
        let (_, leaf) = X509Certificate::from_der(leaf_der).map_err(|e| {
            CredentialError::CertificateUnreadable {
                path: cert.to_path_buf(),
                reason: format!("the first certificate cannot be parsed: {e}"),
            }
        })?;
        let algorithm = algorithm_of(&leaf)?;
        let subject = leaf.subject().to_string();
        let issuer = leaf.issuer().to_string();
        let validity = leaf.validity();
        let not_before = validity.not_before.timestamp();
        let not_after = validity.not_after.timestamp();
        if now < not_before {
            return Err(CredentialError::NotYetValid {
                path: cert.to_path_buf(),
                subject,
                not_before: validity.not_before.to_string(),
            });
        }
        if now > not_after {
            return Err(CredentialError::Expired {
                path: cert.to_path_buf(),
                subject,
                not_after: validity.not_after.to_string(),
            });
        }
        check_key_matches(
            cert,
            key,
            &chain_pem,
            &key_pem,
            algorithm,
            leaf.public_key().raw,
        )?;
        check_profile(cert, leaf_der, &leaf)?;

        Ok(Credentials {
            chain_pem,
            key_pem,
            algorithm,
            subject,
            issuer,
            not_after,
        })
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The signing certificate's subject, as `CN=…, O=…`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// End of the signing certificate's validity, in seconds since the Unix epoch. Without a
    /// time stamp, readers judge the signature by the certificate's validity when they read.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }
}

/// The DER of every certificate in a PEM bundle, in order; at least one.
fn parse_chain(path: &Path, pem: &[u8]) -> Result<Vec<Vec<u8>>, CredentialError> {
    let mut chain = Vec::new();
    for block in Pem::iter_from_buffer(pem) {
        let block = block.map_err(|e| CredentialError::CertificateUnreadable {
            path: path.to_path_buf(),
            reason: format!("not a PEM file: {e}"),
        })?;
        if block.label == "CERTIFICATE" {
            chain.push(block.contents);
        }
    }
    if chain.is_empty() {
        return Err(CredentialError::CertificateUnreadable {
            path: path.to_path_buf(),
            reason: "it holds no PEM `CERTIFICATE` block".into(),
        });
    }
    Ok(chain)
}

/// The key formats people actually have, each with the command that turns it into PKCS#8.
fn check_key_format(path: &Path, pem: &[u8]) -> Result<(), CredentialError> {
    let text = String::from_utf8_lossy(pem);
    let unreadable = |reason: &str| CredentialError::KeyUnreadable {
        path: path.to_path_buf(),
        reason: reason.into(),
    };
    if text.contains("-----BEGIN PRIVATE KEY-----") {
        return Ok(());
    }
    if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        return Err(unreadable(
            "the key is encrypted; write an unencrypted copy with \
             `openssl pkcs8 -in KEY.pem -out KEY-plain.pem` and keep it secret",
        ));
    }
    if text.contains("-----BEGIN EC PRIVATE KEY-----")
        || text.contains("-----BEGIN RSA PRIVATE KEY-----")
    {
        return Err(unreadable(
            "the key is in the older SEC1/PKCS#1 form; convert it to PKCS#8 with \
             `openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out KEY-pkcs8.pem`",
        ));
    }
    Err(unreadable(
        "it holds no PEM `PRIVATE KEY` block (an unencrypted PKCS#8 key)",
    ))
}

fn algorithm_of(leaf: &X509Certificate<'_>) -> Result<Algorithm, CredentialError> {
    let spki = leaf.public_key();
    let oid = &spki.algorithm.algorithm;
    if *oid == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        return match curve {
            Some(c) if c == OID_EC_P256 => Ok(Algorithm::Es256),
            Some(c) if c == OID_NIST_EC_P384 => Ok(Algorithm::Es384),
            Some(c) if c == OID_NIST_EC_P521 => Ok(Algorithm::Es512),
            Some(c) => Err(CredentialError::UnsupportedAlgorithm {
                key: format!("an elliptic-curve key on curve {c}"),
            }),
            None => Err(CredentialError::UnsupportedAlgorithm {
                key: "an elliptic-curve key without a named curve".into(),
            }),
        };
    }
    if *oid == OID_SIG_ED25519 {
        return Ok(Algorithm::Ed25519);
    }
    if *oid == OID_PKCS1_RSAENCRYPTION || *oid == OID_PKCS1_RSASSAPSS {
        return Ok(Algorithm::Ps256);
    }
    Err(CredentialError::UnsupportedAlgorithm {
        key: format!("a key of algorithm {oid}"),
    })
}

/// Sign a fixed message with the key and verify it with the certificate's public key: the only
/// check that a key belongs to a certificate which holds for every key type.
fn check_key_matches(
    cert: &Path,
    key: &Path,
    chain_pem: &[u8],
    key_pem: &[u8],
    algorithm: Algorithm,
    spki_der: &[u8],
) -> Result<(), CredentialError> {
    let signer = signer_from_cert_chain_and_private_key(chain_pem, key_pem, algorithm.c2pa(), None)
        .map_err(|e| CredentialError::KeyUnreadable {
            path: key.to_path_buf(),
            reason: format!("not a usable {algorithm} key: {e}"),
        })?;
    let message = b"scenec: does this key belong to this certificate?";
    let signature = signer
        .sign(message)
        .map_err(|e| CredentialError::KeyUnreadable {
            path: key.to_path_buf(),
            reason: format!("it cannot sign with {algorithm}: {e}"),
        })?;
    let validator = validator_for_signing_alg(algorithm.c2pa()).ok_or(
        CredentialError::UnsupportedAlgorithm {
            key: format!("{algorithm}, which this build cannot verify"),
        },
    )?;
    validator
        .validate(&signature, message, spki_der)
        .map_err(|_| CredentialError::KeyMismatch {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
        })
}

fn check_profile(
    cert: &Path,
    leaf_der: &[u8],
    leaf: &X509Certificate<'_>,
) -> Result<(), CredentialError> {
    let not_for_signing = |reason: String| CredentialError::NotASigningCertificate {
        path: cert.to_path_buf(),
        reason,
    };
    // The profile check says only "invalid" or "params incorrect" for these; name them.
    if leaf.is_ca() {
        return Err(not_for_signing(
            "it is a CA certificate (basicConstraints CA:TRUE); sign with an end-entity \
             certificate issued by it"
                .into(),
        ));
    }
    match leaf.key_usage() {
        Ok(Some(ku)) if !ku.value.digital_signature() => {
            return Err(not_for_signing(
                "its keyUsage lacks digitalSignature".into(),
            ))
        }
        Err(e) => return Err(not_for_signing(format!("its keyUsage cannot be read: {e}"))),
        _ => {}
    }
    match leaf.extended_key_usage() {
        Ok(None) => {
            return Err(not_for_signing(
                "it has no extendedKeyUsage; C2PA wants one such as the C2PA signing EKU, \
                 documentSigning or emailProtection"
                    .into(),
            ))
        }
        Err(e) => {
            return Err(not_for_signing(format!(
                "its extendedKeyUsage cannot be read: {e}"
            )))
        }
        Ok(Some(_)) => {}
    }
    let policy = CertificateTrustPolicy::default();
    let mut log = StatusTracker::default();
    check_end_entity_certificate_profile(leaf_der, &policy, &mut log, None).map_err(|e| {
        // The error says "invalid"; the log says which rule.
        let why = log
            .logged_items()
            .last()
            .map(|item| item.description.to_string())
            .unwrap_or_else(|| e.to_string());
        not_for_signing(format!(
            "{why} (the C2PA certificate profile, spec §14.5, wants keyUsage \
             digitalSignature and an extendedKeyUsage such as emailProtection or documentSigning)"
        ))
    })
}
