//! The user layers' edge: user and call layers wrap an [`HttpService`] (`http_body` bodies,
//! so tower-http's layers fit) while the SDK's own layers work on whole `Bytes`, which are cheap
//! to clone for a replay. The adapters here convert at that edge only, so a client without user
//! layers pays nothing for them, and say what a layer's errors mean.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures::future::MapOk;
use futures::TryFutureExt;
use http_body::Body;
use http_body_util::Full;
use tower::{Layer, Service};

use crate::error::BoxError;
use crate::transport::{BodyService, BytesService, HttpService, Whole};

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

/// Boxes `layer` as a function over the SDK's service, with the body adapters on both sides:
/// below it the SDK's service seen as an [`HttpService`], above it [`Whole::layer`], which says
/// what the layer's errors mean.
pub(crate) fn boxed_layer<L>(layer: L) -> BoxedLayer
where
    L: Layer<HttpService> + Send + Sync + 'static,
    L::Service: BodyService,
{
    std::sync::Arc::new(move |inner: BytesService| {
        BytesService::new(Whole::layer(layer.layer(HttpService::new(ToBodies(inner)))))
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
