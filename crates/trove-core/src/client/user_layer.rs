//! The user layers' edge: user and call layers wrap an [`HttpService`] (`http_body` bodies,
//! so tower-http's layers fit) while the SDK's own layers work on whole `Bytes`, which are cheap
//! to clone for a replay. The adapters here convert at that edge only, so a client without user
//! layers pays nothing for them, and say what a layer's errors mean.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures::future::{BoxFuture, MapOk};
use futures::TryFutureExt;
use http_body::Body;
use http_body_util::Full;
use tower::{Layer, Service};

use crate::error::{BoxError, LayerError, LayerTimedOut};
use crate::transport::{read_body, BytesService, HttpService};

/// A user layer, stored as the function that applies it to the SDK's service below it.
pub(crate) type BoxedLayer = std::sync::Arc<dyn Fn(BytesService) -> BytesService + Send + Sync>;

/// Takes the data of a `Full` body, which holds it ready: no copy and no await.
fn full_bytes(mut body: Full<Bytes>) -> Bytes {
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(&mut body).poll_frame(&mut cx) {
        Poll::Ready(Some(Ok(frame))) => frame.into_data().unwrap_or_default(),
        _ => Bytes::new(),
    }
}

/// Presents the SDK's service below a user layer as an [`HttpService`].
#[derive(Clone)]
pub(crate) struct ToBodies<S>(S);

type ToFull = fn(http::Response<Bytes>) -> http::Response<Full<Bytes>>;

impl<S> Service<http::Request<Full<Bytes>>> for ToBodies<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>,
{
    type Response = http::Response<Full<Bytes>>;
    type Error = BoxError;
    type Future = MapOk<S::Future, ToFull>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Full<Bytes>>) -> Self::Future {
        let to_full: ToFull = |response| response.map(Full::new);
        self.0.call(request.map(full_bytes)).map_ok(to_full)
    }
}

/// Brings a user layer's service back to whole bodies, and says what its errors mean: a
/// `tower::timeout::Elapsed` becomes [`LayerTimedOut`] with the time the layer took, and a
/// response body that cannot be read is a [`LayerError`] after the request may have been sent.
#[derive(Clone)]
pub(crate) struct FromBodies<S>(S);

impl<S> FromBodies<S> {
    pub(crate) fn new(inner: S) -> Self {
        FromBodies(inner)
    }
}

impl<S, B> Service<http::Request<Bytes>> for FromBodies<S>
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
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let started = tokio::time::Instant::now();
        let answer = self.0.call(request.map(Full::new));
        Box::pin(async move {
            let response = answer.await.map_err(|e| {
                let e: BoxError = e.into();
                if e.is::<tower::timeout::error::Elapsed>() {
                    Box::new(LayerTimedOut {
                        after: started.elapsed(),
                        source: e,
                    })
                } else {
                    e
                }
            })?;
            let (parts, body) = response.into_parts();
            let bytes = read_body(body)
                .await
                .map_err(|e| Box::new(LayerError::maybe_sent(e)) as BoxError)?;
            Ok(http::Response::from_parts(parts, bytes))
        })
    }
}

/// Boxes `layer` as a function over the SDK's service, with the body adapters on both sides.
pub(crate) fn boxed_layer<L, B>(layer: L) -> BoxedLayer
where
    L: Layer<HttpService> + Send + Sync + 'static,
    L::Service: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as Service<http::Request<Full<Bytes>>>>::Error: Into<BoxError>,
    <L::Service as Service<http::Request<Full<Bytes>>>>::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    std::sync::Arc::new(move |inner: BytesService| {
        BytesService::new(FromBodies(layer.layer(HttpService::new(ToBodies(inner)))))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_full_body_gives_its_bytes_without_copying() {
        let data = Bytes::from_static(b"{\"instance\": {}}");
        let taken = full_bytes(Full::new(data.clone()));
        assert_eq!(taken, data);
        assert_eq!(taken.as_ptr(), data.as_ptr());
    }
}
