//! The default transport over TLS: the emulator behind a rustls listener with a certificate
//! from a throwaway CA (rcgen). A client without the CA refuses the server; one given the CA file
//! (`cacert`) or told `insecure` succeeds; a server that demands a client certificate accepts
//! only a client that presents one.

// A test that cannot set up its server should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls::crypto::ring;
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use trove_auth::AuthError;
use trove_core::{Client, Error};
use trove_emulator::{Config, Emulator, DEMO_PROJECT_ID};

/// PEM files of a CA, a `localhost` server certificate and a client certificate.
struct Pki {
    dir: PathBuf,
    ca_der: CertificateDer<'static>,
    server: (CertificateDer<'static>, PrivateKeyDer<'static>),
}

impl Pki {
    fn new(tag: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!("trove-tls-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "trove test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();

        let server_key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&server_key, &ca, &ca_key)
            .unwrap();

        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "trove client");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();

        std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.join("client.pem"), client.pem()).unwrap();
        std::fs::write(dir.join("client-key.pem"), client_key.serialize_pem()).unwrap();
        Pki {
            dir,
            ca_der: ca.der().clone(),
            server: (
                server.der().clone(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
            ),
        }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    fn server_config(&self, require_client_cert: bool) -> ServerConfig {
        let provider = Arc::new(ring::default_provider());
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap();
        let builder = if require_client_cert {
            let mut roots = RootCertStore::empty();
            roots.add(self.ca_der.clone()).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        builder
            .with_single_cert(vec![self.server.0.clone()], self.server.1.clone_key())
            .unwrap()
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Serves `emulator` over TLS on a loopback port until the test's runtime ends.
async fn serve_tls(emulator: &Emulator, config: ServerConfig) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let service = emulator.service();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let service = service.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let svc = hyper::service::service_fn(move |req| {
                    let mut s = service.clone();
                    tower::Service::call(&mut s, req)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    addr
}

/// A Keystone v3 client of the TLS emulator. The emulator's catalog advertises `http://`
/// URLs, so Trove calls go to the `https://` endpoint override.
fn client(addr: SocketAddr) -> trove_core::ClientBuilder {
    let base = format!("https://localhost:{}", addr.port());
    Client::new("jsmith", "abcdef", "demo", &format!("{base}/v3"))
        .endpoint_override(&format!("{base}/v1.0/{DEMO_PROJECT_ID}"))
}

fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text += &format!(": {s}");
        source = s.source();
    }
    text
}

async fn round_trip(builder: trove_core::ClientBuilder) -> Result<(), Error> {
    let client = builder.build()?;
    client.authenticate().await?;
    client.instances().list().await?;
    Ok(())
}

#[tokio::test]
async fn a_server_is_trusted_only_with_its_ca_or_an_explicit_insecure() {
    let pki = Pki::new("ca");
    let emulator = Emulator::new(Config::with_reads(0));
    let addr = serve_tls(&emulator, pki.server_config(false)).await;

    let err = round_trip(client(addr)).await.unwrap_err();
    let text = chain(&err);
    assert!(
        matches!(&err, Error::Auth(a) if matches!(a.root(), AuthError::Connect { .. })),
        "{text}"
    );
    assert!(text.to_lowercase().contains("certificate"), "{text}");

    round_trip(client(addr).cacert(pki.path("ca.pem")))
        .await
        .unwrap();
    round_trip(client(addr).insecure(true)).await.unwrap();

    // A CA file that is not the server's CA is refused too.
    let other = Pki::new("other");
    assert!(round_trip(client(addr).cacert(other.path("ca.pem")))
        .await
        .is_err());
}

#[tokio::test]
async fn a_server_that_requires_a_client_certificate_gets_one() {
    let pki = Pki::new("mtls");
    let emulator = Emulator::new(Config::with_reads(0));
    let addr = serve_tls(&emulator, pki.server_config(true)).await;

    let without = round_trip(client(addr).cacert(pki.path("ca.pem"))).await;
    assert!(without.is_err(), "a client without a certificate got in");
    round_trip(
        client(addr)
            .cacert(pki.path("ca.pem"))
            .client_cert(pki.path("client.pem"), pki.path("client-key.pem")),
    )
    .await
    .unwrap();
}

#[test]
fn a_missing_ca_file_fails_the_build_and_names_the_file() {
    let err = Client::builder()
        .cacert(Path::new("/nonexistent/ca.pem"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
}
