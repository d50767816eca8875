//! The client: configuration, the assembled stack, and the call path every operation takes.

pub mod paging;
pub mod stack;
mod user_layer;
pub mod wait;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderValue;
use tower::{Layer, ServiceExt};
use tracing::Instrument;
use trove_auth::strategy::StaticToken;
use trove_auth::{
    AuthStrategy, Clock, CloudConfig, ConfigLoader, Credentials, EndpointFilter, Interface, Secret,
    Session, TlsSettings, TokenCache, TokenKey, TokenStore,
};

use self::stack::{Settings, StackParts};
use self::user_layer::BoxedLayer;
use crate::error::{ApiError, BoxError, DecodeError, Error, LayerError};
use crate::middleware::auth::{AuthLayer, StackAuthHttp};
use crate::middleware::retry::{self, Attempt, RetryConfig};
use crate::middleware::timeout::AttemptTimedOut;
use crate::request::operation::Operation;
use crate::transport::{
    self, BodyService, BytesService, HttpService, HyperClient, Transport, TransportError, Whole,
};

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
    service: BytesService,
    cache: Option<Arc<TokenCache>>,
    auth_http: Arc<StackAuthHttp>,
    timeout: Option<Duration>,
    /// Built by [`Client::from_service`]: the user's stack resolves relative requests.
    own_stack: bool,
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
    /// Starts a client from the usage guide's four values: user, key (password or API key),
    /// tenant and auth URL. The strategy defaults to Keystone; pick another with
    /// [`ClientBuilder::auth_strategy`].
    #[allow(clippy::new_ret_no_self)] // Mirrors the usage guide's `Dbaas(...)`; options follow on the builder.
    pub fn new(user: &str, key: impl Into<Secret>, tenant: &str, auth_url: &str) -> ClientBuilder {
        ClientBuilder::default().credentials(user, key, tenant, auth_url)
    }

    /// Starts a client with nothing configured.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client around `service`, a stack of your own: every call goes to it as it is,
    /// and no layer of the SDK's is added (no authentication, retry, timeouts or tracing:
    /// compose the ones you want, from tower, tower-http or your own).
    ///
    /// Requests reach `service` as the operation made them: an origin-form URI relative to the
    /// Trove endpoint (`/instances/{id}`), `Content-Type` on a body and no other header, and
    /// [`OperationInfo`](crate::request::operation::OperationInfo) in their extensions. The stack must make
    /// them absolute and authenticate them. Its errors are read as a user layer's (see
    /// [`ClientBuilder::layer`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = trove_emulator::Emulator::new(Default::default());
    /// # let login = trove_core::Client::new("jsmith", "abcdef", "12345", "http://localhost:8779/v1.0/auth")
    /// #     .auth_strategy("fake")
    /// #     .transport(emulator.service())
    /// #     .build()?;
    /// # let session = login.session().await?;
    /// # let (endpoint, token) = (session.endpoint.clone(), session.token.expose().to_owned());
    /// use http::header::{HeaderName, HeaderValue};
    /// use tower::ServiceBuilder;
    /// use tower_http::set_header::SetRequestHeaderLayer;
    ///
    /// // `endpoint` and `token` come from elsewhere (a token service, a vault).
    /// let stack = ServiceBuilder::new()
    ///     // Relative to absolute: prefix the endpoint.
    ///     .map_request(move |mut request: http::Request<_>| {
    ///         let uri = format!("{endpoint}{}", request.uri());
    ///         *request.uri_mut() = uri.parse().expect("a valid URI");
    ///         request
    ///     })
    ///     .layer(SetRequestHeaderLayer::overriding(
    ///         HeaderName::from_static("x-auth-token"),
    ///         HeaderValue::from_str(&token)?,
    ///     ))
    ///     .service(emulator.service()); // or trove_core::transport::hyper_transport()
    /// let client = trove_core::Client::from_service(stack);
    /// let flavors = client.flavors().list().await?;
    /// assert!(!flavors.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_service<S: BodyService>(service: S) -> Client {
        let service = BytesService::new(Whole::layer(service));
        Client {
            inner: Arc::new(Inner {
                auth_http: Arc::new(StackAuthHttp::new(service.clone(), None)),
                service,
                cache: None,
                timeout: None,
                own_stack: true,
            }),
        }
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
        let response = self.send(&op).await?;
        decode(&op, &response)
    }

    /// Sends `op` like [`Client::execute`] and returns the decoded answer together with the
    /// body it was decoded from, so that fields the model does not know (a later Trove's) stay
    /// reachable. The body is shared, not copied; [`Client::execute`] pays nothing for this.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = trove_emulator::Emulator::new(Default::default());
    /// use trove_core::request::routes;
    /// use trove_core::{Client, Operation};
    /// use trove_types::flavor::FlavorEnvelope;
    ///
    /// let client = Client::builder()
    ///     .token("12345", "http://localhost:8779/v1.0/12345")
    /// #   .transport(emulator.service())
    ///     .build()?;
    /// let get = Operation::<FlavorEnvelope>::json(&routes::FLAVOR_GET, &["1"]);
    /// let answer = client.execute_with_body(get).await?;
    /// let raw = answer.json()?;
    /// assert_eq!(raw["flavor"]["ram"], answer.value.flavor.ram);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute_with_body<R>(&self, op: Operation<R>) -> Result<WithBody<R>, Error> {
        let response = self.send(&op).await?;
        let value = decode(&op, &response)?;
        Ok(WithBody {
            value,
            body: response.into_body(),
        })
    }

    /// Sends `op` through the stack; a success answer is returned undecoded.
    async fn send<R>(&self, op: &Operation<R>) -> Result<http::Response<Bytes>, Error> {
        let request = op.to_request()?;
        if request.uri().scheme().is_none() && self.inner.cache.is_none() && !self.inner.own_stack {
            return Err(no_auth());
        }
        let span = tracing::debug_span!(
            "trove",
            method = %op.method(),
            path = op.template(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let progress = Arc::new(std::sync::atomic::AtomicU8::new(0));
        let response = crate::middleware::auth::CALL_PROGRESS
            .scope(
                progress.clone(),
                self.inner.service.clone().oneshot(request),
            )
            .instrument(span.clone())
            .await
            .map_err(|e| {
                let waiting = progress.load(std::sync::atomic::Ordering::Relaxed)
                    == crate::middleware::auth::WAITING_FOR_TOKEN;
                let e = match classify(e, self.inner.timeout) {
                    Error::Timeout(d) if waiting => Error::TimeoutWaitingForToken(d),
                    e => e,
                };
                tracing::debug!(parent: &span, error = %e, "call failed");
                e
            })?;
        let status = response.status();
        if !span.is_disabled() {
            span.record("status", status.as_u16());
            span.record("attempts", Attempt::of(response.extensions()));
            if let Some(id) = crate::middleware::trace::request_id(&response) {
                span.record("request_id", id);
            }
        }
        tracing::debug!(parent: &span, status = status.as_u16(), "answered");
        if !status.is_success() {
            return Err(ApiError::from_response(
                op.method().clone(),
                op.path_and_query(),
                &response,
            )
            .into());
        }
        Ok(response)
    }
}

/// A decoded answer and the JSON body it came from, as [`Client::execute_with_body`] returns.
#[derive(Debug, Clone)]
pub struct WithBody<R> {
    /// The decoded answer.
    pub value: R,
    /// The body exactly as the server sent it.
    pub body: Bytes,
}

impl<R> WithBody<R> {
    /// Parses the body as JSON, every field the server sent included. Fails only for an
    /// operation whose answer is not JSON (an empty 202), whose value says all there is.
    pub fn json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(&self.body)
    }

    /// Keeps the body and turns the decoded answer into another (its envelope's content).
    pub fn map<T>(self, f: impl FnOnce(R) -> T) -> WithBody<T> {
        WithBody {
            value: f(self.value),
            body: self.body,
        }
    }
}

fn decode<R>(op: &Operation<R>, response: &http::Response<Bytes>) -> Result<R, Error> {
    let status = response.status();
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

fn no_auth() -> Error {
    Error::from(crate::error::BuildError::NoAuth)
}

/// Turns an error from the stack into the typed [`Error`].
fn classify(err: BoxError, timeout: Option<Duration>) -> Error {
    let err = match err.downcast::<trove_auth::AuthError>() {
        Ok(auth) => return Error::Auth(*auth),
        Err(other) => other,
    };
    let err = match err.downcast::<AttemptTimedOut>() {
        Ok(t) => return Error::Timeout(t.0),
        Err(other) => other,
    };
    // Only the client's own overall timeout gets here as `Elapsed`: a user layer's is turned
    // into `LayerTimedOut` where the layer is plugged in, and a custom transport's into a
    // `TransportError`.
    let err = match err.downcast::<tower::timeout::error::Elapsed>() {
        Ok(_) => return Error::Timeout(timeout.unwrap_or_default()),
        Err(other) => other,
    };
    let err = match err.downcast::<TransportError>() {
        Ok(t) => {
            return Error::Transport {
                state: t.state,
                source: t.source,
            }
        }
        Err(other) => other,
    };
    match err.downcast::<LayerError>() {
        Ok(said) => Error::Layer {
            state: Some(said.send_state()),
            source: said.into_source(),
        },
        Err(other) => Error::Layer {
            state: retry::send_state_of(other.as_ref()),
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
    tls: TlsSettings,
    filter: EndpointFilter,
    endpoint_override: Option<String>,
    transport: Option<BytesService>,
    layers: Vec<BoxedLayer>,
    timeout: Option<Option<Duration>>,
    user_agent: Option<HeaderValue>,
    clock: Option<Arc<dyn Clock>>,
    refresh_margin: Option<Duration>,
    stack: Settings,
    token_store: Option<Arc<dyn TokenStore>>,
    token_key: Option<TokenKey>,
    /// The configuration the strategy came from, to key the token store at build time.
    key_config: Option<CloudConfig>,
}

impl ClientBuilder {
    /// Sets the usage guide's credentials, used by the strategy chosen with
    /// [`ClientBuilder::auth_strategy`].
    pub fn credentials(
        mut self,
        user: &str,
        key: impl Into<Secret>,
        tenant: &str,
        auth_url: &str,
    ) -> Self {
        self.credentials = Some(Credentials::new(user, key, tenant, auth_url));
        self
    }

    /// Chooses the strategy by name, as python-troveclient's `auth_strategy` does: `keystone` (the
    /// default: Keystone v3 password, or v2.0 for a `/v2.0` auth URL), `keystone-v2`, `rax`,
    /// `rax2`, `auth1.1`, `fake` (token == tenant) and the others of
    /// [`trove_auth::strategy::by_name`]. Unknown names fail in [`ClientBuilder::build`].
    pub fn auth_strategy(mut self, name: &str) -> Self {
        self.strategy_name = Some(name.to_owned());
        self
    }

    /// Uses a strategy object, such as one of your own.
    pub fn auth(mut self, strategy: impl AuthStrategy) -> Self {
        self.strategy = Some(Arc::new(strategy));
        self.key_config = None;
        self
    }

    /// Uses a static token against a fixed endpoint (no identity service).
    pub fn token(self, token: impl Into<Secret>, endpoint: &str) -> Self {
        self.auth(StaticToken::new(token, endpoint))
    }

    /// Starts a client configured as openstacksdk would be from the process environment: the
    /// cloud `OS_CLOUD` names in `clouds.yaml`/`secure.yaml`, else the `OS_*` variables (see
    /// [`trove_auth::config`] for the precedence).
    pub fn from_env() -> Result<ClientBuilder, Error> {
        ClientBuilder::default().config(&ConfigLoader::from_process().load(None)?)
    }

    /// Starts a client for cloud `name` of `clouds.yaml`/`secure.yaml`.
    pub fn from_cloud(name: &str) -> Result<ClientBuilder, Error> {
        ClientBuilder::default().config(&ConfigLoader::from_process().load(Some(name))?)
    }

    /// Applies a resolved cloud configuration: its strategy, endpoint filter, endpoint override
    /// and TLS settings. Later builder calls override what it set.
    pub fn config(mut self, config: &CloudConfig) -> Result<Self, Error> {
        self.strategy = Some(config.strategy()?);
        self.filter = config.endpoint_filter()?;
        self.endpoint_override.clone_from(&config.endpoint_override);
        self.tls = config.tls().clone();
        if let Some(margin) = config.refresh_margin {
            self.refresh_margin = Some(margin);
        }
        self.key_config = Some(config.clone());
        Ok(self)
    }

    /// Keeps tokens in `store` between runs (see [`trove_auth::store`]): a stored token still
    /// valid for a minute is used without asking the identity service. The key is derived from
    /// the configuration given to [`ClientBuilder::config`] (auth URL, user, project, domains,
    /// region, interface, service; never a secret), or set with [`ClientBuilder::token_key`];
    /// without either, or for a configuration that takes a token as input, nothing is stored.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Sets the key of the token store, for a strategy set with [`ClientBuilder::auth`].
    pub fn token_key(mut self, key: TokenKey) -> Self {
        self.token_key = Some(key);
        self
    }

    /// Trusts the CA certificates of the PEM file `path` instead of the default roots.
    pub fn cacert(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.tls.cacert = Some(path.into());
        self
    }

    /// Presents the client certificate chain of PEM file `cert`, with the private key of PEM
    /// file `key`.
    pub fn client_cert(
        mut self,
        cert: impl Into<std::path::PathBuf>,
        key: impl Into<std::path::PathBuf>,
    ) -> Self {
        self.tls.client_cert = Some(cert.into());
        self.tls.client_key = Some(key.into());
        self
    }

    /// Accepts any server certificate when `insecure` is true (a warning is logged): for test
    /// clouds with self-signed certificates only.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.tls.insecure = insecure;
        self
    }

    /// Replaces all TLS settings. They apply to the default transport only, not to one given
    /// with [`ClientBuilder::transport`].
    pub fn tls(mut self, tls: TlsSettings) -> Self {
        self.tls = tls;
        self
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
    /// `http::Request<Full<Bytes>>` whose response is an `http_body` body of `Bytes` (an
    /// in-process emulator, a mock, a client with a proxy connector, or the default transport
    /// from [`hyper_transport`](crate::transport::hyper_transport) wrapped in your own layers).
    ///
    /// What its errors mean for the request: a [`TransportError`] or [`LayerError`] it returns
    /// is believed; an error that is or wraps a connection that could not be made (hyper-util's
    /// connect errors, `ConnectionRefused`) is [`SendState::NotSent`](crate::SendState::NotSent); anything else may have
    /// been sent.
    pub fn transport<S: BodyService>(mut self, service: S) -> Self {
        self.transport = Some(transport::from_service(service));
        self
    }

    /// Wraps each attempt in `layer`: it sits below retry, so it sees every attempt (replays
    /// included) and its outcome (see `docs/middleware.md` for its position and what it
    /// sees). The layer wraps an [`HttpService`] (`Request<Full<Bytes>>` in,
    /// `Response<Full<Bytes>>` out) and may answer with any `http_body` body, so tower-http's
    /// layers fit. Layers added first are outermost.
    ///
    /// Its errors: return a [`LayerError`] to say whether the request was sent and whether it
    /// may be retried; any other error is [`Error::Layer`] and is not retried, except a
    /// `tower::timeout::Elapsed`, reported as [`LayerTimedOut`](crate::LayerTimedOut) with the
    /// time the layer took, and retried like an attempt timeout.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<HttpService> + Send + Sync + 'static,
        L::Service: BodyService,
    {
        self.layers.push(user_layer::boxed_layer(layer));
        self
    }

    /// Wraps each call, once, in `layer`: it sits above retry and sees the call's final outcome
    /// (see `docs/middleware.md`). Same service types and error rules as [`layer`](Self::layer).
    /// Layers added first are outermost.
    pub fn call_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<HttpService> + Send + Sync + 'static,
        L::Service: BodyService,
    {
        self.stack.call_layers.push(user_layer::boxed_layer(layer));
        self
    }

    /// Sets how calls are retried (default: [`RetryConfig::default`]);
    /// [`RetryConfig::disabled`] sends every request once.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.stack.retry = retry;
        self
    }

    /// Limits each attempt to `limit` (default 30 s); `None` removes the limit. An attempt that
    /// times out may have been processed, so only idempotent calls retry it.
    pub fn attempt_timeout(mut self, limit: Option<Duration>) -> Self {
        self.stack.attempt_timeout = limit;
        self
    }

    /// Limits each request to the identity service to `limit` (default 30 s); `None` removes
    /// the limit. The wait for a token is not timed by [`attempt_timeout`](Self::attempt_timeout)
    /// but by this and the call's [`timeout`](Self::timeout); a request that runs out of it
    /// fails the authentication with [`AuthError::Connect`](trove_auth::AuthError::Connect).
    pub fn identity_timeout(mut self, limit: Option<Duration>) -> Self {
        self.stack.identity_timeout = limit;
        self
    }

    /// Limits opening a TCP connection to `limit` (default 10 s) in the default transport;
    /// `None` removes the limit.
    pub fn connect_timeout(mut self, limit: Option<Duration>) -> Self {
        self.stack.connect_timeout = limit;
        self
    }

    /// Allows at most `max` requests in flight at once, across clones of the client (off by
    /// default).
    pub fn concurrency_limit(mut self, max: usize) -> Self {
        self.stack.concurrency_limit = Some(max);
        self
    }

    /// Sends at most `num` requests per `per`, in bursts of up to `num`, across clones of the
    /// client (off by default). Attempts wait for their turn.
    pub fn rate_limit(mut self, num: u64, per: Duration) -> Self {
        self.stack.rate_limit = Some((num, per));
        self
    }

    /// Limits each call, re-authentication included, to `limit`; `None` removes the limit.
    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, value: &str) -> Result<Self, Error> {
        self.user_agent =
            Some(HeaderValue::from_str(value).map_err(crate::error::BuildError::UserAgent)?);
        Ok(self)
    }

    /// Replaces a token `margin` before it expires (default
    /// [`DEFAULT_REFRESH_MARGIN`](trove_auth::DEFAULT_REFRESH_MARGIN), 300 s), or halfway
    /// through its life when that comes later, so short-lived tokens are still shared by all
    /// concurrent calls (one authentication per token).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
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
            (None, Some(c)) => Some(trove_auth::by_name(
                self.strategy_name.as_deref().unwrap_or("keystone"),
                c,
            )?),
            (None, None) => None,
        };
        let user_agent = self.user_agent.unwrap_or_else(stack::default_user_agent);
        let connect_timeout = self.stack.connect_timeout;
        let transport = match self.transport {
            Some(t) => Transport::Custom(t),
            None => Transport::Hyper(HyperClient::new(
                crate::transport::tls::config_source(&self.tls)?,
                connect_timeout,
            )),
        };
        let base = stack::base(transport, user_agent);
        let auth_http = Arc::new(StackAuthHttp::new(
            BytesService::new(base.clone()),
            self.stack.identity_timeout,
        ));
        let filter_for_key = self.filter.clone();
        let cache = strategy.map(|s| {
            let mut cache =
                TokenCache::new(s, self.filter).with_endpoint_override(self.endpoint_override);
            if let Some(clock) = self.clock {
                cache = cache.with_clock(clock);
            }
            if let Some(margin) = self.refresh_margin {
                cache = cache.with_refresh_margin(margin);
            }
            let key = self.token_key.or_else(|| {
                self.key_config
                    .as_ref()
                    .and_then(|c| TokenKey::for_config(c, &filter_for_key))
            });
            if let (Some(store), Some(key)) = (self.token_store, key) {
                cache = cache.with_store(store, key);
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
            settings: self.stack,
        };
        let service = stack::assemble(parts, base);
        Ok(Client {
            inner: Arc::new(Inner {
                service,
                cache,
                auth_http,
                timeout,
                own_stack: false,
            }),
        })
    }
}
