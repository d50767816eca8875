//! Authentication through the whole client: every strategy against the emulator, a token
//! expiry under 200 concurrent calls, a user's own strategy, and no secret in `Debug` output or
//! logs of an authenticated session.

// A test that cannot set up its server should fail loudly.
// Tests here run one at a time: one of them captures traces with a thread-local subscriber, and
// tracing caches callsite interest process-wide, so a concurrent test can disable its events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use shared::{concurrent_gets, send_to_identity, Logs};
use trove_auth::strategy::{KeystoneV2, Tenant};
use trove_auth::{
    AuthError, AuthHttp, AuthStrategy, Clock, EndpointFilter, Interface, Secret, Session,
};
use trove_core::{Client, Error};
use trove_emulator::{Config, Emulator, DEMO_PROJECT_ID};
use trove_types::instance::UserSpec;

const AUTH: &str = "http://localhost:8779";

fn emulator() -> Emulator {
    Emulator::new(Config::with_reads(0))
}

/// Authenticates with `builder` and proves the token works by listing instances.
async fn works(builder: trove_core::ClientBuilder, emulator: &Emulator) -> Result<String, Error> {
    let client = builder.transport(emulator.service()).build()?;
    let endpoint = client.authenticate().await?;
    client.instances().list().await?;
    Ok(endpoint)
}

#[tokio::test]
#[serial_test::serial]
async fn every_named_strategy_authenticates_against_the_emulator() {
    let emu = emulator();
    let demo = format!("http://localhost:8779/v1.0/{DEMO_PROJECT_ID}");
    let cases: [(&str, String, Option<&str>, Option<&str>); 8] = [
        ("keystone", format!("{AUTH}/v3"), None, None),
        ("v3password", AUTH.to_owned(), None, None),
        // python-troveclient's v2.0 URLs make `keystone` speak v2.0.
        (
            "keystone",
            format!("{AUTH}/v2.0/tokens"),
            None,
            Some("RegionOne"),
        ),
        (
            "keystone-v2",
            format!("{AUTH}/v2.0"),
            None,
            Some("RegionOne"),
        ),
        (
            "rax",
            format!("{AUTH}/v2.0/tokens"),
            Some("rax:database"),
            None,
        ),
        ("rax2", format!("{AUTH}/v2.0"), Some("rax:database"), None),
        (
            "auth1.1",
            format!("{AUTH}/v1.1/auth"),
            Some("rax:database"),
            None,
        ),
        ("fake", format!("{AUTH}/v1.0/auth"), None, None),
    ];
    for (name, url, service_type, region) in cases {
        let tenant = if name == "fake" {
            DEMO_PROJECT_ID
        } else {
            "demo"
        };
        let mut b = Client::new("jsmith", "abcdef", tenant, &url).auth_strategy(name);
        if let Some(t) = service_type {
            b = b.service_type(t);
        }
        if let Some(r) = region {
            b = b.region(r);
        }
        let endpoint = works(b, &emu)
            .await
            .unwrap_or_else(|e| panic!("{name} at {url}: {e}"));
        assert_eq!(endpoint, demo, "{name}");
    }
}

#[tokio::test]
#[serial_test::serial]
async fn legacy_strategies_cover_tenant_ids_305s_and_bad_keys() {
    let emu = emulator();
    let by_id = KeystoneV2::password(
        &format!("{AUTH}/v2.0"),
        "jsmith",
        "abcdef",
        Tenant::Id(DEMO_PROJECT_ID.into()),
    );
    works(Client::builder().auth(by_id).region("RegionOne"), &emu)
        .await
        .unwrap();

    // POST /v2.0/moved/tokens answers 305 -> /v2.0/tokens, followed once.
    let moved = Client::new("jsmith", "abcdef", "demo", &format!("{AUTH}/v2.0/moved"))
        .auth_strategy("keystone-v2")
        .region("RegionOne");
    works(moved, &emu).await.unwrap();

    // Two regions and no region given: the catalog step fails and says what exists.
    let ambiguous = Client::new("jsmith", "abcdef", "demo", &format!("{AUTH}/v2.0"))
        .auth_strategy("keystone-v2");
    let err = works(ambiguous, &emu).await.unwrap_err();
    match &err {
        Error::Auth(a) => match a.root() {
            AuthError::AmbiguousEndpoints {
                count: 2, matches, ..
            } => {
                assert!(matches.contains("regiontwo.invalid"), "{matches}")
            }
            other => panic!("{other}"),
        },
        other => panic!("{other}"),
    }
    let region_two = Client::new("jsmith", "abcdef", "demo", &format!("{AUTH}/v2.0"))
        .auth_strategy("keystone-v2")
        .region("RegionTwo")
        .transport(emu.service())
        .build()
        .unwrap();
    let s = region_two.session().await.unwrap();
    assert_eq!(
        s.endpoint,
        format!("http://regiontwo.invalid/v1.0/{DEMO_PROJECT_ID}")
    );

    for (name, url) in [
        ("keystone-v2", format!("{AUTH}/v2.0")),
        ("rax", format!("{AUTH}/v2.0/tokens")),
        ("auth1.1", format!("{AUTH}/v1.1/auth")),
        ("keystone", format!("{AUTH}/v3")),
    ] {
        let b = Client::new("jsmith", "wrong", "demo", &url)
            .auth_strategy(name)
            .service_type("rax:database");
        let err = works(b, &emu).await.unwrap_err();
        assert!(err.is_unauthorized(), "{name}: {err}");
        assert!(!err.report().contains("wrong"), "{}", err.report());
    }
}

#[tokio::test]
#[serial_test::serial]
async fn keystone_v3_token_and_static_token_strategies_work() {
    let emu = emulator();
    let first = Client::new("jsmith", "abcdef", "demo", AUTH)
        .transport(emu.service())
        .build()
        .unwrap();
    let token = first.session().await.unwrap().token.clone();
    // Rescope the existing token (`v3token`): key = token.
    let rescoped = Client::new("jsmith", token.clone(), "demo", AUTH).auth_strategy("v3token");
    works(rescoped, &emu).await.unwrap();
    // A static token and endpoint skip the identity service entirely.
    let static_token = Client::builder().token(
        token,
        &format!("http://localhost:8779/v1.0/{DEMO_PROJECT_ID}"),
    );
    works(static_token, &emu).await.unwrap();
}

#[tokio::test]
#[serial_test::serial]
async fn clouds_yaml_configures_the_client() {
    let emu = emulator();
    let loader = trove_auth::ConfigLoader::new(Arc::new(trove_auth::MapEnv::from([(
        "OS_PASSWORD",
        "abcdef",
    )])))
    .with_search_path(vec![]);
    let yaml = r#"
clouds:
  emu:
    auth:
      auth_url: http://localhost:8779/v3
      username: jsmith
      project_name: demo
      user_domain_id: default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
"#;
    let config = loader.load_str(yaml, "emu").unwrap();
    let b = Client::builder().config(&config).unwrap();
    works(b, &emu).await.unwrap();
}

/// A user's own strategy: fetches a token from Keystone v3 with a body it builds itself, and
/// uses a fixed Trove endpoint instead of the catalog.
#[derive(Debug)]
struct VaultIssued {
    password: Secret,
}

impl AuthStrategy for VaultIssued {
    fn authenticate<'a>(
        &'a self,
        http: &'a dyn AuthHttp,
        _filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>> {
        Box::pin(async move {
            let url = "http://localhost:8779/v3/auth/tokens";
            let body = serde_json::json!({"auth": {"identity": {"methods": ["password"],
                "password": {"user": {"name": "jsmith", "domain": {"id": "default"},
                "password": self.password.expose()}}}}});
            let request = http::Request::post(url)
                .header("content-type", "application/json")
                .body(Bytes::from(body.to_string()))
                .unwrap();
            let response = send_to_identity(http, request).await?;
            let token = response
                .headers()
                .get("x-subject-token")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| AuthError::Malformed {
                    url: url.into(),
                    reason: "no token".into(),
                })?;
            let endpoint = format!("http://localhost:8779/v1.0/{DEMO_PROJECT_ID}");
            Ok(Session::new(token, endpoint).with_project_id(DEMO_PROJECT_ID))
        })
    }

    fn name(&self) -> &'static str {
        "vault-issued"
    }
}

#[tokio::test]
#[serial_test::serial]
async fn a_users_own_strategy_plugs_in_through_the_trait() {
    let emu = emulator();
    let b = Client::builder().auth(VaultIssued {
        password: "abcdef".into(),
    });
    works(b, &emu).await.unwrap();
}

#[derive(Debug)]
struct ManualClock(Mutex<SystemTime>);

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Formats `t`, which must fall on 2030-01-01 UTC, as Keystone does.
fn keystone_time(t: SystemTime) -> String {
    let day_start = 1_893_456_000; // 2030-01-01T00:00:00Z
    let s = t.duration_since(UNIX_EPOCH).unwrap().as_secs() - day_start;
    assert!(s < 86_400);
    format!(
        "2030-01-01T{:02}:{:02}:{:02}.000000Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

const INSTANCE: &str =
    r#"{"instance": {"id": "i-1", "name": "db", "status": "ACTIVE", "links": []}}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[serial_test::serial]
async fn two_hundred_concurrent_calls_across_an_expiry_cost_one_auth_request() {
    let clock = Arc::new(ManualClock(Mutex::new(
        UNIX_EPOCH + Duration::from_secs(1_893_456_000),
    )));
    let auth_requests = Arc::new(AtomicUsize::new(0));
    let tokens_seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let transport = {
        let clock = clock.clone();
        let auth_requests = auth_requests.clone();
        let tokens_seen = tokens_seen.clone();
        tower::service_fn(move |req: http::Request<Full<Bytes>>| {
            let clock = clock.clone();
            let auth_requests = auth_requests.clone();
            let tokens_seen = tokens_seen.clone();
            async move {
                let path = req.uri().path().to_owned();
                let token = req
                    .headers()
                    .get("x-auth-token")
                    .map(|v| v.to_str().unwrap().to_owned());
                let _ = req.into_body().collect().await;
                let response = if path == "/v3/auth/tokens" {
                    let n = auth_requests.fetch_add(1, Ordering::SeqCst) + 1;
                    // Let the other callers pile up behind the one authenticating.
                    tokio::task::yield_now().await;
                    let expires = keystone_time(clock.now() + Duration::from_secs(3600));
                    let body = format!(
                        r#"{{"token": {{"expires_at": "{expires}", "project": {{"id": "p1"}},
                        "catalog": [{{"type": "database", "name": "trove", "endpoints": [
                        {{"interface": "public", "region": "RegionOne",
                          "url": "http://trove.test:8779/v1.0/p1"}}]}}]}}}}"#
                    );
                    http::Response::builder()
                        .status(201)
                        .header("x-subject-token", format!("tok-{n}"))
                        .body(Full::new(Bytes::from(body)))
                        .unwrap()
                } else {
                    tokens_seen.lock().unwrap().push(token.unwrap_or_default());
                    http::Response::builder()
                        .status(200)
                        .body(Full::new(Bytes::from_static(INSTANCE.as_bytes())))
                        .unwrap()
                };
                Ok::<_, Infallible>(response)
            }
        })
    };
    let client = Client::new("jsmith", "abcdef", "demo", "http://keystone.test:5000/v3")
        .clock(clock.clone())
        .transport(transport)
        .build()
        .unwrap();

    let burst = |client: Client| async move {
        for got in concurrent_gets(&client, 200).await {
            assert_eq!(got.unwrap().name, "db");
        }
    };

    burst(client.clone()).await;
    assert_eq!(auth_requests.load(Ordering::SeqCst), 1);
    // Past the expiry: the next burst re-authenticates, once, and uses only the new token.
    *clock.0.lock().unwrap() += Duration::from_secs(3601);
    burst(client.clone()).await;
    assert_eq!(auth_requests.load(Ordering::SeqCst), 2);
    let seen = tokens_seen.lock().unwrap();
    assert_eq!(seen.len(), 400);
    assert!(seen[..200].iter().all(|t| t == "tok-1"));
    assert!(
        seen[200..].iter().all(|t| t == "tok-2"),
        "a stale token was sent"
    );
    assert_eq!(client.auth_count(), 2);
}

#[tokio::test(flavor = "current_thread")]
#[serial_test::serial]
async fn a_whole_session_never_shows_a_secret_in_debug_output_or_logs() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = emulator();
    let mut shown = String::new();
    let client = Client::new("jsmith", "keystone-pa55", "demo", AUTH)
        .transport(emu.service())
        .build()
        .unwrap();
    // A failed login first: the error must not echo the password.
    let err = client.authenticate().await.unwrap_err();
    shown += &format!("{err:?} {err}");
    assert!(err.is_unauthorized());

    let client = Client::new("jsmith", "abcdef", "demo", AUTH)
        .transport(emu.service())
        .build()
        .unwrap();
    let instance = client
        .instances()
        .create("db1", "1")
        .volume(1)
        .user(UserSpec::new("appuser", "db-user-pa55"))
        .await
        .unwrap();
    let first = client.session().await.unwrap();
    shown += &format!("{client:?} {first:?} {instance:?}");
    // Every token dies: the next call gets a 401, re-authenticates once and is replayed.
    emu.revoke_tokens();
    let again = client.instances().get(&instance.id).await.unwrap();
    assert_eq!(client.auth_count(), 2);
    let second = client.session().await.unwrap();
    shown += &format!("{again:?} {second:?}");
    let config = trove_auth::ConfigLoader::new(Arc::new(trove_auth::MapEnv::from([
        ("OS_AUTH_URL", AUTH),
        ("OS_USERNAME", "jsmith"),
        ("OS_PASSWORD", "env-pa55"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "app-cred-pa55"),
        ("OS_APPLICATION_CREDENTIAL_ID", "ac1"),
    ])))
    .with_search_path(vec![])
    .load(None)
    .unwrap();
    shown += &format!("{config:?} {:?}", config.strategy().unwrap());

    drop(_guard);
    let logs = logs.text();
    assert!(
        logs.contains("authenticating"),
        "no auth events captured:\n{logs}"
    );
    for secret in [
        "abcdef",
        "keystone-pa55",
        "db-user-pa55",
        "env-pa55",
        "app-cred-pa55",
        first.token.expose(),
        second.token.expose(),
    ] {
        assert!(!shown.contains(secret), "{secret} in Debug output: {shown}");
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}

#[tokio::test]
#[serial_test::serial]
async fn the_token_only_goes_to_the_catalog_endpoint() {
    let seen = Arc::new(Mutex::new(Vec::<(String, bool)>::new()));
    let emu = emulator();
    let svc = emu.service();
    let transport = {
        let seen = seen.clone();
        tower::service_fn(move |req: http::Request<Full<Bytes>>| {
            let seen = seen.clone();
            let mut svc = svc.clone();
            seen.lock().unwrap().push((
                req.uri().to_string(),
                req.headers().contains_key("x-auth-token"),
            ));
            tower::Service::call(&mut svc, req)
        })
    };
    let client = Client::new("jsmith", "abcdef", "demo", AUTH)
        .interface(Interface::Public)
        .transport(transport)
        .build()
        .unwrap();
    client.instances().list().await.unwrap();
    client
        .versions()
        .index("http://elsewhere.test:8779")
        .await
        .ok();
    let seen = seen.lock().unwrap();
    for (uri, token) in seen.iter() {
        let to_trove = uri.starts_with(&format!("http://localhost:8779/v1.0/{DEMO_PROJECT_ID}/"));
        assert_eq!(*token, to_trove, "{uri}");
    }
    assert!(seen
        .iter()
        .any(|(u, _)| u.starts_with("http://elsewhere.test")));
}

#[tokio::test]
#[serial_test::serial]
async fn a_token_that_cannot_be_a_header_fails_the_call_as_an_auth_error_before_sending() {
    let sent = Arc::new(AtomicUsize::new(0));
    let emu = emulator();
    let svc = emu.service();
    let transport = {
        let sent = sent.clone();
        tower::service_fn(move |req: http::Request<Full<Bytes>>| {
            sent.fetch_add(1, Ordering::SeqCst);
            let mut svc = svc.clone();
            tower::Service::call(&mut svc, req)
        })
    };
    let secret = "line-one\nline-two";
    let client = Client::builder()
        .token(
            secret,
            &format!("http://localhost:8779/v1.0/{DEMO_PROJECT_ID}"),
        )
        .transport(transport)
        .build();
    let err = match client {
        Ok(client) => client.instances().list().await.unwrap_err(),
        Err(err) => err,
    };
    assert!(
        matches!(err, Error::Auth(AuthError::InvalidConfig(_))),
        "{err:?}"
    );
    assert_eq!(sent.load(Ordering::SeqCst), 0);
    assert!(!format!("{err:?} {err}").contains("line-one"), "{err:?}");
}
