//! Top-level dispatch: `/` (Trove versions), `/v1.0/...` (Trove, after auth), `/v3/...`
//! (Keystone), `/v1/AUTH_<project>/...` (Swift, for published guest logs) and `/_emulator/...`
//! (the control API), plus the headers every response carries.

use std::sync::atomic::Ordering;

use http::HeaderValue;

use crate::fault;
use crate::keystone;
use crate::request::Ctx;
use crate::response::Resp;
use crate::state::Shared;
use crate::trove;

/// Answers one buffered request.
pub(crate) fn handle(shared: &Shared, ctx: &Ctx) -> Resp {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let segs: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
    let mut resp = match segs.as_slice() {
        [""] => trove::versions::index(ctx),
        ["v1.0", ..] => trove::handle(shared, ctx, &segs[1..]),
        ["v1", rest @ ..] => crate::swift::handle(shared, ctx, rest),
        ["v3", rest @ ..] => keystone::handle(shared, ctx, rest),
        ["v2.0", rest @ ..] => crate::legacy_auth::handle_v2(shared, ctx, rest),
        ["v1.1", rest @ ..] => crate::legacy_auth::handle_v11(shared, ctx, rest),
        [crate::control::PREFIX, rest @ ..] => crate::control::handle(shared, ctx, rest),
        _ => fault::no_route(),
    };
    let request_id = format!("req-{}", uuid::Uuid::new_v4());
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-openstack-request-id", v);
    }
    tracing::debug!(
        method = %ctx.method,
        path = %ctx.raw_path,
        status = resp.status().as_u16(),
        request_id = %request_id,
        "served"
    );
    resp
}
