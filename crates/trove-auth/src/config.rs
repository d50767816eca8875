//! Cloud configuration from `clouds.yaml`, `secure.yaml` and `OS_*` variables, read as
//! openstacksdk and gophercloud read them.
//!
//! Precedence, strongest first:
//!
//! 1. which cloud: the name given to [`ConfigLoader::load`], else `OS_CLOUD`; with neither, the
//!    `OS_*` variables alone describe the cloud (openstacksdk's `envvars` cloud);
//! 2. for a named cloud: its entry in `secure.yaml`, over its entry in `clouds.yaml`, over the
//!    `OS_*` variables, which only fill credentials and the region that the files leave unset
//!    (gophercloud's rule; openstacksdk ignores them, which is the same whenever the files are
//!    complete);
//! 3. where files are found: `OS_CLIENT_CONFIG_FILE` (`OS_CLIENT_SECURE_FILE` for secrets), then
//!    the current directory, `$XDG_CONFIG_HOME/openstack`, `~/.config/openstack` and
//!    `/etc/openstack`, each as `.yaml`, `.yml` then `.json`; the first file found is the only one
//!    read.
//!
//! The environment is read through an [`EnvSource`], so tests give a map instead of mutating the
//! process environment.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::catalog::{EndpointFilter, Interface};
use crate::error::AuthError;
use crate::strategy::{
    Auth11, AuthStrategy, AuthType, DomainRef, FakeAuth, KeystoneV2, KeystoneV3, Scope,
    StaticToken, Tenant, UserRef, V3Method,
};
use trove_types::Secret;

/// Where configuration reads environment variables from.
pub trait EnvSource: Send + Sync + Debug {
    /// Returns the variable's value; unset and empty are both `None`.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// A fixed set of variables, for tests and for callers that collect settings themselves.
///
/// ```
/// use trove_auth::config::{EnvSource, MapEnv};
/// let env = MapEnv::from([("OS_CLOUD", "prod")]);
/// assert_eq!(env.var("OS_CLOUD").as_deref(), Some("prod"));
/// ```
#[derive(Clone, Default)]
pub struct MapEnv(BTreeMap<String, String>);

impl Debug for MapEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The values are passwords as often as not.
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for MapEnv {
    fn from(vars: [(K, V); N]) -> Self {
        vars.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for MapEnv {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        MapEnv(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl EnvSource for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

/// How to verify the server and identify the client over TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// A PEM file of CA certificates to trust instead of the default roots (`cacert`).
    pub cacert: Option<PathBuf>,
    /// A PEM client certificate chain (`cert`).
    pub client_cert: Option<PathBuf>,
    /// The PEM private key of the client certificate (`key`).
    pub client_key: Option<PathBuf>,
    /// Skips server certificate verification (`insecure: true` or `verify: false`).
    pub insecure: bool,
}

/// The authentication values of a cloud (`auth:` in `clouds.yaml`, or `OS_*` variables).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AuthValues {
    /// `auth_url` / `OS_AUTH_URL`.
    pub auth_url: Option<String>,
    /// `username` / `OS_USERNAME`.
    pub username: Option<String>,
    /// `user_id` / `OS_USER_ID`.
    pub user_id: Option<String>,
    /// `password` / `OS_PASSWORD`.
    pub password: Option<Secret>,
    /// `project_name` (or `tenant_name`) / `OS_PROJECT_NAME` (`OS_TENANT_NAME`).
    pub project_name: Option<String>,
    /// `project_id` (or `tenant_id`) / `OS_PROJECT_ID` (`OS_TENANT_ID`).
    pub project_id: Option<String>,
    /// `user_domain_name` / `OS_USER_DOMAIN_NAME`.
    pub user_domain_name: Option<String>,
    /// `user_domain_id` / `OS_USER_DOMAIN_ID`.
    pub user_domain_id: Option<String>,
    /// `project_domain_name` / `OS_PROJECT_DOMAIN_NAME`.
    pub project_domain_name: Option<String>,
    /// `project_domain_id` / `OS_PROJECT_DOMAIN_ID`.
    pub project_domain_id: Option<String>,
    /// `domain_name` / `OS_DOMAIN_NAME`: a domain scope.
    pub domain_name: Option<String>,
    /// `domain_id` / `OS_DOMAIN_ID`: a domain scope.
    pub domain_id: Option<String>,
    /// `default_domain` / `OS_DEFAULT_DOMAIN`: the domain id of user and project when not given.
    pub default_domain: Option<String>,
    /// `system_scope` / `OS_SYSTEM_SCOPE` (`all`).
    pub system_scope: Option<String>,
    /// `application_credential_id` / `OS_APPLICATION_CREDENTIAL_ID`.
    pub application_credential_id: Option<String>,
    /// `application_credential_name` / `OS_APPLICATION_CREDENTIAL_NAME`.
    pub application_credential_name: Option<String>,
    /// `application_credential_secret` / `OS_APPLICATION_CREDENTIAL_SECRET`.
    pub application_credential_secret: Option<Secret>,
    /// `token` / `OS_TOKEN` (`OS_AUTH_TOKEN`).
    pub token: Option<Secret>,
    /// `endpoint` / `OS_ENDPOINT` (`OS_URL`): the Trove endpoint of a static token.
    pub endpoint: Option<String>,
    /// `api_key` / `OS_API_KEY`: the key of `rax`, `rax2` and `auth1.1` (else the password).
    pub api_key: Option<Secret>,
}

/// One cloud's resolved configuration.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CloudConfig {
    /// The cloud's name in `clouds.yaml`, or `None` for the `OS_*` variables alone.
    pub cloud: Option<String>,
    /// `auth_type` / `OS_AUTH_TYPE`: an [`AuthType`] name (`password`, `v3password`,
    /// `v2password`, `token`, `v3applicationcredential`, `admin_token`, `rax`, `fake`...).
    /// Inferred from the values when unset; see [`CloudConfig::effective_auth_type`].
    pub auth_type: Option<String>,
    /// The authentication values.
    pub auth: AuthValues,
    /// `region_name` (or the first of `regions`) / `OS_REGION_NAME`.
    pub region_name: Option<String>,
    /// `interface` (or `endpoint_type`) / `OS_INTERFACE` (`OS_ENDPOINT_TYPE`).
    pub interface: Option<String>,
    /// `identity_api_version` / `OS_IDENTITY_API_VERSION`: `2`/`2.0` selects Keystone v2.0.
    pub identity_api_version: Option<String>,
    /// `database_service_type` / `OS_DATABASE_SERVICE_TYPE` (default `database`).
    pub database_service_type: Option<String>,
    /// `database_service_name` / `OS_DATABASE_SERVICE_NAME`.
    pub database_service_name: Option<String>,
    /// `database_endpoint_override` / `OS_DATABASE_ENDPOINT_OVERRIDE` (or
    /// `OS_ENDPOINT_OVERRIDE`).
    pub endpoint_override: Option<String>,
    /// TLS settings (`cacert`, `cert`, `key`, `verify`, `insecure` / `OS_CACERT`, `OS_CERT`,
    /// `OS_KEY`, `OS_INSECURE`).
    pub tls: TlsSettings,
    /// `token_refresh_margin` / `OS_TOKEN_REFRESH_MARGIN`, in seconds: how long before its
    /// expiry a token is replaced, at most half its lifetime (see
    /// [`TokenCache::with_refresh_margin`](crate::TokenCache::with_refresh_margin)).
    pub refresh_margin: Option<std::time::Duration>,
    /// The files the values came from.
    pub files: Vec<PathBuf>,
}

/// Keys of the `auth:` section (and the `OS_*` variables that fill them).
const AUTH_KEYS: &[&str] = &[
    "auth_url",
    "username",
    "user_id",
    "password",
    "project_name",
    "project_id",
    "user_domain_name",
    "user_domain_id",
    "project_domain_name",
    "project_domain_id",
    "domain_name",
    "domain_id",
    "default_domain",
    "system_scope",
    "application_credential_id",
    "application_credential_name",
    "application_credential_secret",
    "token",
    "endpoint",
    "api_key",
];

/// Keys outside `auth:`.
const TOP_KEYS: &[&str] = &[
    "auth_type",
    "region_name",
    "interface",
    "identity_api_version",
    "database_service_type",
    "database_service_name",
    "database_endpoint_override",
    "cacert",
    "cert",
    "key",
    "insecure",
    "verify",
    "token_refresh_margin",
];

/// Older spellings, mapped to the key they mean.
const ALIASES: &[(&str, &str)] = &[
    ("tenant_name", "project_name"),
    ("tenant_id", "project_id"),
    ("auth_token", "token"),
    ("url", "endpoint"),
    ("endpoint_type", "interface"),
    ("endpoint_override", "database_endpoint_override"),
];

/// Finds and reads cloud configuration.
#[derive(Debug, Clone)]
pub struct ConfigLoader {
    env: Arc<dyn EnvSource>,
    search_path: Vec<PathBuf>,
}

impl ConfigLoader {
    /// A loader reading `env`, searching the standard directories (see the module docs).
    pub fn new(env: Arc<dyn EnvSource>) -> Self {
        let mut dirs = Vec::new();
        if let Ok(cwd) = std::env::current_dir() {
            dirs.push(cwd);
        }
        if let Some(xdg) = env.var("XDG_CONFIG_HOME") {
            dirs.push(Path::new(&xdg).join("openstack"));
        }
        if let Some(home) = env.var("HOME").or_else(|| env.var("USERPROFILE")) {
            dirs.push(Path::new(&home).join(".config").join("openstack"));
        }
        dirs.push(PathBuf::from("/etc/openstack"));
        dirs.dedup();
        ConfigLoader {
            env,
            search_path: dirs,
        }
    }

    /// A loader reading the process environment and the standard directories.
    pub fn from_process() -> Self {
        ConfigLoader::new(Arc::new(ProcessEnv))
    }

    /// Searches `dirs` instead of the standard directories (`OS_CLIENT_CONFIG_FILE` and
    /// `OS_CLIENT_SECURE_FILE` still come first).
    pub fn with_search_path(mut self, dirs: Vec<PathBuf>) -> Self {
        self.search_path = dirs;
        self
    }

    /// Returns the directories searched, in order.
    pub fn search_path(&self) -> &[PathBuf] {
        &self.search_path
    }

    /// Resolves the configuration of cloud `cloud`, else of `OS_CLOUD`, else of the `OS_*`
    /// variables alone.
    pub fn load(&self, cloud: Option<&str>) -> Result<CloudConfig, AuthError> {
        let name = cloud
            .map(str::to_owned)
            .or_else(|| self.env.var("OS_CLOUD"));
        let Some(name) = name else {
            return self.resolve_env_only();
        };
        let mut files = Vec::new();
        let clouds = self.find("OS_CLIENT_CONFIG_FILE", "clouds")?;
        let secure = self.find("OS_CLIENT_SECURE_FILE", "secure")?;
        let mut entry: Option<Value> = None;
        for (path, doc) in [clouds, secure].into_iter().flatten() {
            if let Some(found) = doc.pointer(&format!("/clouds/{}", escape(&name))) {
                entry = Some(match entry {
                    Some(mut base) => {
                        merge(&mut base, found.clone());
                        base
                    }
                    None => found.clone(),
                });
                files.push(path);
            }
        }
        let Some(entry) = entry else {
            return Err(AuthError::InvalidConfig(format!(
                "cloud {name:?} is in no clouds.yaml or secure.yaml (looked in {})",
                self.describe_search()
            )));
        };
        let mut config = self.resolve_entry(Some(name), &entry)?;
        config.files = files;
        Ok(config)
    }

    /// Resolves cloud `cloud` from the text of a `clouds.yaml` instead of a file, with the
    /// `OS_*` variables filling gaps as in [`ConfigLoader::load`].
    pub fn load_str(&self, clouds_yaml: &str, cloud: &str) -> Result<CloudConfig, AuthError> {
        let doc = parse_yaml(clouds_yaml, Path::new("<string>"))?;
        let entry = doc
            .pointer(&format!("/clouds/{}", escape(cloud)))
            .ok_or_else(|| AuthError::InvalidConfig(format!("no cloud {cloud:?} in the YAML")))?;
        self.resolve_entry(Some(cloud.to_owned()), entry)
    }

    fn resolve_entry(&self, name: Option<String>, entry: &Value) -> Result<CloudConfig, AuthError> {
        let mut flat = BTreeMap::new();
        let auth = entry.get("auth");
        for (key, value) in auth
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .chain(entry.as_object().into_iter().flatten())
        {
            let key = canonical(key);
            if let Some(v) = scalar(value) {
                flat.entry(key.to_owned()).or_insert(v);
            }
        }
        if !flat.contains_key("region_name") {
            if let Some(first) = entry
                .get("regions")
                .and_then(Value::as_array)
                .and_then(|r| r.first())
            {
                let region = first.get("name").unwrap_or(first);
                if let Some(r) = scalar(region) {
                    flat.insert("region_name".to_owned(), r);
                }
            }
        }
        // Credentials and the region may come from the environment when the files lack them.
        for key in AUTH_KEYS.iter().chain(&["region_name"]) {
            if !flat.contains_key(*key) {
                if let Some(v) = self.env_value(key) {
                    flat.insert((*key).to_owned(), v);
                }
            }
        }
        self.build(name, flat)
    }

    fn resolve_env_only(&self) -> Result<CloudConfig, AuthError> {
        let mut flat = BTreeMap::new();
        for key in AUTH_KEYS.iter().chain(TOP_KEYS) {
            if let Some(v) = self.env_value(key) {
                flat.insert((*key).to_owned(), v);
            }
        }
        if !["auth_url", "endpoint", "token"]
            .iter()
            .any(|k| flat.contains_key(*k))
        {
            return Err(AuthError::InvalidConfig(
                "no cloud configured: set OS_CLOUD (with a clouds.yaml) or OS_AUTH_URL and \
                 credentials"
                    .to_owned(),
            ));
        }
        self.build(None, flat)
    }

    /// Reads `OS_<KEY>`, or one of its older spellings.
    fn env_value(&self, key: &str) -> Option<String> {
        let direct = self.env.var(&format!("OS_{}", key.to_uppercase()));
        direct.or_else(|| {
            ALIASES
                .iter()
                .filter(|(_, canonical)| *canonical == key)
                .find_map(|(old, _)| self.env.var(&format!("OS_{}", old.to_uppercase())))
        })
    }

    fn build(
        &self,
        cloud: Option<String>,
        mut flat: BTreeMap<String, String>,
    ) -> Result<CloudConfig, AuthError> {
        let mut take = |k: &str| flat.remove(k);
        let auth = AuthValues {
            auth_url: take("auth_url"),
            username: take("username"),
            user_id: take("user_id"),
            password: take("password").map(Secret::new),
            project_name: take("project_name"),
            project_id: take("project_id"),
            user_domain_name: take("user_domain_name"),
            user_domain_id: take("user_domain_id"),
            project_domain_name: take("project_domain_name"),
            project_domain_id: take("project_domain_id"),
            domain_name: take("domain_name"),
            domain_id: take("domain_id"),
            default_domain: take("default_domain"),
            system_scope: take("system_scope"),
            application_credential_id: take("application_credential_id"),
            application_credential_name: take("application_credential_name"),
            application_credential_secret: take("application_credential_secret").map(Secret::new),
            token: take("token").map(Secret::new),
            endpoint: take("endpoint"),
            api_key: take("api_key").map(Secret::new),
        };
        let insecure = take("insecure").is_some_and(|v| truthy(&v))
            || take("verify").is_some_and(|v| !truthy(&v));
        let tls = TlsSettings {
            cacert: take("cacert").map(|p| self.expand(&p)),
            client_cert: take("cert").map(|p| self.expand(&p)),
            client_key: take("key").map(|p| self.expand(&p)),
            insecure,
        };
        let refresh_margin = take("token_refresh_margin")
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .map(std::time::Duration::from_secs)
                    .map_err(|_| {
                        AuthError::InvalidConfig(format!(
                            "token_refresh_margin must be a whole number of seconds, not {v:?}"
                        ))
                    })
            })
            .transpose()?;
        Ok(CloudConfig {
            cloud,
            auth_type: take("auth_type"),
            auth,
            region_name: take("region_name"),
            interface: take("interface"),
            identity_api_version: take("identity_api_version"),
            database_service_type: take("database_service_type"),
            database_service_name: take("database_service_name"),
            endpoint_override: take("database_endpoint_override"),
            tls,
            refresh_margin,
            files: Vec::new(),
        })
    }

    /// Expands a leading `~/` with `HOME`, as the Python tools do for file paths.
    fn expand(&self, path: &str) -> PathBuf {
        match (path.strip_prefix("~/"), self.env.var("HOME")) {
            (Some(rest), Some(home)) => Path::new(&home).join(rest),
            _ => PathBuf::from(path),
        }
    }

    /// Returns the first existing `<stem>.yaml|.yml|.json` (after the file in `override_var`),
    /// parsed.
    fn find(&self, override_var: &str, stem: &str) -> Result<Option<(PathBuf, Value)>, AuthError> {
        let candidates = self
            .env
            .var(override_var)
            .map(PathBuf::from)
            .into_iter()
            .chain(self.search_path.iter().flat_map(|dir| {
                ["yaml", "yml", "json"]
                    .iter()
                    .map(move |ext| dir.join(format!("{stem}.{ext}")))
            }));
        for path in candidates {
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| {
                AuthError::InvalidConfig(format!("cannot read {}: {e}", path.display()))
            })?;
            let doc = parse_yaml(&text, &path)?;
            return Ok(Some((path, doc)));
        }
        Ok(None)
    }

    fn describe_search(&self) -> String {
        let dirs: Vec<String> = self
            .search_path
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        dirs.join(", ")
    }
}

impl CloudConfig {
    /// Resolves the configuration from the process environment and the standard files: the
    /// cloud named by `OS_CLOUD`, or the `OS_*` variables.
    pub fn from_env() -> Result<CloudConfig, AuthError> {
        ConfigLoader::from_process().load(None)
    }

    /// Resolves cloud `name` from the standard files, the process environment filling gaps.
    pub fn from_cloud(name: &str) -> Result<CloudConfig, AuthError> {
        ConfigLoader::from_process().load(Some(name))
    }

    /// Returns the effective auth type: the configured one (an [`AuthType`] name), else
    /// inferred from the values (an application credential, else a token without password,
    /// else a password). Fails on a name [`AuthType`] does not know.
    pub fn effective_auth_type(&self) -> Result<AuthType, AuthError> {
        if let Some(t) = &self.auth_type {
            return t.parse();
        }
        let a = &self.auth;
        Ok(if a.application_credential_secret.is_some() {
            AuthType::V3ApplicationCredential
        } else if a.token.is_some() && a.password.is_none() {
            if a.auth_url.is_none() && a.endpoint.is_some() {
                AuthType::AdminToken
            } else {
                AuthType::V3Token
            }
        } else {
            AuthType::Password
        })
    }

    /// Builds the strategy the configuration describes.
    pub fn strategy(&self) -> Result<Arc<dyn AuthStrategy>, AuthError> {
        let a = &self.auth;
        let kind = self.effective_auth_type()?;
        let missing = |what: &str| {
            AuthError::InvalidConfig(format!(
                "auth type \"{kind}\" of {} needs {what}",
                self.cloud
                    .as_deref()
                    .map_or("the OS_* environment".to_owned(), |c| format!(
                        "cloud {c:?}"
                    ))
            ))
        };
        let auth_url = || a.auth_url.clone().ok_or_else(|| missing("auth_url"));
        let password = || a.password.clone().ok_or_else(|| missing("password"));
        let username = || a.username.clone().ok_or_else(|| missing("username"));
        let key = || {
            a.api_key
                .clone()
                .or_else(|| a.password.clone())
                .ok_or_else(|| missing("api_key or password"))
        };
        let v2 = self.identity_v2();
        Ok(match kind {
            AuthType::Password if v2 => {
                Arc::new(self.v2_password(&auth_url()?, &username()?, password()?))
            }
            AuthType::V2Password => {
                Arc::new(self.v2_password(&auth_url()?, &username()?, password()?))
            }
            AuthType::Password | AuthType::V3Password => Arc::new(KeystoneV3::new(
                &auth_url()?,
                V3Method::Password {
                    username: a.username.clone(),
                    user_id: a.user_id.clone(),
                    user_domain: self.user_domain(),
                    password: password()?,
                },
                self.scope(),
            )),
            AuthType::V3Token => Arc::new(KeystoneV3::token(
                &auth_url()?,
                a.token.clone().ok_or_else(|| missing("token"))?,
                self.scope(),
            )),
            AuthType::V3ApplicationCredential => {
                let secret = a
                    .application_credential_secret
                    .clone()
                    .ok_or_else(|| missing("application_credential_secret"))?;
                match (&a.application_credential_id, &a.application_credential_name) {
                    (Some(id), _) => {
                        Arc::new(KeystoneV3::application_credential(&auth_url()?, id, secret))
                    }
                    (None, Some(name)) => Arc::new(KeystoneV3::application_credential_by_name(
                        &auth_url()?,
                        name,
                        self.user_ref()
                            .ok_or_else(|| missing("user_id or username"))?,
                        secret,
                    )),
                    (None, None) => {
                        return Err(missing(
                            "application_credential_id or application_credential_name",
                        ))
                    }
                }
            }
            AuthType::AdminToken => Arc::new(StaticToken::new(
                a.token.clone().ok_or_else(|| missing("token"))?,
                a.endpoint
                    .as_deref()
                    .or(self.endpoint_override.as_deref())
                    .ok_or_else(|| missing("endpoint"))?,
            )),
            AuthType::Rax => Arc::new(KeystoneV2::rax(
                &auth_url()?,
                &username()?,
                key()?,
                self.tenant(),
            )),
            AuthType::Rax2 => Arc::new(KeystoneV2::rax2(
                &auth_url()?,
                &username()?,
                key()?,
                self.tenant(),
            )),
            AuthType::Auth11 => Arc::new(Auth11::new(&auth_url()?, &username()?, key()?)),
            AuthType::Fake => Arc::new(FakeAuth::new(
                a.project_id
                    .clone()
                    .or_else(|| a.project_name.clone())
                    .ok_or_else(|| missing("project_id"))?,
                &auth_url()?,
            )?),
        })
    }

    /// Returns how to pick the Trove endpoint: `database_service_type`, `_name`, region and
    /// interface.
    pub fn endpoint_filter(&self) -> Result<EndpointFilter, AuthError> {
        let interface = match &self.interface {
            None => Interface::Public,
            Some(i) => Interface::parse(i).ok_or_else(|| {
                AuthError::InvalidConfig(format!(
                    "interface {i:?} is not public, internal or admin"
                ))
            })?,
        };
        Ok(EndpointFilter {
            service_type: self
                .database_service_type
                .clone()
                .unwrap_or_else(|| "database".to_owned()),
            service_name: self.database_service_name.clone(),
            region: self.region_name.clone(),
            interface,
        })
    }

    /// Returns the TLS settings.
    pub fn tls(&self) -> &TlsSettings {
        &self.tls
    }

    fn identity_v2(&self) -> bool {
        match self.identity_api_version.as_deref() {
            Some(v) => v.starts_with('2'),
            None => self
                .auth
                .auth_url
                .as_deref()
                .is_some_and(|u| u.trim_end_matches('/').ends_with("/v2.0")),
        }
    }

    fn v2_password(&self, auth_url: &str, username: &str, password: Secret) -> KeystoneV2 {
        KeystoneV2::password(auth_url, username, password, self.tenant())
    }

    fn tenant(&self) -> Tenant {
        match (&self.auth.project_id, &self.auth.project_name) {
            (_, Some(name)) => Tenant::Name(name.clone()),
            (Some(id), None) => Tenant::Id(id.clone()),
            (None, None) => Tenant::None,
        }
    }

    fn domain(name: &Option<String>, id: &Option<String>, default: &Option<String>) -> DomainRef {
        match (id, name, default) {
            (Some(id), _, _) => DomainRef::Id(id.clone()),
            (None, Some(name), _) => DomainRef::Name(name.clone()),
            (None, None, Some(default)) => DomainRef::Id(default.clone()),
            (None, None, None) => DomainRef::default(),
        }
    }

    fn user_domain(&self) -> DomainRef {
        let a = &self.auth;
        Self::domain(&a.user_domain_name, &a.user_domain_id, &a.default_domain)
    }

    fn user_ref(&self) -> Option<UserRef> {
        let a = &self.auth;
        match (&a.user_id, &a.username) {
            (Some(id), _) => Some(UserRef::Id(id.clone())),
            (None, Some(name)) => Some(UserRef::Name {
                name: name.clone(),
                domain: self.user_domain(),
            }),
            (None, None) => None,
        }
    }

    fn scope(&self) -> Scope {
        let a = &self.auth;
        if let Some(id) = &a.project_id {
            return Scope::ProjectId(id.clone());
        }
        if let Some(name) = &a.project_name {
            return Scope::ProjectName {
                name: name.clone(),
                domain: Self::domain(
                    &a.project_domain_name,
                    &a.project_domain_id,
                    &a.default_domain,
                ),
            };
        }
        if a.domain_id.is_some() || a.domain_name.is_some() {
            return Scope::Domain(Self::domain(&a.domain_name, &a.domain_id, &None));
        }
        if a.system_scope.is_some() {
            return Scope::System;
        }
        Scope::Unscoped
    }
}

fn canonical(key: &str) -> &str {
    ALIASES
        .iter()
        .find(|(old, _)| *old == key)
        .map_or(key, |(_, new)| new)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn truthy(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on" | "y"
    )
}

/// Escapes a cloud name for a JSON pointer.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn parse_yaml(text: &str, path: &Path) -> Result<Value, AuthError> {
    // The error names the file and position only: the text holds passwords.
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        AuthError::InvalidConfig(format!("{} is not valid YAML{at}", path.display()))
    })?;
    serde_json::to_value(yaml).map_err(|_| {
        AuthError::InvalidConfig(format!("{} has a key that is not a string", path.display()))
    })
}

/// Merges `over` into `base`, maps key by key, anything else replaced.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<const N: usize>(vars: [(&str, &str); N]) -> Arc<dyn EnvSource> {
        Arc::new(MapEnv::from(vars))
    }

    /// A scratch directory under the target dir, removed when dropped.
    struct Scratch(PathBuf);
    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let dir = std::env::temp_dir()
                .join(format!("trove-auth-config-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
        fn dir(&self, sub: &str) -> PathBuf {
            let d = self.0.join(sub);
            std::fs::create_dir_all(&d).unwrap();
            d
        }
        fn write(&self, sub: &str, file: &str, text: &str) -> PathBuf {
            let p = self.dir(sub).join(file);
            std::fs::write(&p, text).unwrap();
            p
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const CLOUDS: &str = r#"
clouds:
  prod:
    auth:
      auth_url: https://keystone.prod:5000/v3
      username: jsmith
      project_name: demo
      user_domain_name: Users
      project_domain_id: default
    regions: [RegionTwo, RegionOne]
    interface: internal
    cacert: ~/ca.pem
    database_service_name: trove
  legacy:
    auth_type: rax
    auth:
      auth_url: https://identity.example/v2.0
      username: jsmith
      api_key: k3y
      tenant_name: "123456"
    database_service_type: rax:database
    region_name: DFW
"#;

    #[test]
    fn secure_yaml_overrides_clouds_yaml_and_the_environment_only_fills_gaps() {
        let s = Scratch::new("precedence");
        let cwd = s.dir("cwd");
        let home = s.dir("home");
        s.write("home/.config/openstack", "clouds.yaml", CLOUDS);
        s.write(
            "home/.config/openstack",
            "secure.yaml",
            "clouds:\n  prod:\n    auth:\n      password: from-secure\n      username: secure-user\n",
        );
        // A clouds.yaml lower in the search path is never read: the first file found wins.
        s.write(
            "etc",
            "clouds.yaml",
            "clouds:\n  prod:\n    auth_type: fake\n",
        );
        let loader = ConfigLoader::new(env([
            ("OS_CLOUD", "prod"),
            ("OS_PASSWORD", "from-env"),
            ("OS_REGION_NAME", "RegionNine"),
            ("OS_PROJECT_ID", "p-env"),
            ("OS_INTERFACE", "admin"),
            ("HOME", home.to_str().unwrap()),
        ]))
        .with_search_path(vec![cwd, home.join(".config/openstack"), s.dir("etc")]);
        let c = loader.load(None).unwrap();
        assert_eq!(c.cloud.as_deref(), Some("prod"));
        assert_eq!(c.auth.password.as_ref().unwrap().expose(), "from-secure");
        assert_eq!(c.auth.username.as_deref(), Some("secure-user"));
        // The file's first region beats OS_REGION_NAME; a gap (project_id) is filled from env.
        assert_eq!(c.region_name.as_deref(), Some("RegionTwo"));
        assert_eq!(c.auth.project_id.as_deref(), Some("p-env"));
        // Non-credential settings never come from env for a named cloud.
        assert_eq!(c.interface.as_deref(), Some("internal"));
        assert_eq!(c.tls.cacert, Some(home.join("ca.pem")));
        assert_eq!(c.files.len(), 2);
        let f = c.endpoint_filter().unwrap();
        assert_eq!(f.interface, Interface::Internal);
        assert_eq!(f.service_name.as_deref(), Some("trove"));
        assert_eq!(c.strategy().unwrap().name(), "keystone-v3-password");
        assert!(!format!("{c:?}{loader:?}").contains("from-secure"));
        assert!(!format!("{c:?}{loader:?}").contains("from-env"));
    }

    #[test]
    fn an_explicit_name_beats_os_cloud_and_the_override_file_comes_first() {
        let s = Scratch::new("override");
        let special = s.write("x", "my-clouds.yaml", CLOUDS);
        s.write(
            "cwd",
            "clouds.yml",
            "clouds:\n  prod:\n    auth_type: fake\n",
        );
        let loader = ConfigLoader::new(env([
            ("OS_CLOUD", "prod"),
            ("OS_CLIENT_CONFIG_FILE", special.to_str().unwrap()),
        ]))
        .with_search_path(vec![s.dir("cwd")]);
        let c = loader.load(Some("legacy")).unwrap();
        assert_eq!(c.files, [special]);
        assert_eq!(c.auth.project_name.as_deref(), Some("123456"));
        assert_eq!(c.strategy().unwrap().name(), "rax");
        let f = c.endpoint_filter().unwrap();
        assert_eq!(
            (f.service_type.as_str(), f.region.as_deref()),
            ("rax:database", Some("DFW"))
        );
        let missing = loader.load(Some("nope")).unwrap_err().to_string();
        assert!(missing.contains("\"nope\""), "{missing}");
    }

    #[test]
    fn the_first_file_in_the_search_path_wins() {
        let s = Scratch::new("order");
        s.write("a", "clouds.yaml", "clouds:\n  c:\n    auth_type: fake\n    auth: {auth_url: 'http://a:8779', project_id: pa}\n");
        s.write("b", "clouds.yaml", "clouds:\n  c:\n    auth_type: fake\n    auth: {auth_url: 'http://b:8779', project_id: pb}\n");
        let loader = ConfigLoader::new(env([])).with_search_path(vec![
            s.dir("missing"),
            s.dir("a"),
            s.dir("b"),
        ]);
        let c = loader.load(Some("c")).unwrap();
        assert_eq!(c.auth.project_id.as_deref(), Some("pa"));
    }

    #[test]
    fn os_variables_alone_make_a_cloud() {
        let loader = ConfigLoader::new(env([
            ("OS_AUTH_URL", "http://k:5000/v2.0"),
            ("OS_USERNAME", "u"),
            ("OS_PASSWORD", "p"),
            ("OS_TENANT_NAME", "t"),
            ("OS_ENDPOINT_TYPE", "adminURL"),
            ("OS_INSECURE", "true"),
            ("OS_CACERT", "/ca.pem"),
            ("OS_CERT", "/c.pem"),
            ("OS_KEY", "/k.pem"),
        ]))
        .with_search_path(vec![]);
        let c = loader.load(None).unwrap();
        assert_eq!(c.cloud, None);
        assert_eq!(c.strategy().unwrap().name(), "keystone-v2-password");
        assert_eq!(c.endpoint_filter().unwrap().interface, Interface::Admin);
        assert_eq!(
            c.tls,
            TlsSettings {
                cacert: Some("/ca.pem".into()),
                client_cert: Some("/c.pem".into()),
                client_key: Some("/k.pem".into()),
                insecure: true,
            }
        );
        let none = ConfigLoader::new(env([]))
            .with_search_path(vec![])
            .load(None);
        assert!(matches!(none, Err(AuthError::InvalidConfig(_))));
    }

    #[test]
    fn the_refresh_margin_comes_from_clouds_yaml_or_the_environment() {
        let loader = ConfigLoader::new(env([])).with_search_path(vec![]);
        let yaml = "clouds:\n  short:\n    auth_type: fake\n    token_refresh_margin: 5\n";
        let c = loader.load_str(yaml, "short").unwrap();
        assert_eq!(c.refresh_margin, Some(std::time::Duration::from_secs(5)));
        let bad = "clouds:\n  short:\n    auth_type: fake\n    token_refresh_margin: soon\n";
        let e = loader.load_str(bad, "short").unwrap_err();
        assert!(e.to_string().contains("token_refresh_margin"), "{e}");
        let from_env = ConfigLoader::new(env([
            ("OS_AUTH_URL", "http://k:5000/v3"),
            ("OS_TOKEN_REFRESH_MARGIN", "42"),
        ]))
        .with_search_path(vec![])
        .load(None)
        .unwrap();
        assert_eq!(
            from_env.refresh_margin,
            Some(std::time::Duration::from_secs(42))
        );
        let unset = loader.load_str(CLOUDS, "prod").unwrap();
        assert_eq!(unset.refresh_margin, None);
    }

    #[test]
    fn auth_types_are_inferred_or_taken_as_given() {
        let loader = ConfigLoader::new(env([])).with_search_path(vec![]);
        let cases = [
            ("auth: {auth_url: 'http://k', application_credential_id: a, application_credential_secret: s}", "keystone-v3-application-credential"),
            ("auth: {auth_url: 'http://k', application_credential_name: a, username: u, application_credential_secret: s}", "keystone-v3-application-credential"),
            ("auth: {auth_url: 'http://k', token: t, system_scope: all}", "keystone-v3-token"),
            ("auth: {token: t, endpoint: 'http://trove/v1.0/p'}", "static-token"),
            ("auth: {auth_url: 'http://k', username: u, password: p, domain_id: d}", "keystone-v3-password"),
            ("identity_api_version: 2\n    auth: {auth_url: 'http://k', username: u, password: p}", "keystone-v2-password"),
            ("auth_type: v2password\n    auth: {auth_url: 'http://k', username: u, password: p}", "keystone-v2-password"),
            ("auth_type: rax2\n    auth: {auth_url: 'http://k', username: u, password: p}", "rax2"),
            ("auth_type: auth1.1\n    auth: {auth_url: 'http://k', username: u, api_key: k}", "auth1.1"),
            ("auth_type: fake\n    auth: {auth_url: 'http://k:8779', project_id: '1234'}", "fake"),
        ];
        for (body, expected) in cases {
            let yaml = format!("clouds:\n  c:\n    {body}\n");
            let c = loader.load_str(&yaml, "c").unwrap();
            assert_eq!(c.strategy().unwrap().name(), expected, "{body}");
        }
        let c = loader
            .load_str(
                "clouds:\n  c:\n    auth: {auth_url: 'http://k', username: u}\n",
                "c",
            )
            .unwrap();
        let err = c.strategy().unwrap_err().to_string();
        assert!(err.contains("password") && err.contains("\"c\""), "{err}");
        let c = loader
            .load_str("clouds:\n  c:\n    auth_type: kerberos\n", "c")
            .unwrap();
        assert!(c.strategy().is_err());
        let c = loader
            .load_str(
                "clouds:\n  c:\n    interface: private\n    verify: false\n",
                "c",
            )
            .unwrap();
        assert!(c.endpoint_filter().is_err());
        assert!(c.tls.insecure);
    }

    /// Every `auth_type` clouds.yaml accepted before the one table builds the same strategy,
    /// and the builder's names are accepted here too.
    #[test]
    fn every_clouds_yaml_auth_type_builds_its_strategy() {
        let loader = ConfigLoader::new(env([])).with_search_path(vec![]);
        let all = "auth: {auth_url: 'http://k:5000/v3', username: u, password: p, token: t, \
                   application_credential_id: a, application_credential_secret: s, \
                   project_id: '1234', endpoint: 'http://trove/v1.0/p'}";
        let cases = [
            ("password", "keystone-v3-password"),
            ("v3password", "keystone-v3-password"),
            ("v2password", "keystone-v2-password"),
            ("token", "keystone-v3-token"),
            ("v3token", "keystone-v3-token"),
            (
                "v3applicationcredential",
                "keystone-v3-application-credential",
            ),
            (
                "applicationcredential",
                "keystone-v3-application-credential",
            ),
            (
                "application_credential",
                "keystone-v3-application-credential",
            ),
            (
                "application-credential",
                "keystone-v3-application-credential",
            ),
            ("admin_token", "static-token"),
            ("Admin-Token", "static-token"),
            ("token_endpoint", "static-token"),
            ("static", "static-token"),
            ("rax", "rax"),
            ("rax2", "rax2"),
            ("auth1.1", "auth1.1"),
            ("fake", "fake"),
            // New to clouds.yaml: the builder's names.
            ("keystone", "keystone-v3-password"),
            ("keystone-v3", "keystone-v3-password"),
            ("keystone-v2", "keystone-v2-password"),
        ];
        for (name, expected) in cases {
            let yaml = format!("clouds:\n  c:\n    auth_type: {name}\n    {all}\n");
            let c = loader.load_str(&yaml, "c").unwrap();
            assert_eq!(c.strategy().unwrap().name(), expected, "{name}");
        }
    }

    #[test]
    fn bad_yaml_names_the_file_but_not_its_content() {
        let loader = ConfigLoader::new(env([])).with_search_path(vec![]);
        let err = loader
            .load_str("clouds:\n  c:\n    auth: {password: hunter2\n", "c")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not valid YAML") && !err.contains("hunter2"),
            "{err}"
        );
    }
}
