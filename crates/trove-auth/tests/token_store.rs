//! The file token store and the token cache over it: permissions, keys, atomic writes, and
//! which stored files are trusted and reused.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use trove_auth::catalog::{CatalogEndpoint, CatalogService};
use trove_auth::config::CloudConfig;
use trove_auth::store::untrusted_reason;
use trove_auth::{
    AuthError, AuthHttp, AuthStrategy, Catalog, Clock, EndpointFilter, FileTokenStore, Interface,
    NoHttp, Secret, Session, TokenCache, TokenKey, TokenStore,
};

/// A fresh directory under the system temp dir, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "trove-token-store-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const NOW: u64 = 2_000_000_000;

fn session(token: &str, expires_in: u64) -> Session {
    Session {
        token: Secret::new(token),
        endpoint: "http://db:8779/v1.0/p1".to_owned(),
        project_id: Some("p1".to_owned()),
        issued_at: None,
        expires_at: Some(UNIX_EPOCH + Duration::from_secs(NOW + expires_in)),
        catalog: Some(Catalog {
            services: vec![CatalogService {
                kind: "database".to_owned(),
                name: Some("trove".to_owned()),
                endpoints: vec![CatalogEndpoint {
                    interface: Interface::Internal,
                    region: Some("RegionOne".to_owned()),
                    url: "http://db:8779/v1.0/p1".to_owned(),
                }],
            }],
        }),
    }
}

fn key(user: &str) -> TokenKey {
    TokenKey::from_parts([("auth_url", Some("http://k/v3")), ("username", Some(user))])
}

fn config(user: &str, password: &str) -> CloudConfig {
    let mut c = CloudConfig::default();
    c.auth.auth_url = Some("http://keystone:5000/v3".to_owned());
    c.auth.username = Some(user.to_owned());
    c.auth.password = Some(Secret::new(password));
    c.auth.project_name = Some("demo".to_owned());
    c.auth.user_domain_name = Some("Default".to_owned());
    c
}

#[test]
fn the_key_hashes_auth_parameters_but_never_the_password() {
    let f = EndpointFilter::default();
    let a = TokenKey::for_config(&config("jsmith", "one"), &f).unwrap();
    let b = TokenKey::for_config(&config("jsmith", "two"), &f).unwrap();
    let other_user = TokenKey::for_config(&config("admin", "one"), &f).unwrap();
    assert_eq!(a, b, "changing only the password must map to the same file");
    assert_ne!(a, other_user);
    assert!(!a.as_str().contains("jsmith") && a.as_str().len() == 64);
    let region = EndpointFilter {
        region: Some("RegionTwo".to_owned()),
        ..EndpointFilter::default()
    };
    assert_ne!(
        a,
        TokenKey::for_config(&config("jsmith", "one"), &region).unwrap()
    );
    let internal = EndpointFilter {
        interface: Interface::Internal,
        ..EndpointFilter::default()
    };
    assert_ne!(
        a,
        TokenKey::for_config(&config("jsmith", "one"), &internal).unwrap()
    );
    // A token given as input would have to be hashed: such configs get no key.
    let mut with_token = config("jsmith", "one");
    with_token.auth.token = Some(Secret::new("gAAAA-input"));
    assert!(TokenKey::for_config(&with_token, &f).is_none());
    // The name/value boundary is part of the hash.
    assert_ne!(
        TokenKey::from_parts([("ab", Some("c"))]),
        TokenKey::from_parts([("a", Some("bc"))])
    );
}

#[test]
fn a_saved_session_round_trips_in_a_private_file() {
    let tmp = Temp::new("roundtrip");
    let dir = tmp.0.join("trove").join("tokens");
    let store = FileTokenStore::new(&dir);
    let k = key("u");
    store.save(&k, &session("tok-1", 3600));

    let dir_mode = std::fs::metadata(&dir).unwrap().mode() & 0o777;
    let file_mode = std::fs::metadata(store.path(&k)).unwrap().mode() & 0o777;
    assert_eq!((dir_mode, file_mode), (0o700, 0o600));

    let back = store.load(&k).unwrap();
    let want = session("tok-1", 3600);
    assert_eq!(back.token.expose(), "tok-1");
    assert_eq!(
        (
            &back.endpoint,
            &back.project_id,
            back.expires_at,
            &back.catalog
        ),
        (
            &want.endpoint,
            &want.project_id,
            want.expires_at,
            &want.catalog
        )
    );
    assert!(store.load(&key("someone else")).is_none());
    // Only the token file and its lock are left: no temporary file.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{}.json", k.as_str()),
            format!("{}.lock", k.as_str())
        ]
    );
}

#[test]
fn an_existing_lax_directory_is_narrowed_to_0700() {
    let tmp = Temp::new("lax");
    std::fs::set_permissions(&tmp.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    FileTokenStore::new(&tmp.0).save(&key("u"), &session("t", 3600));
    assert_eq!(std::fs::metadata(&tmp.0).unwrap().mode() & 0o777, 0o700);
}

#[test]
fn concurrent_writers_never_leave_a_partial_file() {
    let tmp = Temp::new("atomic");
    let store = Arc::new(FileTokenStore::new(&tmp.0));
    let k = key("u");
    store.save(&k, &session("t-initial", 3600));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (store, k) = (store.clone(), k.clone());
            std::thread::spawn(move || {
                for i in 0..50 {
                    // Tokens of different lengths, so a torn write could not parse.
                    let token = format!("t-{w}-{}", "x".repeat(i * 37));
                    store.save(&k, &session(&token, 3600));
                }
            })
        })
        .collect();
    let mut reads = 0;
    while writers.iter().any(|w| !w.is_finished()) || reads < 100 {
        let s = store.load(&k).expect("every read sees a whole file");
        assert!(s.token.expose().starts_with("t-"));
        reads += 1;
    }
    for w in writers {
        w.join().unwrap();
    }
}

#[test]
fn a_corrupt_or_foreign_file_is_ignored() {
    let tmp = Temp::new("corrupt");
    let store = FileTokenStore::new(&tmp.0);
    let k = key("u");
    store.save(&k, &session("t", 3600));
    let path = store.path(&k);

    std::fs::write(&path, b"{\"version\": 1, \"tok").unwrap();
    assert!(store.load(&k).is_none(), "truncated JSON");
    store.save(&k, &session("t", 3600));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace(k.as_str(), key("v").as_str())).unwrap();
    assert!(store.load(&k).is_none(), "a file renamed from another key");

    store.save(&k, &session("t", 3600));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(store.load(&k).is_none(), "a file others can read");

    let meta = std::fs::metadata(&path).unwrap();
    let me = meta.uid();
    assert!(untrusted_reason(&meta, me + 1)
        .unwrap()
        .contains("owned by uid"));
    let dir_meta = std::fs::metadata(&tmp.0).unwrap();
    assert!(untrusted_reason(&dir_meta, me)
        .unwrap()
        .contains("not a regular file"));

    // As root the check can be driven for real: a file given to another user is not trusted.
    store.save(&k, &session("t", 3600));
    assert!(store.load(&k).is_some());
    if is_root() {
        std::os::unix::fs::chown(&path, Some(4321), None).unwrap();
        assert!(store.load(&k).is_none(), "a foreign-owned file");
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

#[derive(Debug)]
struct FixedClock(Mutex<SystemTime>);
impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Issues `fresh-N` tokens valid for an hour.
#[derive(Debug, Default)]
struct Issuer(AtomicU64);
impl AuthStrategy for Issuer {
    fn authenticate<'a>(
        &'a self,
        _http: &'a dyn AuthHttp,
        _filter: &'a EndpointFilter,
    ) -> BoxFuture<'a, Result<Session, AuthError>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(session(&format!("fresh-{n}"), 3600)) })
    }
    fn name(&self) -> &'static str {
        "issuer"
    }
}

fn cache_over(store: &FileTokenStore, margin: Duration) -> (Arc<Issuer>, TokenCache) {
    let issuer = Arc::new(Issuer::default());
    let clock = Arc::new(FixedClock(Mutex::new(
        UNIX_EPOCH + Duration::from_secs(NOW),
    )));
    let cache = TokenCache::new(issuer.clone(), EndpointFilter::default())
        .with_clock(clock)
        .with_refresh_margin(margin)
        .with_store(Arc::new(store.clone()), key("u"));
    (issuer, cache)
}

#[tokio::test]
async fn a_stored_token_is_reused_only_while_valid_for_60_seconds() {
    let tmp = Temp::new("expiry");
    let store = FileTokenStore::new(&tmp.0);

    store.save(&key("u"), &session("stored", 61));
    let (issuer, cache) = cache_over(&store, Duration::from_secs(10));
    let s = cache.session(&NoHttp).await.unwrap();
    assert_eq!(
        (s.token.expose(), issuer.0.load(Ordering::SeqCst)),
        ("stored", 0)
    );

    store.save(&key("u"), &session("stored", 59));
    let (issuer, cache) = cache_over(&store, Duration::from_secs(10));
    let s = cache.session(&NoHttp).await.unwrap();
    assert_eq!(s.token.expose(), "fresh-1", "59 s left is too little");
    assert_eq!(issuer.0.load(Ordering::SeqCst), 1);
    // The new token replaced the stored one.
    assert_eq!(store.load(&key("u")).unwrap().token.expose(), "fresh-1");

    // A longer refresh margin raises the bar: the client would refresh the token at once.
    store.save(&key("u"), &session("stored", 200));
    let (_issuer, cache) = cache_over(&store, Duration::from_secs(300));
    assert_eq!(
        cache.session(&NoHttp).await.unwrap().token.expose(),
        "fresh-1"
    );
}

#[tokio::test]
async fn a_rejected_token_is_removed_from_the_store() {
    let tmp = Temp::new("reject");
    let store = FileTokenStore::new(&tmp.0);
    store.save(&key("u"), &session("stored", 3600));
    let (issuer, cache) = cache_over(&store, Duration::from_secs(10));
    let s = cache.session(&NoHttp).await.unwrap();
    cache.invalidate(&s);
    assert!(store.load(&key("u")).is_none());
    let s = cache.session(&NoHttp).await.unwrap();
    assert_eq!(s.token.expose(), "fresh-1");
    assert_eq!(issuer.0.load(Ordering::SeqCst), 1);
}

#[test]
fn the_user_cache_dir_follows_xdg() {
    let var = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| std::ffi::OsString::from(v))
        }
    };
    assert_eq!(
        FileTokenStore::user_cache_dir(var(&[("XDG_CACHE_HOME", "/c"), ("HOME", "/h")])),
        Some(PathBuf::from("/c/trove/tokens"))
    );
    assert_eq!(
        FileTokenStore::user_cache_dir(var(&[("XDG_CACHE_HOME", "rel"), ("HOME", "/h")])),
        Some(PathBuf::from("/h/.cache/trove/tokens"))
    );
    assert_eq!(FileTokenStore::user_cache_dir(var(&[])), None);
}

#[test]
fn debug_output_never_shows_the_token() {
    let s = session("very-secret-token", 3600);
    assert!(!format!("{s:?}").contains("very-secret-token"));
    let store = FileTokenStore::new("/nonexistent");
    assert!(!format!("{store:?}").contains("secret"));
}
