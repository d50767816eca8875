//! Trove v1.0: fake-mode auth and tenant check, then dispatch to one module per API area.
//!
//! Each area module exposes `route(req, world, path) -> Option<Resp>`; `None` means "not mine"
//! and ends as Trove's 404 (there is no 405). New areas (clusters, configurations, modules, mgmt)
//! plug in as one more arm of [`dispatch`].

pub(crate) mod backup_strategies;
pub(crate) mod backups;
pub(crate) mod clusters;
pub(crate) mod configurations;
pub(crate) mod databases;
pub(crate) mod datastores;
pub(crate) mod flavors;
pub(crate) mod instance_modules;
pub(crate) mod instances;
pub(crate) mod limits;
pub(crate) mod logs;
pub(crate) mod mgmt;
pub(crate) mod modules;
pub(crate) mod pagination;
pub(crate) mod parameters;
pub(crate) mod root;
pub(crate) mod schema;
pub(crate) mod ssl;
pub(crate) mod users;
pub(crate) mod versions;

use tokio::time::Instant;

use crate::config::Config;
use crate::fault;
use crate::keystone;
use crate::request::Ctx;
use crate::request_schema::{self, Verdict};
use crate::response::Resp;
use crate::state::{Inner, Instance, Shared};

/// A request that passed auth: who asks, and when.
pub(crate) struct Req<'a> {
    pub(crate) ctx: &'a Ctx,
    pub(crate) cfg: &'a Config,
    pub(crate) tenant: String,
    pub(crate) now: Instant,
}

impl Req<'_> {
    /// Returns `https://<host>/v1.0/<tenant>/<rest>`.
    pub(crate) fn self_link(&self, rest: &str) -> String {
        self.ctx.link(&format!("/v1.0/{}/{}", self.tenant, rest))
    }

    /// Returns `https://<host>/<rest>`.
    pub(crate) fn bookmark_link(&self, rest: &str) -> String {
        self.ctx.link(&format!("/{rest}"))
    }

    /// Returns Trove's `[self, bookmark]` links for a resource path such as `flavors/1`.
    pub(crate) fn links(&self, rest: &str) -> serde_json::Value {
        serde_json::json!([
            {"href": self.self_link(rest), "rel": "self"},
            {"href": self.bookmark_link(rest), "rel": "bookmark"},
        ])
    }
}

/// Authenticates a `/v1.0/...` request and routes it; `path` starts after `v1.0`.
pub(crate) fn handle(shared: &Shared, ctx: &Ctx, path: &[&str]) -> Resp {
    let Some(token) = ctx
        .header("x-auth-token")
        .or_else(|| ctx.header("x-storage-token"))
    else {
        return fault::no_token();
    };
    let mut world = shared.lock();
    let tenant = if token.starts_with(keystone::TOKEN_PREFIX) {
        match keystone::project_of(&world, &shared.config, token) {
            Some(project) => project,
            None => return fault::unauthorized(&format!("http://{}", ctx.host)),
        }
    } else {
        // Fake mode: the token is the tenant id.
        token.to_owned()
    };
    if path.first() != Some(&tenant.as_str()) {
        return fault::tenant_mismatch(&tenant);
    }
    let mut rest = &path[1..];
    if let [head @ .., ""] = rest {
        rest = head;
    }
    // Trove validates the body against the route's schema before the controller runs, so a
    // violation answers 400 even for an unknown instance.
    let routed = if let [head @ .., ""] = path {
        head
    } else {
        path
    };
    match request_schema::check_segments(ctx.method.as_str(), routed, &ctx.body) {
        Verdict::Invalid(message) => return fault::bad_request(&message),
        Verdict::ServerError => return fault::internal_error(),
        Verdict::Malformed => return fault::malformed_body(),
        Verdict::NoSchema | Verdict::Valid => {}
    }
    let req = Req {
        ctx,
        cfg: &shared.config,
        tenant,
        now: world.clock.now(),
    };
    dispatch(&req, &mut world, rest).unwrap_or_else(fault::no_route)
}

fn dispatch(req: &Req<'_>, world: &mut Inner, path: &[&str]) -> Option<Resp> {
    match path {
        ["instances", _, "databases", ..] => databases::route(req, world, path),
        ["instances", _, "users", ..] => users::route(req, world, path),
        ["instances", _, "root"] => root::route(req, world, path),
        ["instances", _, "backups"] => backups::route(req, world, path),
        ["instances", _, "log"] => logs::route(req, world, path),
        ["instances", _, "ssl"] => ssl::route(req, world, path),
        ["instances", _, "modules", ..] => instance_modules::route(req, world, path),
        ["instances", ..] => instances::route(req, world, path),
        ["backups", ..] => backups::route(req, world, path),
        ["backup_strategies"] => backup_strategies::route(req, world, path),
        ["flavors", ..] => flavors::route(req, world, path),
        ["datastores", .., "parameters"] | ["datastores", .., "parameters", _] => {
            parameters::route(req, world, path)
        }
        ["datastores", ..] => datastores::route(req, world, path),
        ["limits"] => limits::route(req, world, path),
        ["clusters", _, "root"] => root::route_cluster(req, world, path),
        ["clusters", ..] => clusters::route(req, world, path),
        ["configurations", ..] => configurations::route(req, world, path),
        ["modules", ..] => modules::route(req, world, path),
        ["mgmt", ..] => mgmt::route(req, world, path),
        _ => None,
    }
}

/// Loads an instance that must be ready for guest calls (databases, users, root, logs,
/// modules). A running backup does not stop these: Trove's `load_and_verify`
/// (trove/extensions/common/models.py) asks only whether the datastore is up.
///
/// Unknown gives 404; not ACTIVE (or busy) gives 422 `Instance <id> is not ready.`.
pub(crate) fn ready_instance<'w>(
    req: &Req<'_>,
    world: &'w mut Inner,
    id: &str,
) -> Result<&'w mut Instance, Resp> {
    let Some(inst) = world.instance_mut(&req.tenant, id) else {
        return Err(fault::resource_not_found(id));
    };
    if !inst.is_ready() {
        return Err(fault::unprocessable(&format!(
            "Instance {id} is not ready."
        )));
    }
    Ok(inst)
}

/// Loads an instance that must be able to take an action (a backup, an SSL change): as
/// [`ready_instance`], and also not while a backup of it runs, which Trove's
/// `validate_can_perform_action` (trove/instance/models.py) refuses with
/// [`busy_with_backup`].
pub(crate) fn actionable_instance<'w>(
    req: &Req<'_>,
    world: &'w mut Inner,
    id: &str,
) -> Result<&'w mut Instance, Resp> {
    let backup_running = backups::running_for(world, id);
    let inst = ready_instance(req, world, id)?;
    if backup_running {
        return Err(fault::unprocessable(&busy_with_backup(id)));
    }
    Ok(inst)
}

/// What `validate_can_perform_action` (trove/instance/models.py) says of instance `id` that
/// cannot act: its `kind` (`instance` or `task`) had `status`.
pub(crate) fn not_available(id: &str, kind: &str, status: &str) -> String {
    format!(
        "Instance {id} is not currently available for an action to be performed \
         ({kind} status was {status})."
    )
}

/// [`not_available`] for an instance that is otherwise ready while a backup of it runs.
pub(crate) fn busy_with_backup(id: &str) -> String {
    not_available(id, "instance", "BACKUP")
}

/// Applies `change` to a ready instance and answers 202 without a body, as Trove's database
/// and user create and delete do; a missing or busy instance gets the fault
/// [`ready_instance`] gives.
pub(crate) fn change_ready(
    req: &Req<'_>,
    world: &mut Inner,
    id: &str,
    change: impl FnOnce(&mut Instance),
) -> Resp {
    match ready_instance(req, world, id) {
        Ok(inst) => {
            change(inst);
            crate::response::empty(http::StatusCode::ACCEPTED)
        }
        Err(e) => e,
    }
}
