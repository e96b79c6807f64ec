//! Transport security between machines: certificates pinned by fingerprint, the
//! fingerprint carried in enrolment tokens, and answers authenticated under a
//! device's enrolment secret.
//!
//! - A server (HQ, a centre hub, a room hub) speaks HTTPS with a certificate whose
//!   SHA-256 [`fingerprint`] it prints. Its enrolment tokens carry that fingerprint
//!   ([`EnrolmentTokenParts`]), so a device that enrols trusts exactly that
//!   certificate, never whatever answers first. No certificate authority is involved:
//!   exam centres run on LANs without names or internet.
//! - Plain HTTP is a [`Transport`] a machine must be configured to allow (a closed
//!   lab LAN); the caller logs that it is in use.
//! - A hub's answers that a seat acts on (room commands, result receipts) carry an
//!   HMAC under a key both sides derive from the seat's enrolment secret, over a
//!   nonce the seat chose for that request ([`answer_mac`]). Someone on the LAN who
//!   answers in the hub's place cannot pause a room, add time or make a seat
//!   believe its results are safe.

use hmac::{Hmac, Mac};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The HTTP header carrying the nonce a device chose for one request.
pub const NONCE_HEADER: &str = "x-examhall-nonce";
/// The HTTP header carrying the answer's MAC.
pub const MAC_HEADER: &str = "x-examhall-mac";

/// The crypto provider used for every TLS connection, server and client (ring:
/// small, no C toolchain beyond what the build already needs).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A certificate's fingerprint: SHA-256 of its DER bytes, lowercase hex (what
/// `openssl x509 -noout -fingerprint -sha256` prints, without the colons).
pub fn fingerprint(cert_der: &[u8]) -> String {
    hex::encode(Sha256::digest(cert_der))
}

/// Reads a fingerprint as people write it: hex, any case, with or without colons.
pub fn parse_fingerprint(s: &str) -> Result<[u8; 32], String> {
    let compact: String = s.trim().chars().filter(|c| *c != ':').collect();
    let bytes = hex::decode(&compact)
        .map_err(|_| format!("`{s}` is not a certificate fingerprint (64 hex digits)"))?;
    bytes
        .try_into()
        .map_err(|_| format!("`{s}` is not a certificate fingerprint (64 hex digits)"))
}

/// How a client reaches a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// HTTPS, trusting only the certificate with this fingerprint (lowercase hex).
    Pinned(String),
    /// Plain HTTP, which this machine's configuration allows.
    PlainAllowed,
    /// Neither: an `https://` address without a fingerprint, or plain HTTP that is
    /// not allowed. [`Transport::check`] refuses it with a reason.
    Refused,
}

impl Transport {
    /// The transport for `base`, given the pin (if any) and whether plain HTTP is
    /// allowed on this machine.
    pub fn for_address(base: &str, pin: Option<&str>, allow_plain: bool) -> Transport {
        if base.starts_with("https://") {
            match pin {
                Some(p) => Transport::Pinned(p.to_owned()),
                None => Transport::Refused,
            }
        } else if allow_plain {
            Transport::PlainAllowed
        } else {
            Transport::Refused
        }
    }

    /// Why `base` cannot be reached this way, if it cannot.
    pub fn check(&self, base: &str) -> Result<(), String> {
        let https = base.starts_with("https://");
        match (self, https) {
            (Transport::Pinned(_), true) | (Transport::PlainAllowed, false) => Ok(()),
            (Transport::Pinned(_), false) => Err(format!(
                "`{base}` is plain HTTP, but this server's certificate is pinned: use https://"
            )),
            (_, true) => Err(format!(
                "`{base}` is HTTPS, but no certificate fingerprint is known for it \
                 (it comes with the enrolment token)"
            )),
            (Transport::Refused, false) => Err(format!(
                "`{base}` is plain HTTP, which this machine does not allow; use https:// \
                 (or allow plain HTTP in the configuration, on a closed lab LAN only)"
            )),
        }
    }
}

/// A TLS client configuration that trusts no certificate at all: for a client
/// that may only speak plain HTTP (reqwest needs some TLS configuration).
pub fn no_tls_client_config() -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}

/// A TLS client configuration that accepts exactly one certificate.
pub fn pinned_client_config(pin: &str) -> Result<rustls::ClientConfig, String> {
    let pin = parse_fingerprint(pin)?;
    let provider = provider();
    let verifier = PinnedCertificate {
        pin,
        provider: provider.clone(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// Trusts the server's certificate when its fingerprint is the pinned one; the
/// handshake signatures are checked against that certificate's key as usual.
/// Names and dates are not checked: the pin says which certificate, and a lab
/// server is usually reached by an IP address.
#[derive(Debug)]
struct PinnedCertificate {
    pin: [u8; 32],
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if constant_time_eq(&got, &self.pin) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "the server's certificate {} is not the pinned one {}",
                hex::encode(got),
                hex::encode(self.pin)
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An enrolment token as issued: the one-time secret, and the fingerprint of the
/// certificate of the server the device will talk to (none when that server speaks
/// plain HTTP). Written `<secret>` or `<secret>-<fingerprint>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentTokenParts {
    pub secret: String,
    pub fingerprint: Option<String>,
}

impl EnrolmentTokenParts {
    pub fn parse(token: &str) -> Result<EnrolmentTokenParts, String> {
        let token = token.trim();
        let (secret, fp) = match token.split_once('-') {
            Some((s, f)) => (s, Some(f)),
            None => (token, None),
        };
        if secret.is_empty() || secret.len() > 128 || !secret.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err("the token's secret is not what HQ issues (hex digits)".into());
        }
        let fingerprint = match fp {
            Some(f) => Some(hex::encode(parse_fingerprint(f).map_err(|_| {
                "the token's certificate fingerprint is not 64 hex digits".to_owned()
            })?)),
            None => None,
        };
        Ok(EnrolmentTokenParts {
            secret: secret.to_owned(),
            fingerprint,
        })
    }
}

impl std::fmt::Display for EnrolmentTokenParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.fingerprint {
            Some(fp) => write!(f, "{}-{}", self.secret, fp),
            None => f.write_str(&self.secret),
        }
    }
}

/// The key a hub and a seat share for authenticating the hub's answers: derived
/// from the seat's enrolment secret (the hub stores only its SHA-256, `secret_hash`,
/// which is what the key is made from; the seat computes the same from its secret).
pub fn answer_key_from_secret(secret: &str) -> [u8; 32] {
    answer_key_from_hash(&hex::encode(Sha256::digest(secret.as_bytes())))
}

/// The same key from the stored `secret_hash` (hex).
pub fn answer_key_from_hash(secret_hash_hex: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"examhall answer key v1\0");
    h.update(secret_hash_hex.trim().to_ascii_lowercase().as_bytes());
    h.finalize().into()
}

fn mac_over(key: &[u8; 32], path: &str, nonce: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for part in [path.as_bytes(), nonce.as_bytes(), body] {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part);
    }
    m
}

/// HMAC-SHA256 over the request's path and nonce and the answer's exact bytes,
/// each length-prefixed; lowercase hex.
pub fn answer_mac(key: &[u8; 32], path: &str, nonce: &str, body: &[u8]) -> String {
    hex::encode(mac_over(key, path, nonce, body).finalize().into_bytes())
}

/// Whether `mac` authenticates `body` as the answer to the request with `nonce`
/// (compared in constant time).
pub fn verify_answer_mac(key: &[u8; 32], path: &str, nonce: &str, body: &[u8], mac: &str) -> bool {
    hex::decode(mac.trim()).is_ok_and(|given| {
        mac_over(key, path, nonce, body)
            .verify_slice(&given)
            .is_ok()
    })
}

/// The answer key of the device holding `device_token` (`<device id>.<secret>`).
pub fn answer_key_from_device_token(device_token: &str) -> [u8; 32] {
    answer_key_from_secret(device_token.split_once('.').map_or("", |(_, s)| s))
}

/// A reqwest client that trusts only the certificate with fingerprint `pin`
/// (for tools and tests that call a server's API directly).
pub fn pinned_http_client(pin: &str) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(pinned_client_config(pin)?)
        .build()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_a_fingerprint_or_none() {
        let fp = "AB:".repeat(31) + "AB";
        let t = EnrolmentTokenParts::parse(&format!("00ff-{fp}")).unwrap();
        assert_eq!(t.secret, "00ff");
        assert_eq!(t.fingerprint.as_deref(), Some("ab".repeat(32).as_str()));
        assert_eq!(t.to_string(), format!("00ff-{}", "ab".repeat(32)));
        let plain = EnrolmentTokenParts::parse(" 00ff ").unwrap();
        assert_eq!(plain.fingerprint, None);
        assert!(EnrolmentTokenParts::parse("00ff-abc").is_err());
        assert!(EnrolmentTokenParts::parse("zz").is_err());
    }

    #[test]
    fn an_https_address_needs_a_pin_and_plain_http_needs_permission() {
        let pin = "ab".repeat(32);
        assert_eq!(
            Transport::for_address("https://hq", Some(&pin), false),
            Transport::Pinned(pin.clone())
        );
        assert_eq!(
            Transport::for_address("https://hq", None, true),
            Transport::Refused
        );
        assert_eq!(
            Transport::for_address("http://hq", None, false),
            Transport::Refused
        );
        assert!(Transport::Refused.check("http://hq").is_err());
        assert!(Transport::Refused.check("https://hq").is_err());
        assert!(Transport::PlainAllowed.check("http://hq").is_ok());
        assert!(Transport::Pinned(pin).check("http://hq").is_err());
    }

    #[test]
    fn an_answer_mac_binds_key_path_nonce_and_body() {
        let k = answer_key_from_secret("s3cret");
        assert_eq!(
            k,
            answer_key_from_hash(&hex::encode(Sha256::digest(b"s3cret")))
        );
        let mac = answer_mac(&k, "/api/sync/room/", "n1", b"{}");
        assert!(verify_answer_mac(&k, "/api/sync/room/", "n1", b"{}", &mac));
        assert!(!verify_answer_mac(&k, "/api/sync/room/", "n2", b"{}", &mac));
        assert!(!verify_answer_mac(
            &k,
            "/api/sync/results/",
            "n1",
            b"{}",
            &mac
        ));
        assert!(!verify_answer_mac(
            &k,
            "/api/sync/room/",
            "n1",
            b"{ }",
            &mac
        ));
        let other = answer_key_from_secret("other");
        assert!(!verify_answer_mac(
            &other,
            "/api/sync/room/",
            "n1",
            b"{}",
            &mac
        ));
        assert!(!verify_answer_mac(&k, "/api/sync/room/", "n1", b"{}", "zz"));
    }
}
