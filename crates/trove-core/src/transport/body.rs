//! The transport's edge: the body-typed service a transport is, and the adapter that brings a
//! custom transport to the whole-body requests and responses the SDK's own layers work on,
//! saying of each failure whether the request went out.

use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body::Body;
use http_body_util::Full;
use tower::util::BoxCloneSyncService;
use tower::Service;

use super::{read_body, TransportError};
use crate::error::{BoxError, LayerError, LayerTimedOut, SendState};

/// The service a user layer wraps, and what a transport is: `http::Request<Full<Bytes>>` in,
/// `http::Response<Full<Bytes>>` out. [`hyper_transport`](super::hyper_transport)
/// returns one, so the default transport can be wrapped and handed back to
/// [`ClientBuilder::transport`](crate::ClientBuilder::transport).
pub type HttpService =
    BoxCloneSyncService<http::Request<Full<Bytes>>, http::Response<Full<Bytes>>, BoxError>;

/// The SDK's own layers' service: whole-body requests and responses.
pub(crate) type BytesService =
    BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, BoxError>;

/// A service over `http::Request<Full<Bytes>>` that answers with any `http_body` body of
/// `Bytes` and errors that convert to [`BoxError`]: what a transport, a user layer's service and
/// a stack of your own must be. Every such service is one; it names those conditions once.
pub trait BodyService:
    Service<
        http::Request<Full<Bytes>>,
        Response = http::Response<Self::ResponseBody>,
        Error: Into<BoxError>,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
    /// The body it answers with.
    type ResponseBody: Body<Data = Bytes, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> BodyService for S
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type ResponseBody = B;
}

/// Which edge a [`Whole`] stands at: what its inner service's failures mean.
#[derive(Clone, Copy)]
enum Edge {
    /// A custom transport: its failures are transport failures ([`transport_failure`]).
    Transport,
    /// A user layer: a `tower::timeout::Elapsed` is [`LayerTimedOut`] with the time the layer
    /// took; any other error is the layer's own.
    Layer,
}

/// A [`BodyService`] brought to the whole-body requests and responses the SDK's own layers
/// work on, its failures said for the edge it stands at.
#[derive(Clone)]
pub(crate) struct Whole<S> {
    inner: S,
    edge: Edge,
}

impl<S> Whole<S> {
    /// A custom transport: one that is (or wraps) a connection that could not be made is
    /// [`SendState::NotSent`], so even a create may be sent again; anything else may have been
    /// sent. A [`TransportError`] or [`LayerError`] the transport returns itself is kept.
    pub(crate) fn transport(inner: S) -> Self {
        Whole {
            inner,
            edge: Edge::Transport,
        }
    }

    /// A user layer's service (or a stack of the user's own).
    pub(crate) fn layer(inner: S) -> Self {
        Whole {
            inner,
            edge: Edge::Layer,
        }
    }
}

impl Edge {
    fn failure(self, error: BoxError, started: tokio::time::Instant) -> BoxError {
        match self {
            Edge::Transport => transport_failure(error),
            Edge::Layer if error.is::<tower::timeout::error::Elapsed>() => {
                Box::new(LayerTimedOut {
                    after: started.elapsed(),
                    source: error,
                })
            }
            Edge::Layer => error,
        }
    }

    /// A response body that cannot be read: the request may have been processed.
    fn unreadable(self, error: BoxError) -> BoxError {
        match self {
            Edge::Transport => Box::new(TransportError {
                state: SendState::MaybeSent,
                source: error,
            }),
            Edge::Layer => Box::new(LayerError::maybe_sent(error)),
        }
    }
}

impl<S: BodyService> Service<http::Request<Bytes>> for Whole<S> {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        let edge = self.edge;
        self.inner
            .poll_ready(cx)
            .map_err(|e| edge.failure(e.into(), tokio::time::Instant::now()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let (edge, started) = (self.edge, tokio::time::Instant::now());
        let answer = self.inner.call(request.map(Full::new));
        Box::pin(async move {
            let response = answer.await.map_err(|e| edge.failure(e.into(), started))?;
            let (parts, body) = response.into_parts();
            let bytes = read_body(body)
                .await
                .map_err(|e| edge.unreadable(e.into()))?;
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}

/// Says what a custom transport's error means for the request; see [`Whole::transport`].
pub(crate) fn transport_failure(error: BoxError) -> BoxError {
    if error.is::<TransportError>() || error.is::<LayerError>() {
        return error;
    }
    let state = if never_connected(error.as_ref()) {
        SendState::NotSent
    } else {
        SendState::MaybeSent
    };
    Box::new(TransportError {
        state,
        source: error,
    })
}

/// Whether `error`, or an error it wraps, says no connection was made: hyper-util's connect
/// errors, or the refusals an operating system gives before any byte is written.
fn never_connected(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(e) = e.downcast_ref::<hyper_util::client::legacy::Error>() {
            if e.is_connect() {
                return true;
            }
        }
        if let Some(e) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                e.kind(),
                ConnectionRefused | AddrNotAvailable | NetworkUnreachable | HostUnreachable
            ) {
                return true;
            }
        }
        cause = e.source();
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_is_not_sent_and_anything_else_may_be() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let wrapped = transport_failure(Box::new(refused));
        let t = wrapped.downcast_ref::<TransportError>().unwrap();
        assert_eq!(t.state, SendState::NotSent);

        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let wrapped = transport_failure(Box::new(reset));
        let t = wrapped.downcast_ref::<TransportError>().unwrap();
        assert_eq!(t.state, SendState::MaybeSent);
    }

    #[test]
    fn a_transport_that_says_what_happened_is_believed() {
        let said = LayerError::not_sent("offline").no_retry();
        let kept = transport_failure(Box::new(said));
        let e = kept.downcast_ref::<LayerError>().unwrap();
        assert!(!e.is_retryable());
    }
}
