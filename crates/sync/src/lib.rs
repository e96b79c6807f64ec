//! The sync protocol between desktops (or room hubs) and HQ.
//!
//! - [`keys`]: Ed25519 signing keys (HQ's and each device's).
//! - [`package`]: exam packages: signed by HQ, questions sealed with a random content
//!   key that is itself sealed under a key derived (argon2id) from the start code.
//! - [`envelope`]: device-signed result batches and manifests.
//! - [`client`]: the HTTP client to HQ (reqwest) with backoff and jitter.
//! - [`tls`]: certificates pinned by fingerprint (rustls), plain HTTP only where
//!   allowed, and answers authenticated under a device's enrolment secret.
//! - [`watch`]: the watched USB inbox folder (notify).
//!
//! Everything here except `client` and `watch` is pure: bytes in, bytes out.

pub mod client;
pub mod envelope;
pub mod keys;
pub mod package;
pub mod tls;
pub mod watch;

pub use client::{HqClient, SyncError};
pub use envelope::{
    EnvelopeError, ENVELOPE_COPY, ENVELOPE_MANIFEST, ENVELOPE_RECEIPTS, ENVELOPE_RESULTS,
};
pub use keys::{KeyError, PublicKey, SigningKey};
pub use package::{OpenedPackage, PackageError, VerifiedPackage};

/// Random bytes from the OS generator.
pub(crate) fn random<const N: usize>() -> [u8; N] {
    use rand::RngCore;
    let mut b = [0u8; N];
    rand::rng().fill_bytes(&mut b);
    b
}
