//! Errors as data, each with a stable code (docs/diagnostics.md, "Signing").

use std::path::PathBuf;

/// Why a certificate chain and key cannot sign. Every variant is found before any work is done
/// with them ([`crate::Credentials::load`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("cannot read the signing certificate {}: {reason}", path.display())]
    CertificateUnreadable { path: PathBuf, reason: String },
    #[error("cannot read the signing key {}: {reason}", path.display())]
    KeyUnreadable { path: PathBuf, reason: String },
    #[error(
        "the signing certificate holds {key}; C2PA signs with ES256, ES384, ES512 (P-256, P-384, \
         P-521), Ed25519 or PS256 (RSA)"
    )]
    UnsupportedAlgorithm { key: String },
    #[error(
        "the signing key {} does not belong to the certificate {} (a signature made with the key \
         does not verify with the certificate's public key)",
        key.display(),
        cert.display()
    )]
    KeyMismatch { cert: PathBuf, key: PathBuf },
    #[error(
        "the signing certificate {} ({subject}) expired on {not_after}; renew it",
        path.display()
    )]
    Expired {
        path: PathBuf,
        subject: String,
        not_after: String,
    },
    #[error(
        "the signing certificate {} ({subject}) is not valid before {not_before}",
        path.display()
    )]
    NotYetValid {
        path: PathBuf,
        subject: String,
        not_before: String,
    },
    #[error("the certificate {} cannot sign Content Credentials: {reason}", path.display())]
    NotASigningCertificate { path: PathBuf, reason: String },
}

impl CredentialError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CredentialError::CertificateUnreadable { .. } => "E1001",
            CredentialError::KeyUnreadable { .. } => "E1002",
            CredentialError::UnsupportedAlgorithm { .. } => "E1003",
            CredentialError::KeyMismatch { .. } => "E1004",
            CredentialError::Expired { .. } | CredentialError::NotYetValid { .. } => "E1005",
            CredentialError::NotASigningCertificate { .. } => "E1006",
        }
    }
}

/// Why signing or reading a file failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("{}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    /// The trust list handed to the reader is not a PEM bundle of certificates.
    #[error("cannot use the trust list {}: {reason}", path.display())]
    TrustList { path: PathBuf, reason: String },
    /// `c2pa` refused to build, sign or embed the manifest.
    #[error("cannot sign {}: {reason}", path.display())]
    Sign { path: PathBuf, reason: String },
    /// The file's Content Credentials cannot be read at all (as opposed to read and found
    /// invalid, which is a [`crate::Report`]).
    #[error("cannot read the Content Credentials of {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
}

impl SignError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::Io { .. } => "E1009",
            SignError::TrustList { .. } => "E1008",
            SignError::Sign { .. } => "E1009",
            SignError::Read { .. } => "E1010",
        }
    }

    pub(crate) fn io(path: &std::path::Path, e: impl std::fmt::Display) -> SignError {
        SignError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }
}
