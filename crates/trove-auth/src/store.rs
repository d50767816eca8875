//! Token stores: where a [`TokenCache`](crate::TokenCache) keeps sessions between runs, so a
//! process that starts with a stored, still valid token makes no identity request.
//!
//! A store maps a [`TokenKey`] (a SHA-256 of the auth parameters, never of a password or other
//! secret) to a [`Session`]: the token, the Trove endpoint, the catalog and the expiry.
//! [`FileTokenStore`] keeps one file per key in the user's cache directory
//! (`$XDG_CACHE_HOME/trove/tokens`, else `~/.cache/trove/tokens`), directory `0700`, files
//! `0600`, written by atomic rename under an advisory lock; a file that is corrupt, not owned by
//! the current user or readable by others is ignored with a warning.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use trove_types::Secret;

use crate::catalog::{Catalog, CatalogEndpoint, CatalogService, EndpointFilter, Interface};
use crate::config::CloudConfig;
use crate::session::Session;
use crate::strategy::AuthType;

/// A stored token is reused only while it stays valid for at least this long (or the cache's
/// refresh margin, when that is longer).
pub const STORE_MIN_VALIDITY: Duration = Duration::from_secs(60);

/// Which stored session belongs to a set of auth parameters: the hex SHA-256 of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey(String);

impl TokenKey {
    /// Hashes named parameters (auth URL, user, project, domain, region, interface, ...). Pass
    /// no secret: the key is a file name. Order matters; empty values count as absent.
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Self {
        let mut hash = Sha256::new();
        for (name, value) in parts {
            let Some(value) = value.filter(|v| !v.is_empty()) else {
                continue;
            };
            // Length prefixes keep `a=bc` and `ab=c` apart.
            for part in [name, value] {
                hash.update((part.len() as u64).to_le_bytes());
                hash.update(part.as_bytes());
            }
        }
        let digest = hash.finalize();
        TokenKey(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The key of a cloud configuration and endpoint filter, or `None` when its strategy takes a
    /// token as input (a key would have to hash that secret) or needs no identity service.
    pub fn for_config(config: &CloudConfig, filter: &EndpointFilter) -> Option<Self> {
        let a = &config.auth;
        let kind = config.effective_auth_type().ok()?;
        if a.token.is_some() || a.auth_url.is_none() || kind == AuthType::Fake {
            return None;
        }
        Some(Self::from_parts([
            ("auth_type", Some(kind.as_str())),
            ("auth_url", a.auth_url.as_deref()),
            ("username", a.username.as_deref()),
            ("user_id", a.user_id.as_deref()),
            ("user_domain_name", a.user_domain_name.as_deref()),
            ("user_domain_id", a.user_domain_id.as_deref()),
            ("project_name", a.project_name.as_deref()),
            ("project_id", a.project_id.as_deref()),
            ("project_domain_name", a.project_domain_name.as_deref()),
            ("project_domain_id", a.project_domain_id.as_deref()),
            ("domain_name", a.domain_name.as_deref()),
            ("domain_id", a.domain_id.as_deref()),
            ("default_domain", a.default_domain.as_deref()),
            ("system_scope", a.system_scope.as_deref()),
            (
                "application_credential_id",
                a.application_credential_id.as_deref(),
            ),
            (
                "application_credential_name",
                a.application_credential_name.as_deref(),
            ),
            (
                "identity_api_version",
                config.identity_api_version.as_deref(),
            ),
            ("service_type", Some(filter.service_type.as_str())),
            ("service_name", filter.service_name.as_deref()),
            ("region", filter.region.as_deref()),
            ("interface", Some(filter.interface.as_str())),
        ]))
    }

    /// Returns the hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keeps sessions between runs. Stores are best effort: a failure to read or write is logged
/// and treated as a miss, never as an error of the call that needed the token.
pub trait TokenStore: Send + Sync + Debug + 'static {
    /// Returns the stored session of `key`, if any (expired or not: the cache decides).
    fn load(&self, key: &TokenKey) -> Option<Session>;
    /// Stores `session` under `key`, replacing what was there.
    fn save(&self, key: &TokenKey, session: &Session);
    /// Forgets `key`'s session (the server rejected its token).
    fn discard(&self, key: &TokenKey);
}

/// The file form of a session.
#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    key: String,
    token: String,
    endpoint: String,
    project_id: Option<String>,
    /// Unix seconds.
    expires_at: Option<u64>,
    /// Unix seconds; kept so the refresh margin still follows the token's lifetime after a load.
    #[serde(default)]
    issued_at: Option<u64>,
    catalog: Option<Vec<StoredService>>,
}

#[derive(Serialize, Deserialize)]
struct StoredService {
    kind: String,
    name: Option<String>,
    endpoints: Vec<StoredEndpoint>,
}

#[derive(Serialize, Deserialize)]
struct StoredEndpoint {
    interface: String,
    region: Option<String>,
    url: String,
}

const FORMAT_VERSION: u32 = 1;

impl Stored {
    fn of(key: &TokenKey, s: &Session) -> Self {
        Stored {
            version: FORMAT_VERSION,
            key: key.0.clone(),
            token: s.token.expose().to_owned(),
            endpoint: s.endpoint.clone(),
            project_id: s.project_id.clone(),
            // Rounded down, so a stored token never looks valid for longer than it is.
            expires_at: s
                .expires_at
                .map(|t| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())),
            issued_at: s
                .issued_at
                .map(|t| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())),
            catalog: s.catalog.as_ref().map(|c| {
                c.services
                    .iter()
                    .map(|svc| StoredService {
                        kind: svc.kind.clone(),
                        name: svc.name.clone(),
                        endpoints: svc
                            .endpoints
                            .iter()
                            .map(|e| StoredEndpoint {
                                interface: e.interface.as_str().to_owned(),
                                region: e.region.clone(),
                                url: e.url.clone(),
                            })
                            .collect(),
                    })
                    .collect()
            }),
        }
    }

    fn into_session(self, key: &TokenKey) -> Result<Session, String> {
        if self.version != FORMAT_VERSION {
            return Err(format!(
                "format version {} is not {FORMAT_VERSION}",
                self.version
            ));
        }
        if self.key != key.0 {
            return Err("it belongs to another key".to_owned());
        }
        let catalog = match self.catalog {
            None => None,
            Some(services) => {
                let mut out = Vec::with_capacity(services.len());
                for svc in services {
                    let mut endpoints = Vec::with_capacity(svc.endpoints.len());
                    for e in svc.endpoints {
                        let interface = Interface::parse(&e.interface)
                            .ok_or_else(|| format!("unknown interface {:?}", e.interface))?;
                        endpoints.push(CatalogEndpoint {
                            interface,
                            region: e.region,
                            url: e.url,
                        });
                    }
                    out.push(CatalogService {
                        kind: svc.kind,
                        name: svc.name,
                        endpoints,
                    });
                }
                Some(Catalog { services: out })
            }
        };
        Ok(Session {
            token: Secret::new(self.token),
            endpoint: self.endpoint,
            project_id: self.project_id,
            expires_at: self.expires_at.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
            issued_at: self.issued_at.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
            catalog,
        })
    }
}

/// One file per key under a directory: `<dir>/<key>.json`.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    dir: PathBuf,
}

impl FileTokenStore {
    /// A store in `dir` (created `0700` on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileTokenStore { dir: dir.into() }
    }

    /// A store in the user's cache directory, `trove/tokens` under `$XDG_CACHE_HOME` (when it
    /// is an absolute path) or `$HOME/.cache`; `None` when neither is set.
    pub fn in_user_cache() -> Option<Self> {
        Self::user_cache_dir(|k| std::env::var_os(k)).map(Self::new)
    }

    /// The directory [`FileTokenStore::in_user_cache`] uses, reading variables with `var`.
    pub fn user_cache_dir(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
        let base = var("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| {
                var("HOME")
                    .map(PathBuf::from)
                    .filter(|p| p.is_absolute())
                    .map(|h| h.join(".cache"))
            })?;
        Some(base.join("trove").join("tokens"))
    }

    /// Returns the directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the file of `key`.
    pub fn path(&self, key: &TokenKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.0))
    }

    fn lock_path(&self, key: &TokenKey) -> PathBuf {
        self.dir.join(format!("{}.lock", key.0))
    }
}

/// Why a stored file is not trusted: not a plain file, another user's, or open to others.
/// `uid` is the current effective user.
pub fn untrusted_reason(meta: &std::fs::Metadata, uid: u32) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if !meta.file_type().is_file() {
            return Some("it is not a regular file".to_owned());
        }
        if meta.uid() != uid {
            return Some(format!("it is owned by uid {}, not {uid}", meta.uid()));
        }
        if meta.mode() & 0o077 != 0 {
            return Some(format!(
                "its mode {:o} lets others read it",
                meta.mode() & 0o777
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = uid;
        (!meta.file_type().is_file()).then(|| "it is not a regular file".to_owned())
    }
}

#[cfg(unix)]
fn current_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

#[cfg(not(unix))]
fn current_uid() -> u32 {
    0
}

impl TokenStore for FileTokenStore {
    fn load(&self, key: &TokenKey) -> Option<Session> {
        let path = self.path(key);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "token cache file unreadable; ignoring it");
                return None;
            }
        };
        if let Some(reason) = untrusted_reason(&meta, current_uid()) {
            tracing::warn!(path = %path.display(), "ignoring the token cache file: {reason}");
            return None;
        }
        let parsed = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).map_err(|e| e.to_string()))
            .and_then(|stored| stored.into_session(key));
        match parsed {
            Ok(session) => Some(session),
            Err(e) => {
                tracing::warn!(path = %path.display(), "ignoring a corrupt token cache file: {e}");
                None
            }
        }
    }

    fn save(&self, key: &TokenKey, session: &Session) {
        if let Err(e) = write_atomically(self, key, session) {
            tracing::warn!(dir = %self.dir.display(), error = %e, "could not save the token cache file");
        }
    }

    fn discard(&self, key: &TokenKey) {
        let result = with_lock(self, key, || match std::fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        });
        if let Err(e) = result {
            tracing::warn!(dir = %self.dir.display(), error = %e, "could not remove the token cache file");
        }
    }
}

/// Creates the directory `0700` (and narrows an existing one of ours to it).
fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let meta = std::fs::metadata(dir)?;
        if meta.uid() != current_uid() {
            return Err(std::io::Error::other(format!(
                "{} is owned by uid {}",
                dir.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o777 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

fn open_private(path: &Path, create_new: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if create_new {
        options.create_new(true);
    } else {
        options.create(true).truncate(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Runs `f` holding the exclusive advisory lock of `key` (a `.lock` file beside the token).
fn with_lock<T>(
    store: &FileTokenStore,
    key: &TokenKey,
    f: impl FnOnce() -> std::io::Result<T>,
) -> std::io::Result<T> {
    ensure_dir(&store.dir)?;
    let lock = open_private(&store.lock_path(key), false)?;
    #[cfg(unix)]
    fs4::FileExt::lock(&lock)?;
    let out = f();
    #[cfg(unix)]
    let _ = fs4::FileExt::unlock(&lock);
    out
}

fn write_atomically(
    store: &FileTokenStore,
    key: &TokenKey,
    session: &Session,
) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(&Stored::of(key, session)).map_err(std::io::Error::other)?;
    with_lock(store, key, || {
        use std::io::Write;
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = store
            .dir
            .join(format!(".{}.{}.{n}.tmp", key.0, std::process::id()));
        let result = (|| {
            let mut file = open_private(&tmp, true)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&tmp, store.path(key))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    })
}
