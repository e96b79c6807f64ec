//! Exam packages.
//!
//! File layout (all lengths big-endian):
//!
//! ```text
//! "EXHPKG01"                  8 bytes, magic and format version
//! header length               u32
//! header                      JSON (PackageHeader): sealed roster, KDF salt, wrapped key …
//! content                     24-byte nonce ‖ XChaCha20-Poly1305(content key, JSON PackageContent)
//! signature                   64 bytes, Ed25519 by HQ over every byte before it
//! ```
//!
//! The content key is random per package. It is sealed under a key derived with
//! argon2id from the sitting's start code (`wrapped_key` = nonce ‖ ciphertext).
//! Both seals use the package id as associated data, so parts cannot be moved
//! between packages. The roster (password hashes among it) is sealed under the
//! centre's key, which HQ gives only to the centre's enrolled devices
//! (`sealed_roster`, associated data: the package id and the centre). The
//! signature is checked before anything is parsed.

use crate::keys::{PublicKey, SigningKey};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use examhall_domain::StartCode;
use examhall_protocol::sync::{PackageContent, PackageHeader, RosterEntry};

pub const MAGIC: &[u8; 8] = b"EXHPKG01";
/// The header format this build writes and reads (2: the roster is sealed).
pub const FORMAT: u32 = 2;
const SIG_LEN: usize = 64;
const NONCE_LEN: usize = 24;
/// Packages above this size are refused before any work is done.
pub const MAX_PACKAGE_BYTES: usize = 64 * 1024 * 1024;
/// argon2id cost for the start-code key: OWASP's m = 19 MiB, t = 2.
pub const KDF_M_COST: u32 = 19 * 1024;
pub const KDF_T_COST: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("not an Examhall package (the file does not start with {:?})", std::str::from_utf8(MAGIC).unwrap_or(""))]
    NotAPackage,
    #[error("the package is truncated ({0} bytes)")]
    Truncated(usize),
    #[error("the package is too large ({0} bytes; the limit is 64 MiB)")]
    TooLarge(usize),
    #[error("the package's signature does not verify: it is incomplete, was changed after HQ signed it, or HQ did not sign it")]
    BadSignature,
    #[error("the package header is unreadable: {0}")]
    BadHeader(String),
    #[error("the start code does not unlock this package")]
    WrongStartCode,
    #[error("the package content is unreadable: {0}")]
    BadContent(String),
    #[error("the package's roster is sealed to another centre's devices, or this device enrolled before rosters were sealed (enrol it again)")]
    WrongCentreKey,
}

/// A package whose signature has been checked. Its content is still sealed.
#[derive(Debug, Clone)]
pub struct VerifiedPackage {
    pub header: PackageHeader,
    bytes: Vec<u8>,
    content_start: usize,
}

/// A package opened with its start code.
#[derive(Debug, Clone)]
pub struct OpenedPackage {
    pub header: PackageHeader,
    pub content: PackageContent,
}

/// What HQ puts into a package.
#[derive(Debug, Clone)]
pub struct PackageInput<'a> {
    pub package_id: &'a str,
    pub centre: &'a str,
    pub created_at_ms: i64,
    pub roster: Vec<RosterEntry>,
    /// The centre's roster key (see [`examhall_protocol::sync::Enrolled::centre_key`]).
    pub centre_key: &'a [u8; 32],
    pub content: &'a PackageContent,
    pub start_code: &'a StartCode,
}

fn roster_aad(package_id: &str, centre: &str) -> Vec<u8> {
    let mut aad = b"examhall roster\0".to_vec();
    aad.extend_from_slice(package_id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(centre.as_bytes());
    aad
}

fn kek(code: &StartCode, salt: &[u8], m: u32, t: u32) -> Result<[u8; 32], PackageError> {
    let params = argon2::Params::new(m, t, 1, Some(32))
        .map_err(|e| PackageError::BadHeader(format!("kdf parameters: {e}")))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    a.hash_password_into(code.as_str().as_bytes(), salt, &mut out)
        .map_err(|e| PackageError::BadHeader(format!("kdf: {e}")))?;
    Ok(out)
}

fn seal(key: &[u8; 32], aad: &[u8], msg: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = crate::random::<NONCE_LEN>();
    let ct = cipher
        .encrypt(&XNonce::from(nonce), Payload { msg, aad })
        .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

fn unseal(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ct) = sealed.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
    XChaCha20Poly1305::new(key.into())
        .decrypt(&XNonce::from(nonce), Payload { msg: ct, aad })
        .ok()
}

/// Builds and signs a package.
pub fn build(input: &PackageInput<'_>, hq: &SigningKey) -> Vec<u8> {
    let content_key = crate::random::<32>();
    let salt = crate::random::<16>();
    let kek = kek(input.start_code, &salt, KDF_M_COST, KDF_T_COST)
        .expect("constant argon2 parameters are valid");
    let aad = input.package_id.as_bytes();
    let roster = serde_json::to_vec(&input.roster).expect("rosters serialise");
    let header = PackageHeader {
        format: FORMAT,
        package_id: input.package_id.to_owned(),
        centre: input.centre.to_owned(),
        exam_title: input.content.spec.title.clone(),
        duration_secs: input.content.spec.duration_secs,
        created_at_ms: input.created_at_ms,
        sealed_roster: hex::encode(seal(
            input.centre_key,
            &roster_aad(input.package_id, input.centre),
            &roster,
        )),
        roster_size: input.roster.len() as u32,
        kdf_salt: hex::encode(salt),
        kdf_m_cost: KDF_M_COST,
        kdf_t_cost: KDF_T_COST,
        wrapped_key: hex::encode(seal(&kek, aad, &content_key)),
    };
    let header = serde_json::to_vec(&header).expect("headers serialise");
    let content = serde_json::to_vec(input.content).expect("exam specs serialise");
    let mut out = Vec::with_capacity(header.len() + content.len() + 128);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&seal(&content_key, aad, &content));
    let sig = hq.sign(&out);
    out.extend_from_slice(&sig);
    out
}

/// Checks the signature against HQ's key, then reads the header. Nothing sealed
/// is opened.
pub fn verify(bytes: &[u8], hq: &PublicKey) -> Result<VerifiedPackage, PackageError> {
    if bytes.len() > MAX_PACKAGE_BYTES {
        return Err(PackageError::TooLarge(bytes.len()));
    }
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(PackageError::NotAPackage);
    }
    if bytes.len() < MAGIC.len() + 4 + SIG_LEN {
        return Err(PackageError::Truncated(bytes.len()));
    }
    let (signed, sig) = bytes.split_at(bytes.len() - SIG_LEN);
    let sig: [u8; SIG_LEN] = sig.try_into().expect("split at SIG_LEN");
    hq.verify(signed, &sig)
        .map_err(|_| PackageError::BadSignature)?;
    let len_at = MAGIC.len();
    let header_len =
        u32::from_be_bytes(signed[len_at..len_at + 4].try_into().expect("4 bytes")) as usize;
    let header_start = len_at + 4;
    let content_start = header_start
        .checked_add(header_len)
        .filter(|&end| end <= signed.len())
        .ok_or_else(|| PackageError::BadHeader("header length runs past the end".into()))?;
    let header: PackageHeader = serde_json::from_slice(&signed[header_start..content_start])
        .map_err(|e| PackageError::BadHeader(e.to_string()))?;
    if header.format != FORMAT {
        return Err(PackageError::BadHeader(format!(
            "format {} is not supported (this build reads format {FORMAT})",
            header.format
        )));
    }
    if header.kdf_m_cost > 256 * 1024 || header.kdf_t_cost > 16 {
        return Err(PackageError::BadHeader(
            "kdf parameters out of range".into(),
        ));
    }
    Ok(VerifiedPackage {
        header,
        bytes: signed.to_vec(),
        content_start,
    })
}

impl VerifiedPackage {
    /// Unseals the roster with the centre's key.
    pub fn roster(&self, centre_key: &[u8; 32]) -> Result<Vec<RosterEntry>, PackageError> {
        let h = &self.header;
        let sealed = hex::decode(&h.sealed_roster)
            .map_err(|_| PackageError::BadHeader("sealed_roster is not hex".into()))?;
        let bytes = unseal(centre_key, &roster_aad(&h.package_id, &h.centre), &sealed)
            .ok_or(PackageError::WrongCentreKey)?;
        let roster: Vec<RosterEntry> = serde_json::from_slice(&bytes)
            .map_err(|e| PackageError::BadHeader(format!("roster: {e}")))?;
        if roster.len() != h.roster_size as usize {
            return Err(PackageError::BadHeader(format!(
                "the roster holds {} candidates, the header says {}",
                roster.len(),
                h.roster_size
            )));
        }
        Ok(roster)
    }

    /// Opens the sealed content with the start code.
    pub fn open(&self, code: &StartCode) -> Result<OpenedPackage, PackageError> {
        let h = &self.header;
        let salt = hex::decode(&h.kdf_salt)
            .map_err(|_| PackageError::BadHeader("kdf_salt is not hex".into()))?;
        let wrapped = hex::decode(&h.wrapped_key)
            .map_err(|_| PackageError::BadHeader("wrapped_key is not hex".into()))?;
        let kek = kek(code, &salt, h.kdf_m_cost, h.kdf_t_cost)?;
        let aad = h.package_id.as_bytes();
        let key: [u8; 32] = unseal(&kek, aad, &wrapped)
            .ok_or(PackageError::WrongStartCode)?
            .try_into()
            .map_err(|_| PackageError::BadHeader("content key is not 32 bytes".into()))?;
        let content = unseal(&key, aad, &self.bytes[self.content_start..])
            .ok_or_else(|| PackageError::BadContent("does not decrypt".into()))?;
        let content: PackageContent = serde_json::from_slice(&content)
            .map_err(|e| PackageError::BadContent(e.to_string()))?;
        Ok(OpenedPackage {
            header: h.clone(),
            content,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use examhall_domain::{ExamSpec, Question, QuestionId, QuestionKind};

    fn spec() -> ExamSpec {
        serde_json::from_value(serde_json::json!({
            "title": "Chemistry 1",
            "duration_secs": 600,
            "pass_mark_pct": 50.0,
            "release": "immediately",
            "questions": [{
                "id": "q1", "prompt": "H2O is", "marks": 1.0,
                "kind": {"type": "single_choice", "options": [
                    {"id": "a", "text": "water"}, {"id": "b", "text": "salt"}], "correct": "a"}
            }]
        }))
        .expect("spec json")
    }

    const CENTRE_KEY: [u8; 32] = [7; 32];

    fn build_one(hq: &SigningKey, code: &StartCode) -> Vec<u8> {
        let content = PackageContent { spec: spec() };
        build(
            &PackageInput {
                package_id: "pkg-1",
                centre: "north",
                created_at_ms: 1,
                roster: vec![RosterEntry {
                    username: "ann".into(),
                    display_name: "Ann Archer".into(),
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into(),
                    time_multiplier: 1.25,
                    display_preset: None,
                }],
                centre_key: &CENTRE_KEY,
                content: &content,
                start_code: code,
            },
            hq,
        )
    }

    /// Issue 16, point 5: a package file alone gives away no credential. Before,
    /// the header carried every candidate's argon2 hash in clear.
    #[test]
    fn the_roster_is_sealed_to_the_centres_key() {
        let hq = SigningKey::generate();
        let bytes = build_one(&hq, &StartCode::parse("ABC234").unwrap());
        for secret in [&b"argon2id"[..], b"Ann Archer", b"c2FsdHNhbHQ"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{} is readable in the file",
                String::from_utf8_lossy(secret)
            );
        }
        let v = verify(&bytes, &hq.public()).unwrap();
        assert_eq!(v.header.roster_size, 1);
        let roster = v.roster(&CENTRE_KEY).unwrap();
        assert_eq!(roster[0].username, "ann");
        assert_eq!(roster[0].time_multiplier, 1.25);
        assert_eq!(
            v.roster(&[8; 32]).unwrap_err(),
            PackageError::WrongCentreKey
        );
    }

    #[test]
    fn a_package_verifies_and_opens_with_its_start_code_only() {
        let hq = SigningKey::generate();
        let code = StartCode::parse("ABC234").unwrap();
        let bytes = build_one(&hq, &code);
        // The questions are not readable in the file.
        assert!(!bytes.windows(5).any(|w| w == b"water"));
        let v = verify(&bytes, &hq.public()).unwrap();
        assert_eq!(v.header.exam_title, "Chemistry 1");
        let opened = v.open(&code).unwrap();
        assert_eq!(opened.content.spec, spec());
        let q: &Question = &opened.content.spec.questions[0];
        assert_eq!(q.id, QuestionId::parse("q1").unwrap());
        assert!(matches!(q.kind, QuestionKind::SingleChoice { .. }));
        assert_eq!(
            v.open(&StartCode::parse("ABC235").unwrap()).unwrap_err(),
            PackageError::WrongStartCode
        );
    }

    #[test]
    fn every_single_byte_change_and_a_foreign_signer_are_rejected() {
        let hq = SigningKey::generate();
        let code = StartCode::parse("ABC234").unwrap();
        let bytes = build_one(&hq, &code);
        // Flip one bit at a spread of positions: magic, lengths, header, content, signature.
        let step = (bytes.len() / 97).max(1);
        for i in (0..bytes.len()).step_by(step).chain([bytes.len() - 1]) {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            let e = verify(&b, &hq.public()).unwrap_err();
            assert!(
                matches!(e, PackageError::BadSignature | PackageError::NotAPackage),
                "byte {i}: {e:?}"
            );
        }
        let foreign = SigningKey::generate();
        let theirs = build_one(&foreign, &code);
        assert_eq!(
            verify(&theirs, &hq.public()).unwrap_err(),
            PackageError::BadSignature
        );
        assert_eq!(
            verify(&bytes[..40], &hq.public()).unwrap_err(),
            PackageError::Truncated(40)
        );
        assert_eq!(
            verify(&bytes[..bytes.len() / 2], &hq.public()).unwrap_err(),
            PackageError::BadSignature
        );
        assert_eq!(
            verify(b"PK\x03\x04zipfile", &hq.public()).unwrap_err(),
            PackageError::NotAPackage
        );
    }
}
