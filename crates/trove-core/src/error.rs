//! The one error type of a Trove call, saying where the failure happened.

use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderName;
use http::{Method, StatusCode};
use trove_auth::AuthError;
use trove_types::Fault;

/// A boxed error, as tower services return them.
pub use tower::BoxError;

/// Whether a failed request may have reached the server. Retry logic and callers of
/// non-idempotent operations need to know: a create that may have been sent must not be sent
/// again blindly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendState {
    /// The request certainly did not reach the server (connection refused, DNS failure).
    NotSent,
    /// The request may have been processed (connection reset after writing, timeout).
    MaybeSent,
}

/// What went wrong with a Trove call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Authentication failed.
    #[error("authentication failed")]
    Auth(#[from] AuthError),
    /// The request could not be completed by the transport. The transport's error is the
    /// [`source`](std::error::Error::source), not repeated in the message.
    #[error("{}", match state {
        SendState::NotSent => "transport error: the request was not sent",
        SendState::MaybeSent => "transport error: the request may have been sent",
    })]
    Transport {
        /// Whether the server may have seen the request.
        state: SendState,
        /// The transport's error.
        #[source]
        source: BoxError,
    },
    /// A layer of the stack (one added with `layer`/`call_layer`, or a custom transport's own
    /// wrapper) failed the call with an error of its own, the [`source`](std::error::Error::source)
    /// (a [`LayerError`]'s inner error, a [`LayerTimedOut`], or whatever the layer returned). `state` is what
    /// the layer said of the request: `None` when it did not say, in which case the call was not
    /// retried.
    #[error("{}", match state {
        Some(SendState::NotSent) => "a layer failed the call: the request was not sent",
        Some(SendState::MaybeSent) => "a layer failed the call: the request may have been sent",
        None => "a layer failed the call",
    })]
    Layer {
        /// What the layer said of the request; `None`: it did not say.
        state: Option<SendState>,
        /// The layer's error.
        #[source]
        source: BoxError,
    },
    /// The call did not finish in time; the server may have processed it.
    #[error("the call did not finish within {0:?}")]
    Timeout(Duration),
    /// The call's deadline ran out while it waited for a token: nothing was sent to Trove.
    #[error(
        "the call did not finish within {0:?}: it was still waiting for a token, nothing was sent"
    )]
    TimeoutWaitingForToken(Duration),
    /// The server answered success with a body this SDK cannot read.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request could not be built, so nothing was sent; the [`BuildError`] says why.
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] BuildError),
    /// A wait for a resource's status ended without success.
    #[error(transparent)]
    Wait(Box<WaitError>),
}

/// Why a request could not be built. Nothing was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The path and query do not make a URI.
    #[error("{method} {path}: {source}")]
    Uri {
        /// The method of the call.
        method: Method,
        /// The path and query that were refused.
        path: String,
        /// Why.
        #[source]
        source: http::Error,
    },
    /// The body could not be serialized to JSON.
    #[error("{0}")]
    Body(#[source] serde_json::Error),
    /// A URL given to the call does not parse.
    #[error("URL {url:?}: {source}")]
    Url {
        /// The URL as given.
        url: String,
        /// Why it does not parse.
        #[source]
        source: http::uri::InvalidUri,
    },
    /// An argument Trove would refuse or silently ignore, caught before sending; the message
    /// names the rule.
    #[error("{0}")]
    Refused(String),
    /// The blocking client could not start its runtime.
    #[error("cannot start the blocking runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The TLS settings cannot be used.
    #[error("TLS configuration: {0}")]
    Tls(String),
    /// The call needs a token and the client has no authentication configured.
    #[error("this client has no authentication configured")]
    NoAuth,
    /// The user agent is not a valid header value.
    #[error("user agent: {0}")]
    UserAgent(#[source] http::header::InvalidHeaderValue),
}

/// An error status from the Trove API, with everything the server said about it.
///
/// Its `Display` names the fault as Trove does. A rate limit (413 or 429 with a wait) reads as
/// the server's own words plus the wait:
/// `GET /instances failed: rate-limited by the server (overLimit): Only 30 GET request(s) can
/// be made to * every minute.; retry after 2 s (request id -)`.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ApiError {
    /// The HTTP method of the call.
    pub method: Method,
    /// The endpoint-relative (or absolute) path of the call.
    pub path: String,
    /// The HTTP status.
    pub status: StatusCode,
    /// The decoded fault: name (`itemNotFound`, `overLimit`...), message, details.
    pub fault: Fault,
    /// The `x-openstack-request-id` (or `x-compute-request-id`) header.
    pub request_id: Option<String>,
    /// Seconds to wait before retrying, from `Retry-After` or the body's `retryAfter`.
    pub retry_after: Option<u64>,
    /// The raw body.
    pub body: Bytes,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let request_id = self.request_id.as_deref().unwrap_or("-");
        let (method, path, name) = (&self.method, &self.path, &self.fault.name);
        let code = self.status.as_u16();
        match (code, self.retry_after) {
            (413 | 429, Some(secs)) => {
                // The details say which limit ("Only 30 GET request(s) ..."); the message only
                // that there was one.
                let words = self.fault.details.as_deref().unwrap_or(&self.fault.message);
                write!(
                    f,
                    "{method} {path} failed: rate-limited by the server ({name}): {words}; \
                     retry after {secs} s (request id {request_id})"
                )
            }
            // HTTP's reason for 413 ("Payload Too Large") is not what Trove means by it.
            (413, None) => write!(
                f,
                "{method} {path} failed: {code} {name}: {} (request id {request_id})",
                self.fault.message
            ),
            _ => write!(
                f,
                "{method} {path} failed: {} {name}: {} (request id {request_id})",
                self.status, self.fault.message
            ),
        }
    }
}

impl ApiError {
    /// Builds the error from a response's parts.
    pub fn from_response(
        method: Method,
        path: String,
        response: &http::Response<Bytes>,
    ) -> ApiError {
        let status = response.status();
        let fault = Fault::from_body(status.as_u16(), response.body());
        let headers = response.headers();
        let request_id = request_id_of(headers).map(str::to_owned);
        let retry_after = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .or(fault.retry_after);
        ApiError {
            method,
            path,
            status,
            fault,
            request_id,
            retry_after,
            body: response.body().clone(),
        }
    }
}

/// The headers a request id is read from, in order. Named once: looking a header up by a
/// `&str` parses the name on every call.
const REQUEST_ID_HEADERS: [HeaderName; 2] = [
    HeaderName::from_static("x-openstack-request-id"),
    HeaderName::from_static("x-compute-request-id"),
];

/// Returns the request id among `headers`; `x-openstack-request-id`, else `x-compute-request-id`.
pub fn request_id_of(headers: &http::HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| headers.get(h))
        .and_then(|v| v.to_str().ok())
}

/// A success answer whose body could not be decoded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode the {status} answer to {method} {path} at `{at}`: {message}")]
pub struct DecodeError {
    /// The HTTP method of the call.
    pub method: Method,
    /// The endpoint-relative path of the call.
    pub path: String,
    /// The status of the answer.
    pub status: StatusCode,
    /// The JSON path where decoding failed, such as `instances[3].status`.
    pub at: String,
    /// The decoder's message.
    pub message: String,
    /// The raw body.
    pub body: Bytes,
}

/// Why a wait ended without success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitFailure {
    /// The deadline passed.
    TimedOut,
    /// The resource reached a failure state.
    FailedState,
}

/// A wait that ended without success, with the last status seen.
#[derive(Debug, Clone, thiserror::Error)]
#[error("waiting for {resource}: {} after {elapsed:?} (last status: {})",
    match failure { WaitFailure::TimedOut => "timed out", WaitFailure::FailedState => "reached a failure state" },
    last_status.as_deref().unwrap_or("none seen"))]
pub struct WaitError {
    /// What was waited for, such as `instance 4d3f…`.
    pub resource: String,
    /// How it ended.
    pub failure: WaitFailure,
    /// The last status observed.
    pub last_status: Option<String>,
    /// How long the wait lasted.
    pub elapsed: Duration,
}

impl Error {
    /// Returns the API error, when the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Returns the HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        self.api().map(|e| e.status)
    }

    /// Returns the Trove fault name of an API error (`itemNotFound`, `overLimit`...).
    pub fn fault_name(&self) -> Option<&str> {
        self.api().map(|e| e.fault.name.as_str())
    }

    /// Returns the request id of an API error, to quote to the cloud's operators.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }

    /// Returns true for 404: the resource does not exist (or no longer does).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Returns true for 400: the server rejected the request as invalid.
    pub fn is_bad_request(&self) -> bool {
        self.status() == Some(StatusCode::BAD_REQUEST)
    }

    /// Returns true for 401, or an identity service that rejected the credentials.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
            || matches!(self, Error::Auth(e) if matches!(e.root(), AuthError::Rejected { status: 401, .. }))
    }

    /// Returns true for 403.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(StatusCode::FORBIDDEN)
    }

    /// Returns true for 409.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// Returns true for 413: over a limit or a quota, or rate limited.
    pub fn is_over_limit(&self) -> bool {
        self.status() == Some(StatusCode::PAYLOAD_TOO_LARGE)
    }

    /// Returns true for 422: the resource is not in a state that allows the call (still BUILD).
    pub fn is_unprocessable(&self) -> bool {
        self.status() == Some(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// Renders the error and its causes on one line, `outer: cause: root cause`, each message
    /// once. `Display` gives only the outermost message, so that error reporters that walk
    /// `source()` (anyhow's `{:#}`, the `trove` CLI) do not print a cause twice.
    ///
    /// ```
    /// use trove_core::{Error, SendState};
    ///
    /// let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    /// let err = Error::Transport { state: SendState::NotSent, source: Box::new(refused) };
    /// assert_eq!(err.to_string(), "transport error: the request was not sent");
    /// assert_eq!(err.report(), "transport error: the request was not sent: refused");
    /// ```
    pub fn report(&self) -> String {
        let mut line = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(e) = cause {
            let text = e.to_string();
            if !line.contains(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            cause = e.source();
        }
        line
    }

    /// Returns whether the server may have seen the request. `None` when it certainly did
    /// (it answered), or when a layer's own error did not say ([`Error::Layer`]).
    pub fn send_state(&self) -> Option<SendState> {
        match self {
            Error::Transport { state, .. } => Some(*state),
            Error::Layer { state, .. } => *state,
            Error::Timeout(_) => Some(SendState::MaybeSent),
            Error::Auth(_) | Error::InvalidRequest(_) | Error::TimeoutWaitingForToken(_) => {
                Some(SendState::NotSent)
            }
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

// What a user layer or transport returns to tell the client what became of a failed attempt:
// whether the request left the process, and whether the retry layer may send it again. Any other
// error a layer returns is reported as `Error::Layer` with that error as its source and is never
// retried: the client cannot know whether the request was sent, so it does not guess.

/// An attempt's failure, as a layer or transport reports it to the client.
///
/// ```
/// use trove_core::{LayerError, SendState};
///
/// // A circuit breaker that refuses a request before calling the service below it:
/// let refused = LayerError::not_sent("circuit open").no_retry();
/// assert_eq!(refused.send_state(), SendState::NotSent);
/// assert!(!refused.is_retryable());
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(self.state))]
pub struct LayerError {
    state: SendState,
    retryable: bool,
    #[source]
    source: BoxError,
}

fn describe(state: SendState) -> &'static str {
    match state {
        SendState::NotSent => "a layer failed the attempt before it was sent",
        SendState::MaybeSent => "a layer failed the attempt after it may have been sent",
    }
}

impl LayerError {
    /// The request never left this layer (a refused circuit, a local quota, a request the layer
    /// would not send). Retried like a refused connection, whatever the method, unless
    /// [`no_retry`](Self::no_retry) says otherwise.
    pub fn not_sent(source: impl Into<BoxError>) -> Self {
        LayerError {
            state: SendState::NotSent,
            retryable: true,
            source: source.into(),
        }
    }

    /// The request may have reached the server (it was handed to the service below, which then
    /// failed). Retried only when the call is idempotent, unless [`no_retry`](Self::no_retry).
    pub fn maybe_sent(source: impl Into<BoxError>) -> Self {
        LayerError {
            state: SendState::MaybeSent,
            retryable: true,
            source: source.into(),
        }
    }

    /// Asks the retry layer never to send this call again.
    pub fn no_retry(mut self) -> Self {
        self.retryable = false;
        self
    }

    /// Whether the request may have reached the server.
    pub fn send_state(&self) -> SendState {
        self.state
    }

    /// Whether the retry layer may send the call again (idempotent calls only, when it may
    /// have been sent).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The layer's own error.
    pub fn into_source(self) -> BoxError {
        self.source
    }
}

/// A user layer's timeout fired (`tower::timeout::Elapsed` came out of it), after `after`.
///
/// The client measures the time from handing the request to the layer to the error, so the
/// duration is the layer's own, not the client's overall limit. It counts as
/// [`SendState::MaybeSent`]: an idempotent call is retried, a create is not.
#[derive(Debug, thiserror::Error)]
#[error("a layer's timeout fired after {} ms", after.as_millis())]
pub struct LayerTimedOut {
    /// How long the attempt had run in that layer when its timeout fired.
    pub after: Duration,
    /// The layer's error.
    #[source]
    pub source: BoxError,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
        let mut b = http::Response::builder().status(status);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn not_found_is_an_easy_test_and_keeps_the_request_id() {
        let r = response(
            404,
            &[("x-openstack-request-id", "req-1")],
            r#"{"itemNotFound": {"code": 404, "message": "Resource x cannot be found."}}"#,
        );
        let e: Error = ApiError::from_response(Method::GET, "/instances/x".into(), &r).into();
        assert!(e.is_not_found());
        assert_eq!(e.fault_name(), Some("itemNotFound"));
        assert_eq!(e.request_id(), Some("req-1"));
        assert_eq!(
            e.to_string(),
            "GET /instances/x failed: 404 Not Found itemNotFound: Resource x cannot be found. (request id req-1)"
        );
    }

    #[test]
    fn retry_after_comes_from_the_header_or_the_body() {
        let body = r#"{"overLimit": {"code": 413, "message": "m", "retryAfter": "9"}}"#;
        let from_body =
            ApiError::from_response(Method::POST, "/x".into(), &response(413, &[], body));
        assert_eq!(from_body.retry_after, Some(9));
        let from_header = ApiError::from_response(
            Method::POST,
            "/x".into(),
            &response(413, &[("retry-after", "3")], body),
        );
        assert_eq!(from_header.retry_after, Some(3));
        assert!(Error::from(from_header).is_over_limit());
    }
}
