//! Credentials: `--os-*` flags over the cloud configuration of the facade's `ConfigLoader`
//! (`clouds.yaml`/`secure.yaml` for `--os-cloud`, else the `OS_*` variables).
//!
//! Nothing here runs before a command asks for a client, so `--help` and `--version` read no
//! file.

use std::path::PathBuf;

use clap::Args;
use troveclient::auth::config::{CloudConfig, ConfigLoader};
use troveclient::auth::{AuthError, Interface};
use troveclient::{Client, Secret};

use crate::error::UsageError;

/// Authentication and endpoint options, given before the command as in the OpenStack client.
/// Each flag overrides the cloud configuration; the variable in brackets is read when neither
/// the flag nor a cloud gives the value.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Authentication")]
pub struct AuthArgs {
    /// Cloud name in clouds.yaml (searched in ./, $XDG_CONFIG_HOME/openstack/,
    /// ~/.config/openstack/, /etc/openstack/, or $OS_CLIENT_CONFIG_FILE).
    #[arg(long, env = "OS_CLOUD", value_name = "NAME")]
    pub os_cloud: Option<String>,
    /// Authentication type: password (Keystone v3, the default), v2password, token,
    /// v3applicationcredential, admin_token (a static --os-token at --os-endpoint-override),
    /// rax, rax2, auth1.1, or fake (Trove's fake mode: the token is the project)
    /// [env: OS_AUTH_TYPE].
    #[arg(long, visible_alias = "auth-strategy", value_name = "TYPE")]
    pub os_auth_type: Option<String>,
    /// Identity service URL [env: OS_AUTH_URL].
    #[arg(long, value_name = "URL")]
    pub os_auth_url: Option<String>,
    /// User name [env: OS_USERNAME].
    #[arg(long, value_name = "NAME")]
    pub os_username: Option<String>,
    /// User id, instead of --os-username [env: OS_USER_ID].
    #[arg(long, value_name = "ID")]
    pub os_user_id: Option<String>,
    /// Password [env: OS_PASSWORD].
    #[arg(long, value_name = "PASSWORD", value_parser = secret)]
    pub os_password: Option<Secret>,
    /// Project name; the Trove tenant in fake mode [env: OS_PROJECT_NAME].
    #[arg(long, visible_alias = "os-tenant-name", value_name = "NAME")]
    pub os_project_name: Option<String>,
    /// Project id, instead of --os-project-name [env: OS_PROJECT_ID].
    #[arg(long, visible_alias = "os-tenant-id", value_name = "ID")]
    pub os_project_id: Option<String>,
    /// Domain name of the user, by default Default [env: OS_USER_DOMAIN_NAME].
    #[arg(long, value_name = "NAME")]
    pub os_user_domain_name: Option<String>,
    /// Domain id of the user [env: OS_USER_DOMAIN_ID].
    #[arg(long, value_name = "ID")]
    pub os_user_domain_id: Option<String>,
    /// Domain name of the project, by default Default [env: OS_PROJECT_DOMAIN_NAME].
    #[arg(long, value_name = "NAME")]
    pub os_project_domain_name: Option<String>,
    /// Domain id of the project [env: OS_PROJECT_DOMAIN_ID].
    #[arg(long, value_name = "ID")]
    pub os_project_domain_id: Option<String>,
    /// Application credential id [env: OS_APPLICATION_CREDENTIAL_ID].
    #[arg(long, value_name = "ID")]
    pub os_application_credential_id: Option<String>,
    /// Application credential secret [env: OS_APPLICATION_CREDENTIAL_SECRET].
    #[arg(long, value_name = "SECRET", value_parser = secret)]
    pub os_application_credential_secret: Option<Secret>,
    /// A token: used as is with --os-endpoint-override, else exchanged at --os-auth-url
    /// [env: OS_TOKEN].
    #[arg(long, value_name = "TOKEN", value_parser = secret)]
    pub os_token: Option<Secret>,
    /// The Trove endpoint to use instead of the catalog's, http://host:8779/v1.0/PROJECT_ID
    /// [env: OS_DATABASE_ENDPOINT_OVERRIDE].
    #[arg(long, visible_alias = "bypass-url", value_name = "URL")]
    pub os_endpoint_override: Option<String>,
    /// Region of the Trove endpoint in the catalog [env: OS_REGION_NAME].
    #[arg(long, value_name = "REGION")]
    pub os_region_name: Option<String>,
    /// Interface of the Trove endpoint in the catalog: public, internal or admin
    /// [env: OS_INTERFACE].
    #[arg(long, value_name = "INTERFACE")]
    pub os_interface: Option<String>,
    /// Service type of Trove in the catalog, by default database
    /// [env: OS_DATABASE_SERVICE_TYPE].
    #[arg(long, value_name = "TYPE")]
    pub os_database_service_type: Option<String>,
    /// Service name of Trove in the catalog [env: OS_DATABASE_SERVICE_NAME].
    #[arg(long, value_name = "NAME")]
    pub os_database_service_name: Option<String>,
    /// PEM file of CA certificates to trust [env: OS_CACERT].
    #[arg(long, value_name = "FILE")]
    pub os_cacert: Option<PathBuf>,
    /// PEM client certificate [env: OS_CERT].
    #[arg(long, value_name = "FILE", requires = "os_key")]
    pub os_cert: Option<PathBuf>,
    /// PEM key of the client certificate [env: OS_KEY].
    #[arg(long, value_name = "FILE", requires = "os_cert")]
    pub os_key: Option<PathBuf>,
    /// Do not verify the server's TLS certificate [env: OS_INSECURE].
    #[arg(long)]
    pub insecure: bool,
    /// Do not read or save tokens in the cache ($XDG_CACHE_HOME/trove/tokens, else
    /// ~/.cache/trove/tokens); OS_TOKEN_CACHE=0 (or false, no, off) does the same.
    #[arg(long)]
    pub no_token_cache: bool,
}

/// The variable that turns the token cache off with `0`, `false`, `no` or `off`.
pub const TOKEN_CACHE_ENV: &str = "OS_TOKEN_CACHE";

/// True unless `value` (of `OS_TOKEN_CACHE`) turns the cache off.
fn cache_enabled_by(value: Option<&str>) -> bool {
    !matches!(
        value.map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Some("0" | "false" | "no" | "off")
    )
}

/// Reads a password or token from the command line into a [`Secret`], so that the parsed
/// command line can be printed with `{:?}` without showing it.
pub fn secret(s: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(s))
}

const HOW: &str = "set --os-auth-url (OS_AUTH_URL), --os-username (OS_USERNAME), --os-password \
                   (OS_PASSWORD) and --os-project-name (OS_PROJECT_NAME); or --os-cloud \
                   (OS_CLOUD); or --os-token (OS_TOKEN) with --os-endpoint-override";

impl AuthArgs {
    /// Builds a client from these options; makes no request.
    pub fn client(&self) -> anyhow::Result<Client> {
        let config = self.config()?;
        if config.auth.auth_url.is_none()
            && config.auth.token.is_none()
            && config.auth.endpoint.is_none()
        {
            return Err(UsageError(format!("missing credentials: {HOW}")).into());
        }
        // Check here to say what is missing in CLI terms; the builder would only say "invalid".
        config.strategy().map_err(usage)?;
        let builder = Client::builder()
            .config(&config)
            .map_err(|e| UsageError(format!("{e}")))?
            .user_agent(concat!("trove-cli/", env!("CARGO_PKG_VERSION")))?;
        let env = std::env::var(TOKEN_CACHE_ENV).ok();
        let builder = match troveclient::auth::FileTokenStore::in_user_cache() {
            Some(store) if !self.no_token_cache && cache_enabled_by(env.as_deref()) => {
                builder.token_store(std::sync::Arc::new(store))
            }
            _ => builder,
        };
        Ok(builder.build()?)
    }

    /// Returns the endpoint given with --os-endpoint-override, if any.
    pub fn endpoint_override(&self) -> Option<&str> {
        self.os_endpoint_override.as_deref()
    }

    /// Resolves the cloud configuration, then lays the flags over it.
    fn config(&self) -> anyhow::Result<CloudConfig> {
        let loader = ConfigLoader::from_process();
        let mut c = match (&self.os_cloud, loader.load(self.os_cloud.as_deref())) {
            (_, Ok(c)) => c,
            // With no cloud named, an empty environment is no error: flags may say it all.
            (None, Err(_)) => CloudConfig::default(),
            (Some(_), Err(e)) => return Err(usage(e).into()),
        };
        let set = |slot: &mut Option<String>, v: &Option<String>| {
            if v.is_some() {
                slot.clone_from(v);
            }
        };
        let secret = |slot: &mut Option<Secret>, v: &Option<Secret>| {
            if v.is_some() {
                slot.clone_from(v);
            }
        };
        set(&mut c.auth_type, &self.os_auth_type);
        let a = &mut c.auth;
        set(&mut a.auth_url, &self.os_auth_url);
        set(&mut a.username, &self.os_username);
        set(&mut a.user_id, &self.os_user_id);
        secret(&mut a.password, &self.os_password);
        set(&mut a.project_name, &self.os_project_name);
        set(&mut a.project_id, &self.os_project_id);
        set(&mut a.user_domain_name, &self.os_user_domain_name);
        set(&mut a.user_domain_id, &self.os_user_domain_id);
        set(&mut a.project_domain_name, &self.os_project_domain_name);
        set(&mut a.project_domain_id, &self.os_project_domain_id);
        set(
            &mut a.application_credential_id,
            &self.os_application_credential_id,
        );
        secret(
            &mut a.application_credential_secret,
            &self.os_application_credential_secret,
        );
        secret(&mut a.token, &self.os_token);
        set(&mut c.endpoint_override, &self.os_endpoint_override);
        set(&mut c.region_name, &self.os_region_name);
        set(&mut c.interface, &self.os_interface);
        set(&mut c.database_service_type, &self.os_database_service_type);
        set(&mut c.database_service_name, &self.os_database_service_name);
        if let Some(i) = &c.interface {
            if Interface::parse(i).is_none() {
                return Err(UsageError(format!(
                    "unknown interface {i:?}: use public, internal or admin"
                ))
                .into());
            }
        }
        // A token and an endpoint on the command line need no identity service.
        if self.os_token.is_some() && self.os_endpoint_override.is_some() {
            if self.os_auth_type.is_none() {
                c.auth_type = Some("admin_token".to_owned());
            }
            c.auth.endpoint.clone_from(&self.os_endpoint_override);
        }
        if self.os_cacert.is_some() {
            c.tls.cacert.clone_from(&self.os_cacert);
        }
        if let (Some(cert), Some(key)) = (&self.os_cert, &self.os_key) {
            c.tls.client_cert = Some(cert.clone());
            c.tls.client_key = Some(key.clone());
        }
        c.tls.insecure |= self.insecure;
        Ok(c)
    }
}

/// Reports a configuration problem as a usage error (exit status 2).
fn usage(e: AuthError) -> UsageError {
    match e {
        AuthError::InvalidConfig(msg) => UsageError(format!("missing credentials: {msg}")),
        other => UsageError(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_and_endpoint_need_nothing_else() {
        let a = AuthArgs {
            os_token: Some("t".into()),
            os_endpoint_override: Some("http://h:8779/v1.0/p".into()),
            ..Default::default()
        };
        a.client().unwrap();
    }

    #[test]
    fn fake_mode_needs_a_project() {
        let a = AuthArgs {
            os_auth_type: Some("fake".into()),
            os_auth_url: Some("http://h:8779/v1.0/auth".into()),
            ..Default::default()
        };
        let err = a.client().unwrap_err().to_string();
        assert!(err.contains("missing credentials"), "{err}");
        let a = AuthArgs {
            os_project_name: Some("12345".into()),
            ..a
        };
        a.client().unwrap();
    }

    #[test]
    fn unknown_auth_types_and_interfaces_are_refused() {
        let a = AuthArgs {
            os_auth_type: Some("kerberos".into()),
            os_auth_url: Some("http://h:5000/v3".into()),
            ..Default::default()
        };
        assert!(a.client().unwrap_err().to_string().contains("kerberos"));
        let a = AuthArgs {
            os_token: Some("t".into()),
            os_endpoint_override: Some("http://h:8779/v1.0/p".into()),
            os_interface: Some("sideways".into()),
            ..Default::default()
        };
        assert!(a.client().unwrap_err().to_string().contains("sideways"));
    }
}

#[cfg(test)]
mod token_cache_switch_tests {
    use super::cache_enabled_by;

    #[test]
    fn only_explicit_off_values_turn_the_cache_off() {
        for off in ["0", "false", "No", " off "] {
            assert!(!cache_enabled_by(Some(off)), "{off}");
        }
        for on in [None, Some("1"), Some("yes"), Some("")] {
            assert!(cache_enabled_by(on), "{on:?}");
        }
    }
}
