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
use crate::error::{BoxError, LayerError, SendState};

/// The service a user layer wraps, and what a transport is: `http::Request<Full<Bytes>>` in,
/// `http::Response<Full<Bytes>>` out. [`hyper_transport`](super::hyper_transport)
/// returns one, so the default transport can be wrapped and handed back to
/// [`ClientBuilder::transport`](crate::ClientBuilder::transport).
pub type HttpService =
    BoxCloneSyncService<http::Request<Full<Bytes>>, http::Response<Full<Bytes>>, BoxError>;

/// The SDK's own layers' service: whole-body requests and responses.
pub(crate) type BytesService =
    BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, BoxError>;

/// A custom transport, brought to whole bodies, its failures said as transport failures: one
/// that is (or wraps) a connection that could not be made is [`SendState::NotSent`], so even a
/// create may be sent again; anything else may have been sent. A [`TransportError`] or
/// [`LayerError`] the transport returns itself is kept as it is.
#[derive(Clone)]
pub(crate) struct Collect<S>(S);

impl<S> Collect<S> {
    pub(crate) fn new(inner: S) -> Self {
        Collect(inner)
    }
}

impl<S, B> Service<http::Request<Bytes>> for Collect<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0
            .poll_ready(cx)
            .map_err(|e| transport_failure(e.into()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let answer = self.0.call(request.map(Full::new));
        Box::pin(async move {
            let response = answer.await.map_err(|e| transport_failure(e.into()))?;
            let (parts, body) = response.into_parts();
            let bytes = read_body(body).await.map_err(|e| {
                Box::new(TransportError {
                    state: SendState::MaybeSent,
                    source: e.into(),
                }) as BoxError
            })?;
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}

/// Says what a custom transport's error means for the request; see [`Collect`].
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
