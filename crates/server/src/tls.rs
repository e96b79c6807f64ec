//! HTTPS for `examhall serve` and the desktop's room hub: a certificate given by
//! the operator (`--tls-cert`/`--tls-key`, PEM), or one this server creates once,
//! self-signed, and keeps in its data directory. Either way its SHA-256
//! fingerprint is what devices pin (it travels in the enrolment tokens).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A server's certificate chain and key, ready to serve, and the fingerprint of
/// its leaf certificate.
#[derive(Clone)]
pub struct TlsIdentity {
    config: Arc<rustls::ServerConfig>,
    fingerprint: String,
    cert_path: PathBuf,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity")
            .field("fingerprint", &self.fingerprint)
            .field("cert_path", &self.cert_path)
            .finish_non_exhaustive()
    }
}

/// Why a certificate could not be used; names the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("the TLS configuration: {0}")]
    Config(String),
}

fn file_error(path: &Path, message: impl std::fmt::Display) -> TlsError {
    TlsError::File {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

impl TlsIdentity {
    /// The leaf certificate's fingerprint (SHA-256 of its DER, lowercase hex).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Where the certificate is (to hand to clients that want the PEM).
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// The operator's certificate (chain, leaf first) and private key, PEM.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<TlsIdentity, TlsError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .map_err(|e| file_error(cert, e))?
            .collect::<Result<_, _>>()
            .map_err(|e| file_error(cert, format!("not a PEM certificate: {e}")))?;
        if chain.is_empty() {
            return Err(file_error(cert, "holds no CERTIFICATE block"));
        }
        let key_der = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| file_error(key, format!("not a PEM private key: {e}")))?;
        Self::build(chain, key_der, cert)
    }

    /// The certificate in `dir/tls/` (`cert.pem`, `key.pem`), created self-signed
    /// on first use: key 0600, directory 0700. Later starts reuse it, so its
    /// fingerprint (and every device's pin) stays the same.
    pub fn load_or_create(dir: &Path, names: &[String]) -> Result<TlsIdentity, TlsError> {
        let tls_dir = dir.join("tls");
        let cert = tls_dir.join("cert.pem");
        let key = tls_dir.join("key.pem");
        if !cert.exists() || !key.exists() {
            create_dir_private(&tls_dir)?;
            let mut sans: Vec<String> = vec!["localhost".into()];
            sans.extend(names.iter().cloned());
            let made = rcgen::generate_simple_self_signed(sans)
                .map_err(|e| TlsError::Config(format!("creating a certificate: {e}")))?;
            write_private(&key, made.signing_key.serialize_pem().as_bytes())?;
            std::fs::write(&cert, made.cert.pem()).map_err(|e| file_error(&cert, e))?;
            tracing::info!(path = %cert.display(), "created a self-signed certificate");
        }
        Self::from_pem_files(&cert, &key)
    }

    fn build(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        cert_path: &Path,
    ) -> Result<TlsIdentity, TlsError> {
        let fingerprint = examhall_app::transport::fingerprint(chain[0].as_ref());
        let mut config =
            rustls::ServerConfig::builder_with_provider(examhall_app::transport::provider())
                .with_safe_default_protocol_versions()
                .map_err(|e| TlsError::Config(e.to_string()))?
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .map_err(|e| file_error(cert_path, format!("certificate and key: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsIdentity {
            config: Arc::new(config),
            fingerprint,
            cert_path: cert_path.to_owned(),
        })
    }

    pub(crate) fn server_config(&self) -> Arc<rustls::ServerConfig> {
        self.config.clone()
    }
}

fn create_dir_private(dir: &Path) -> Result<(), TlsError> {
    std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| file_error(dir, e))?;
    }
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| file_error(path, e))?;
    f.write_all(bytes).map_err(|e| file_error(path, e))?;
    f.sync_all().map_err(|e| file_error(path, e))
}
