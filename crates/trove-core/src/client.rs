//! The client: configuration, the assembled stack, and the call path every operation takes.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderValue;
use http_body_util::Full;
use tower::{Layer, Service, ServiceExt};
use trove_auth::strategy::{FakeAuth, KeystoneV3, StaticToken};
use trove_auth::{AuthStrategy, Clock, EndpointFilter, Interface, Secret, Session, TokenCache};

use crate::auth_layer::{AuthLayer, StackAuthHttp};
use crate::error::{ApiError, BoxError, DecodeError, Error, SendState};
use crate::operation::Operation;
use crate::stack::{self, BoxedLayer, StackParts};
use crate::transport::{self, HttpService, TransportError};

/// The default limit on one call, retries and re-authentication included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A Trove client. Cheap to clone; clones share the connection pool and the token.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), trove_core::Error> {
/// # let emulator = trove_emulator::Emulator::new(Default::default());
/// use trove_core::Client;
///
/// let client = Client::new("jsmith", "abcdef", "12345", "http://localhost:8779/v1.0/auth")
///     .auth_strategy("fake")
/// #   .transport(emulator.service())
///     .build()?;
/// client.authenticate().await?;
/// let page = client.instances().list().await?;
/// assert!(page.next.is_none());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    service: HttpService,
    cache: Option<Arc<TokenCache>>,
    auth_http: Arc<StackAuthHttp>,
    timeout: Option<Duration>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field(
                "strategy",
                &self.inner.cache.as_ref().map(|c| c.strategy().name()),
            )
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a client from the seed's four values: user, key (password or API key), tenant and
    /// auth URL. The strategy defaults to Keystone; pick another with
    /// [`ClientBuilder::auth_strategy`].
    #[allow(clippy::new_ret_no_self)] // Mirrors the seed's `Dbaas(...)`; options follow on the builder.
    pub fn new(user: &str, key: impl Into<Secret>, tenant: &str, auth_url: &str) -> ClientBuilder {
        ClientBuilder::default().credentials(user, key, tenant, auth_url)
    }

    /// Starts a client with nothing configured.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Authenticates now, instead of on the first call, and returns the session's endpoint.
    pub async fn authenticate(&self) -> Result<String, Error> {
        Ok(self.session().await?.endpoint.clone())
    }

    /// Returns the current session, authenticating if needed.
    pub async fn session(&self) -> Result<Arc<Session>, Error> {
        let cache = self.inner.cache.as_ref().ok_or_else(no_auth)?;
        Ok(cache.session(self.inner.auth_http.as_ref()).await?)
    }

    /// Returns how many times the client has authenticated.
    pub fn auth_count(&self) -> u64 {
        self.inner.cache.as_ref().map_or(0, |c| c.auth_count())
    }

    /// Sends `op` through the stack and decodes its answer.
    pub async fn execute<R>(&self, op: Operation<R>) -> Result<R, Error> {
        let request = op.to_request()?;
        if request.uri().scheme().is_none() && self.inner.cache.is_none() {
            return Err(no_auth());
        }
        let span = tracing::debug_span!("trove", method = %op.method(), path = op.template());
        let _entered = span.enter();
        let response = self
            .inner
            .service
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| classify(e, self.inner.timeout))?;
        let status = response.status();
        tracing::debug!(status = status.as_u16(), "answered");
        if !status.is_success() {
            return Err(ApiError::from_response(
                op.method().clone(),
                op.path_and_query(),
                &response,
            )
            .into());
        }
        op.decode(status, response.body()).map_err(|f| {
            Error::Decode(Box::new(DecodeError {
                method: op.method().clone(),
                path: op.path_and_query(),
                status,
                at: f.at,
                message: f.message,
                body: response.body().clone(),
            }))
        })
    }
}

fn no_auth() -> Error {
    Error::InvalidRequest("this client has no authentication configured".to_owned())
}

/// Turns an error from the stack into the typed [`Error`].
fn classify(err: BoxError, timeout: Option<Duration>) -> Error {
    let err = match err.downcast::<trove_auth::AuthError>() {
        Ok(auth) => return Error::Auth(*auth),
        Err(other) => other,
    };
    let err = match err.downcast::<tower::timeout::error::Elapsed>() {
        Ok(_) => return Error::Timeout(timeout.unwrap_or_default()),
        Err(other) => other,
    };
    match err.downcast::<TransportError>() {
        Ok(t) => Error::Transport {
            state: t.state,
            source: t.source,
        },
        Err(other) => Error::Transport {
            state: SendState::MaybeSent,
            source: other,
        },
    }
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    strategy: Option<Arc<dyn AuthStrategy>>,
    credentials: Option<Credentials>,
    strategy_name: Option<String>,
    filter: EndpointFilter,
    endpoint_override: Option<String>,
    transport: Option<HttpService>,
    layers: Vec<BoxedLayer>,
    timeout: Option<Option<Duration>>,
    user_agent: Option<HeaderValue>,
    clock: Option<Arc<dyn Clock>>,
}

struct Credentials {
    user: String,
    key: Secret,
    tenant: String,
    auth_url: String,
}

impl ClientBuilder {
    /// Sets the seed's credentials, used by the strategy chosen with
    /// [`ClientBuilder::auth_strategy`].
    pub fn credentials(
        mut self,
        user: &str,
        key: impl Into<Secret>,
        tenant: &str,
        auth_url: &str,
    ) -> Self {
        self.credentials = Some(Credentials {
            user: user.to_owned(),
            key: key.into(),
            tenant: tenant.to_owned(),
            auth_url: auth_url.to_owned(),
        });
        self
    }

    /// Chooses the strategy by name, as the seed's `auth_strategy` does: `keystone` (the
    /// default: Keystone v3 password), `fake` (token == tenant). Unknown names fail in
    /// [`ClientBuilder::build`].
    pub fn auth_strategy(mut self, name: &str) -> Self {
        self.strategy_name = Some(name.to_owned());
        self
    }

    /// Uses a strategy object, such as one of your own.
    pub fn auth(mut self, strategy: impl AuthStrategy) -> Self {
        self.strategy = Some(Arc::new(strategy));
        self
    }

    /// Uses a static token against a fixed endpoint (no identity service).
    pub fn token(self, token: impl Into<Secret>, endpoint: &str) -> Self {
        self.auth(StaticToken::new(token, endpoint))
    }

    /// Picks the catalog endpoint with `filter` (service type, name, region, interface).
    pub fn endpoint_filter(mut self, filter: EndpointFilter) -> Self {
        self.filter = filter;
        self
    }

    /// Picks the catalog endpoint of `region`.
    pub fn region(mut self, region: &str) -> Self {
        self.filter.region = Some(region.to_owned());
        self
    }

    /// Picks the catalog endpoint of service type `service_type` (default `database`).
    pub fn service_type(mut self, service_type: &str) -> Self {
        self.filter.service_type = service_type.to_owned();
        self
    }

    /// Picks the catalog endpoint of service name `name`.
    pub fn service_name(mut self, name: &str) -> Self {
        self.filter.service_name = Some(name.to_owned());
        self
    }

    /// Picks the catalog endpoint with `interface`.
    pub fn interface(mut self, interface: Interface) -> Self {
        self.filter.interface = interface;
        self
    }

    /// Sends calls to `endpoint` instead of the catalog's (still authenticating normally).
    pub fn endpoint_override(mut self, endpoint: &str) -> Self {
        self.endpoint_override = Some(endpoint.to_owned());
        self
    }

    /// Uses `service` as the transport instead of hyper-util's client: any tower service over
    /// `http::Request<Full<Bytes>>` whose response body yields `Bytes` (an in-process emulator,
    /// a mock, a client with a proxy connector).
    pub fn transport<S, B>(mut self, service: S) -> Self
    where
        S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        self.transport = Some(transport::from_service(service));
        self
    }

    /// Wraps the stack in `layer` (see [`crate::stack`] for where it sits). Layers added first
    /// are outermost.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<HttpService> + Send + Sync + 'static,
        L::Service: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<http::Request<Bytes>>>::Future: Send + 'static,
    {
        self.layers
            .push(Arc::new(move |inner| HttpService::new(layer.layer(inner))));
        self
    }

    /// Limits each call, re-authentication included, to `limit`; `None` removes the limit.
    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, value: &str) -> Result<Self, Error> {
        self.user_agent = Some(
            HeaderValue::from_str(value)
                .map_err(|e| Error::InvalidRequest(format!("user agent: {e}")))?,
        );
        Ok(self)
    }

    /// Reads the time for token expiry from `clock`.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the client. Fails on an unknown strategy name or unusable credentials; makes no
    /// request.
    pub fn build(self) -> Result<Client, Error> {
        let strategy = match (self.strategy, &self.credentials) {
            (Some(s), _) => Some(s),
            (None, Some(c)) => Some(strategy_by_name(
                self.strategy_name.as_deref().unwrap_or("keystone"),
                c,
            )?),
            (None, None) => None,
        };
        let user_agent = self.user_agent.unwrap_or_else(stack::default_user_agent);
        let base = stack::base(
            self.transport.unwrap_or_else(transport::hyper_transport),
            user_agent,
        );
        let auth_http = Arc::new(StackAuthHttp::new(base.clone()));
        let cache = strategy.map(|s| {
            let mut cache =
                TokenCache::new(s, self.filter).with_endpoint_override(self.endpoint_override);
            if let Some(clock) = self.clock {
                cache = cache.with_clock(clock);
            }
            Arc::new(cache)
        });
        let timeout = self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT));
        let parts = StackParts {
            auth: cache
                .as_ref()
                .map(|c| AuthLayer::new(c.clone(), auth_http.clone())),
            user_layers: self.layers,
            timeout,
        };
        let service = stack::assemble(parts, base);
        Ok(Client {
            inner: Arc::new(Inner {
                service,
                cache,
                auth_http,
                timeout,
            }),
        })
    }
}

/// Returns the strategy the seed's `auth_strategy` name designates.
fn strategy_by_name(name: &str, c: &Credentials) -> Result<Arc<dyn AuthStrategy>, Error> {
    Ok(match name {
        "keystone" | "keystone-v3" | "v3password" | "password" => Arc::new(KeystoneV3::password(
            &c.auth_url,
            &c.user,
            c.key.clone(),
            &c.tenant,
        )),
        "fake" => Arc::new(FakeAuth::new(c.tenant.as_str(), &c.auth_url)?),
        other => {
            return Err(Error::InvalidRequest(format!(
                "unknown auth strategy {other:?}; known: keystone, fake"
            )))
        }
    })
}
