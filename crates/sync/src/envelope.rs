//! Device-signed documents: result batches and manifests, the same bytes over
//! HTTP and on a USB stick.

use crate::keys::{PublicKey, SigningKey};
use examhall_protocol::sync::SignedEnvelope;
use serde::{de::DeserializeOwned, Serialize};

pub const ENVELOPE_RESULTS: &str = "results";
pub const ENVELOPE_MANIFEST: &str = "manifest";
/// A seat's new events, copied to its room hub as they are saved.
pub const ENVELOPE_COPY: &str = "copy";
/// HQ's receipts for a results file it imported from a USB stick, signed by
/// HQ and written back to the stick for the desktop.
pub const ENVELOPE_RECEIPTS: &str = "receipts";
/// A room's account of itself (roster lines, attempts known, the room log),
/// sent up to HQ by the machine that ran its console.
pub const ENVELOPE_ROOM_REPORT: &str = "room_report";
/// An exam a centre built on its own desktop, sent up before its results.
pub const ENVELOPE_CENTRE_EXAM: &str = "centre_exam";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("kind: expected `{expected}`, found `{found}`")]
    WrongKind { expected: String, found: String },
    #[error("signature: not 128 hex characters")]
    BadSignatureEncoding,
    #[error("signature: does not verify against device {0}'s key")]
    BadSignature(String),
    #[error("payload: {0}")]
    BadPayload(String),
}

fn signed_bytes(kind: &str, payload: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(kind.len() + 1 + payload.len());
    m.extend_from_slice(kind.as_bytes());
    m.push(0);
    m.extend_from_slice(payload.as_bytes());
    m
}

/// Serialises `doc` and signs it as `kind` on behalf of `device_id`.
pub fn seal<T: Serialize>(
    key: &SigningKey,
    device_id: &str,
    kind: &str,
    doc: &T,
) -> SignedEnvelope {
    let payload = serde_json::to_string(doc).expect("sync documents serialise");
    let sig = key.sign(&signed_bytes(kind, &payload));
    SignedEnvelope {
        device_id: device_id.to_owned(),
        kind: kind.to_owned(),
        payload,
        signature: hex::encode(sig),
    }
}

/// Checks the kind and the signature, then parses the payload.
pub fn open<T: DeserializeOwned>(
    env: &SignedEnvelope,
    kind: &str,
    device: &PublicKey,
) -> Result<T, EnvelopeError> {
    if env.kind != kind {
        return Err(EnvelopeError::WrongKind {
            expected: kind.to_owned(),
            found: env.kind.clone(),
        });
    }
    let sig: [u8; 64] = hex::decode(&env.signature)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(EnvelopeError::BadSignatureEncoding)?;
    device
        .verify(&signed_bytes(&env.kind, &env.payload), &sig)
        .map_err(|_| EnvelopeError::BadSignature(env.device_id.clone()))?;
    serde_json::from_str(&env.payload).map_err(|e| EnvelopeError::BadPayload(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use examhall_protocol::sync::{Manifest, ManifestEntry};

    fn manifest() -> Manifest {
        Manifest {
            created_at_ms: 5,
            entries: vec![ManifestEntry {
                attempt_id: "a1".into(),
                head_seq: 3,
                head_hash: "ff".into(),
            }],
        }
    }

    #[test]
    fn an_envelope_opens_only_unchanged_with_its_kind_and_its_device_key() {
        let k = SigningKey::generate();
        let env = seal(&k, "dev-1", ENVELOPE_MANIFEST, &manifest());
        let back: Manifest = open(&env, ENVELOPE_MANIFEST, &k.public()).unwrap();
        assert_eq!(back, manifest());

        let mut changed = env.clone();
        changed.payload = changed.payload.replace("\"a1\"", "\"a2\"");
        assert_eq!(
            open::<Manifest>(&changed, ENVELOPE_MANIFEST, &k.public()),
            Err(EnvelopeError::BadSignature("dev-1".into()))
        );
        // The kind is signed too: a manifest cannot be replayed as results.
        let mut relabelled = env.clone();
        relabelled.kind = ENVELOPE_RESULTS.into();
        assert!(matches!(
            open::<Manifest>(&relabelled, ENVELOPE_RESULTS, &k.public()),
            Err(EnvelopeError::BadSignature(_))
        ));
        assert!(matches!(
            open::<Manifest>(&env, ENVELOPE_RESULTS, &k.public()),
            Err(EnvelopeError::WrongKind { .. })
        ));
        let stranger = SigningKey::generate();
        assert!(matches!(
            open::<Manifest>(&env, ENVELOPE_MANIFEST, &stranger.public()),
            Err(EnvelopeError::BadSignature(_))
        ));
    }
}
