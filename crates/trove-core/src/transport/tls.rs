//! TLS for the default transport: rustls with the `ring` provider, the webpki and system roots
//! (or a given CA file instead), optional client certificates, and an explicit insecure mode.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use trove_auth::TlsSettings;

use crate::error::Error;

/// Builds the rustls configuration `settings` describe.
///
/// Without a CA file the server is verified against Mozilla's roots (webpki-roots) and the
/// system's; with `cacert`, against the certificates of that file only, as python clients do
/// with `verify=<cacert>`. `insecure` accepts any server certificate and logs a warning each
/// time a client is built with it.
pub fn client_config(settings: &TlsSettings) -> Result<ClientConfig, Error> {
    let provider = Arc::new(ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(format!("protocol versions: {e}")))?;
    let builder = if settings.insecure {
        tracing::warn!(
            "TLS certificate verification is disabled (insecure): any server can read the \
             credentials and tokens this client sends"
        );
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
    } else {
        let roots = match &settings.cacert {
            Some(path) => roots_from_file(path)?,
            None => default_roots(),
        };
        builder.with_root_certificates(roots)
    };
    let config = match (&settings.client_cert, &settings.client_key) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| tls_error(format!("client certificate {}: {e}", cert.display())))?;
            // The key's own error could quote it; say only which file failed.
            let key = PrivateKeyDer::from_pem_file(key).map_err(|_| {
                tls_error(format!(
                    "client key {}: no readable PEM private key",
                    key.display()
                ))
            })?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| tls_error(format!("client certificate and key: {e}")))?
        }
        (None, None) => builder.with_no_client_auth(),
        _ => {
            return Err(tls_error(
                "a client certificate needs both `cert` and `key`".to_owned(),
            ))
        }
    };
    // ALPN stays empty: the connector sets it for the HTTP versions it enables.
    Ok(config)
}

/// Returns how the default transport gets its rustls configuration: built now when `settings`
/// name files or turn verification off (so a bad file fails `build()`, and the insecure
/// warning is logged then), else built with the default roots on the first `https` connection.
pub(crate) fn config_source(
    settings: &TlsSettings,
) -> Result<Arc<dyn Fn() -> ClientConfig + Send + Sync>, Error> {
    if *settings == TlsSettings::default() {
        return Ok(Arc::new(default_client_config));
    }
    let config = client_config(settings)?;
    Ok(Arc::new(move || config.clone()))
}

/// Returns the rustls configuration of a client with default settings.
pub fn default_client_config() -> ClientConfig {
    let provider = Arc::new(ring::default_provider());
    match ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions() {
        Ok(b) => b
            .with_root_certificates(default_roots())
            .with_no_client_auth(),
        // The ring provider supports the default versions; this arm is unreachable in practice,
        // and falls back to rustls's process-wide default rather than panicking.
        Err(_) => ClientConfig::builder()
            .with_root_certificates(default_roots())
            .with_no_client_auth(),
    }
}

fn tls_error(message: String) -> Error {
    Error::from(crate::error::BuildError::Tls(message))
}

/// Mozilla's roots plus whatever the system trusts (a private CA installed by the operator).
fn default_roots() -> RootCertStore {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let native = rustls_native_certs::load_native_certs();
    for e in &native.errors {
        tracing::debug!(error = %e, "skipping part of the system's certificate store");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::trace!(added, ignored, "system roots loaded");
    roots
}

fn roots_from_file(path: &Path) -> Result<RootCertStore, Error> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| tls_error(format!("CA file {}: {e}", path.display())))?;
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(tls_error(format!(
            "CA file {} holds no usable certificate",
            path.display()
        )));
    }
    Ok(roots)
}

/// Accepts any server certificate, still checking that the handshake is signed by it.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_or_half_configured_files_are_errors_that_name_the_file() {
        let missing = TlsSettings {
            cacert: Some("/nonexistent/ca.pem".into()),
            ..Default::default()
        };
        let err = client_config(&missing).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
        let half = TlsSettings {
            client_cert: Some("/c.pem".into()),
            ..Default::default()
        };
        assert!(client_config(&half).is_err());
        assert!(client_config(&TlsSettings::default()).is_ok());
    }
}
