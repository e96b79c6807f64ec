//! Ed25519 keys, kept as hex on disk and on the wire.

use ed25519_dalek::Signer;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{what}: expected {len} hex characters")]
    BadHex { what: &'static str, len: usize },
    #[error("{0}: not a valid Ed25519 public key")]
    BadPoint(&'static str),
    #[error("signature does not verify")]
    BadSignature,
}

/// A private signing key (HQ's, or a device's).
pub struct SigningKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey(public {})", self.public().to_hex())
    }
}

impl SigningKey {
    pub fn generate() -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(&crate::random::<32>()))
    }

    /// The secret seed as 64 hex characters (for a 0600 key file).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn from_hex(s: &str) -> Result<SigningKey, KeyError> {
        let bytes = decode_32(s.trim(), "secret key")?;
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&bytes)))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.0.sign(msg).to_bytes()
    }
}

/// A public verifying key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn from_hex(s: &str, what: &'static str) -> Result<PublicKey, KeyError> {
        let bytes = decode_32(s.trim(), what)?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| KeyError::BadPoint(what))
    }

    /// Strict verification (rejects malleable and small-order forms).
    pub fn verify(&self, msg: &[u8], sig: &[u8; 64]) -> Result<(), KeyError> {
        let sig = ed25519_dalek::Signature::from_bytes(sig);
        self.0
            .verify_strict(msg, &sig)
            .map_err(|_| KeyError::BadSignature)
    }
}

fn decode_32(s: &str, what: &'static str) -> Result<[u8; 32], KeyError> {
    let bad = KeyError::BadHex { what, len: 64 };
    let v = hex::decode(s).map_err(|_| bad.clone())?;
    v.try_into().map_err(|_| bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_hex_and_signatures_bind_message_and_key() {
        let k = SigningKey::generate();
        let k2 = SigningKey::from_hex(&k.to_hex()).unwrap();
        assert_eq!(k.public(), k2.public());
        let sig = k.sign(b"hello");
        k.public().verify(b"hello", &sig).unwrap();
        assert_eq!(
            k.public().verify(b"hellO", &sig),
            Err(KeyError::BadSignature)
        );
        let other = SigningKey::generate();
        assert_eq!(
            other.public().verify(b"hello", &sig),
            Err(KeyError::BadSignature)
        );
        let pk = PublicKey::from_hex(&k.public().to_hex(), "hq key").unwrap();
        assert_eq!(pk, k.public());
        assert_eq!(
            PublicKey::from_hex("abcd", "hq key"),
            Err(KeyError::BadHex {
                what: "hq key",
                len: 64
            })
        );
    }
}
