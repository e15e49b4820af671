//! `scene-sign`: C2PA Content Credentials for MP4 files, with the Content Authenticity
//! Initiative's Rust SDK (the `c2pa` crate).
//!
//! - [`Credentials::load`] reads a PEM certificate chain and its PKCS#8 key and checks, before
//!   anything is signed, everything that would make the signature fail or be rejected.
//! - [`sign_mp4`] embeds a manifest built from a plain [`ManifestSpec`] — title, digital source
//!   type, custom assertions as JSON, ingredient files bound by their SHA-256 — and signs it;
//!   the signature covers the whole file (a BMFF hard binding), so any later byte change shows.
//! - [`read_mp4`] validates the Content Credentials of any file into a [`Report`].
//!
//! The crate knows nothing of `.scene` scripts or renders: the `scenec` command line maps a
//! render's provenance onto a [`ManifestSpec`].
//!
//! ## Crypto backend: `rust_native_crypto`, not `openssl`
//!
//! `c2pa` is built with `default-features = false` and the features `rust_native_crypto` and
//! `file_io`. The pure-Rust backend (the RustCrypto `p256`/`p384`/`p521`, `ed25519-dalek` and
//! `rsa` crates) was chosen over `openssl` because:
//! - it signs ECDSA deterministically (RFC 6979), so a signature adds no randomness of its own;
//!   `openssl` draws a fresh nonce for every ECDSA signature;
//! - the `scenec` binary gains no run-time dependency on the system's libssl, and builds the
//!   same on every platform (the SDK's WebAssembly builds use this backend too).
//!
//! No HTTP client is compiled in (`c2pa`'s default features would bring four): time stamps,
//! OCSP and remote manifests are never fetched, so signing and reading work offline and a
//! signature carries no time stamp. Readers then judge the certificate's validity at the time
//! they read, which is why [`Credentials::load`] refuses an expired certificate.
//!
//! ## What varies between two signings of the same file
//!
//! The same film signed twice with the same credentials differs only inside the manifest:
//! `c2pa` gives every manifest a fresh random label (`urn:c2pa:UUID`) and instance ID, and every
//! assertion a random 16-byte salt (which the C2PA specification recommends, so that the hash of
//! a redacted assertion cannot be guessed), and the claim signature signs those bytes. Every
//! declared value — title, actions, digital source type, ingredients and their hashes, custom
//! assertions — is the same, and so are the audio and video samples.

mod credentials;
mod embed;
mod error;
mod inspect;
mod manifest;

pub use credentials::{Algorithm, Credentials};
pub use embed::{sign_mp4, Signed, INGREDIENT_SHA256_KEY, MP4};
pub use error::{CredentialError, SignError};
pub use inspect::{
    read_mp4, Action, Binding, IngredientReport, Report, Signature, Status, Trust, TrustList,
};
pub use manifest::{Assertion, IngredientFile, ManifestSpec, Relationship, SourceType};
