//! Scenarios that run unchanged against the emulator and the real servers. They use only the
//! public API of `troveclient` and panic with a message on the first disagreement.

use futures::TryStreamExt;
use troveclient::{
    auth::{strategy::KeystoneV3, AuthError, AuthHttp, AuthStrategy, EndpointFilter, Session},
    Client, DatabaseSpec, Dbaas, Error, InstanceExt, InstanceStatus, ParameterSpec, Secret,
    UserSpec,
};

use troveclient::wait::{poll_until, Check};

use crate::target::Target;
use troveclient::stack::Route;

/// The usage guide, section by section: versions, create with a volume, databases and users,
/// get, BUILD -> ACTIVE (waited for, then refreshed in place), delete -> SHUTDOWN -> NotFound, and 30
/// instances listed as 20 + 10 with `next`.
pub async fn usage_guide_walkthrough(target: &Target, client: &Client) {
    client.authenticate().await.expect("authenticate");

    // Versions
    let versions = client
        .versions()
        .index(&target.trove_url)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_eq!(versions[0].id, "v1.0");
    assert_eq!(
        versions[0].self_link(),
        Some(format!("{}/v1.0/", target.trove_url).as_str())
    );

    // testsetup: 30 instances
    for i in 0..30 {
        client
            .instances()
            .create(format!("Instance #{i}"), "1")
            .volume(1)
            .await
            .expect("create #i");
    }

    // Instances
    let mut instance = client
        .instances()
        .create("My Instance", "1")
        .volume(1)
        .database(
            DatabaseSpec::new("my_db")
                .character_set("latin2")
                .collate("latin2_general_ci"),
        )
        .user(UserSpec::new("jsmith", "12345").database("my_db"))
        .await
        .expect("create My Instance");
    assert_eq!(instance.status, InstanceStatus::Build);
    let updated = client.instances().get(&instance.id).await.expect("get");
    assert_eq!(updated.name, "My Instance");
    assert_eq!(
        (updated.status.as_str(), updated.flavor_id()),
        ("BUILD", Some("1"))
    );

    // The SDK's polling loop (tokio's clock, a deadline, backoff) rather than a hand-written
    // sleep; the guide's in-place refresh follows once the wait is over.
    let id = instance.id.clone();
    poll_until(
        format!("instance {id}"),
        target.wait,
        || async { client.instances().get(&id).await },
        |i: &troveclient::Instance| match i.status {
            InstanceStatus::Build => Check::Pending,
            _ => Check::Done,
        },
        |i| i.status.to_string(),
    )
    .await
    .unwrap_or_else(|e| panic!("still BUILD after {:?}: {e}", target.wait.timeout));
    instance.refresh(client).await.expect("refresh");
    assert!(
        instance.status.is_ready(),
        "ready state: {}",
        instance.status
    );
    assert_eq!(instance.volume.as_ref().map(|v| v.size), Some(1));

    instance.delete(client).await.expect("delete");
    // `None` once the instance is gone; until then it must show SHUTDOWN.
    let gone = poll_until(
        format!("deleted instance {id}"),
        target.wait,
        || async {
            match client.instances().get(&id).await {
                Ok(i) => Ok(Some(i)),
                Err(e) if e.is_not_found() => {
                    assert_eq!(e.fault_name(), Some("itemNotFound"));
                    Ok(None)
                }
                Err(e) => panic!("get after delete: {e}"),
            }
        },
        |i: &Option<troveclient::Instance>| match i {
            None => Check::Done,
            Some(i) => {
                assert_eq!(i.status, InstanceStatus::Shutdown);
                Check::Pending
            }
        },
        |i| {
            i.as_ref()
                .map_or("gone".to_owned(), |i| i.status.to_string())
        },
    )
    .await;
    let saw_gone = matches!(gone, Ok(None));
    assert!(saw_gone, "the deleted instance never went away");

    // Listing instances and Pagination
    let page = client.instances().list().await.expect("list");
    assert_eq!((page.len(), page.next.is_none()), (20, false));
    let page2 = client
        .instances()
        .list()
        .marker(page.next.as_deref())
        .await
        .expect("list page 2");
    assert_eq!((page2.len(), page2.next.is_none()), (10, true));
    let mut names: Vec<_> = page
        .iter()
        .chain(page2.iter())
        .map(|i| i.name.clone())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 30, "pages overlap or miss instances");

    let streamed: Vec<_> = client
        .instances()
        .list()
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(streamed.len(), 30);
    let detailed = client
        .instances()
        .list()
        .detailed(true)
        .limit(5)
        .await
        .expect("detail");
    assert_eq!(detailed.len(), 5);
    assert!(
        detailed.iter().all(|i| i.created.is_some()),
        "the detail view has timestamps"
    );
}

/// Error cases taken from the real server, each decoded into the right typed error.
pub async fn typed_errors(target: &Target, client: &Client, tenant: &str) {
    let missing = client
        .instances()
        .get("00000000-0000-0000-0000-00000000dead")
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    assert_eq!(missing.fault_name(), Some("itemNotFound"));

    let zero = client
        .instances()
        .create("x", "1")
        .volume(0)
        .await
        .unwrap_err();
    assert!(zero.is_bad_request(), "{zero}");
    assert_eq!(zero.fault_name(), Some("badRequest"));

    let unknown_flavor = client
        .instances()
        .create("x", "999999")
        .volume(1)
        .await
        .unwrap_err();
    assert!(unknown_flavor.is_bad_request(), "{unknown_flavor}");

    let too_big = client
        .instances()
        .create("x", "1")
        .volume(100)
        .await
        .unwrap_err();
    assert!(too_big.is_over_limit(), "{too_big}");
    assert_eq!(too_big.fault_name(), Some("overLimit"));
    assert!(
        too_big.to_string().contains("cannot exceed maximum"),
        "{too_big}"
    );

    let building = client
        .instances()
        .create("busy", "1")
        .volume(1)
        .await
        .expect("create");
    let not_ready = client.instances().delete(&building.id).await.unwrap_err();
    assert!(not_ready.is_unprocessable(), "{not_ready}");
    assert_eq!(not_ready.fault_name(), Some("unprocessableEntity"));

    // A token for one tenant against another tenant's URL.
    let other = target
        .fake_builder(tenant)
        .endpoint_override(&format!("{}/v1.0/someone-else", target.trove_url))
        .build()
        .expect("client");
    let forbidden = other.instances().list().await.unwrap_err();
    assert!(forbidden.is_forbidden(), "{forbidden}");
    assert!(
        forbidden
            .to_string()
            .contains("cannot access this resource"),
        "{forbidden}"
    );
}

/// Keystone v3 password auth: the endpoint comes from the catalog, Trove accepts the token, a
/// bad password is a typed auth error, and a token Trove rejects is replaced once.
pub async fn keystone_v3(target: &Target) {
    let keystone = target.keystone_url.clone().expect("a Keystone URL");
    let project = target.facts["demo_project_id"]
        .as_str()
        .expect("demo_project_id")
        .to_owned();

    let client = Dbaas::new("jsmith", "abcdef", "demo", &keystone)
        .build()
        .expect("client");
    let endpoint = client.authenticate().await.expect("keystone auth");
    assert_eq!(endpoint, format!("{}/v1.0/{project}", target.trove_url));
    let page = client
        .instances()
        .list()
        .await
        .expect("list with a keystone token");
    assert!(page.next.is_none());
    assert_eq!(client.auth_count(), 1);

    let bad = Dbaas::new("jsmith", "wrong-password", "demo", &keystone)
        .build()
        .expect("client");
    let err = bad.authenticate().await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    match &err {
        Error::Auth(a) => assert!(
            matches!(a.root(), AuthError::Rejected { status: 401, .. }),
            "{a}"
        ),
        other => panic!("expected an auth error, got {other}"),
    }

    let flaky = Client::builder()
        .auth(StaleFirst {
            inner: KeystoneV3::password(&keystone, "jsmith", "abcdef", "demo"),
            calls: Default::default(),
        })
        .build()
        .expect("client");
    flaky
        .instances()
        .list()
        .await
        .expect("list after one re-auth");
    assert_eq!(flaky.auth_count(), 2, "one re-authentication after the 401");
}

/// Hands out a token Trove will reject, then real ones: what a revoked token looks like.
#[derive(Debug)]
struct StaleFirst {
    inner: KeystoneV3,
    calls: std::sync::atomic::AtomicUsize,
}

impl AuthStrategy for StaleFirst {
    fn authenticate<'a>(
        &'a self,
        http: &'a dyn AuthHttp,
        filter: &'a EndpointFilter,
    ) -> futures::future::BoxFuture<'a, Result<Session, AuthError>> {
        Box::pin(async move {
            let mut session = self.inner.authenticate(http, filter).await?;
            if self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                // Looks like a Fernet token, but no Keystone issued it.
                session.token = Secret::new("gAAAAABstale-token-that-no-keystone-issued");
            }
            Ok(session)
        })
    }

    fn name(&self) -> &'static str {
        "stale-first"
    }
}

/// Everything the real fake mode can do beyond the usage guide: flavors, datastores and versions,
/// limits, databases, users and their access, root, backups, restart and rename. Resizes are
/// requested but not waited for, because fake mode cannot finish them (see
/// [`FAKE_MODE_CANNOT_FINISH`]).
pub async fn operations(target: &Target, client: &Client) {
    use troveclient::{BackupStatus, PasswordChange};

    // Catalogue resources.
    let flavors = client.flavors().list().await.expect("flavors");
    assert!(
        flavors.iter().any(|f| f.str_id.as_deref() == Some("1")),
        "flavor 1 is listed"
    );
    let tiny = client.flavors().get("1").await.expect("flavor 1");
    assert!(tiny.ram > 0, "{tiny:?}");
    let unknown = client.flavors().get("987654").await.unwrap_err();
    assert!(unknown.is_not_found(), "{unknown}");
    let datastores = client.datastores().list().await.expect("datastores");
    assert!(
        datastores.iter().any(|d| d.name == "mysql"),
        "mysql is a datastore"
    );
    let versions = client
        .datastores()
        .versions("mysql")
        .await
        .expect("versions");
    let version = versions.first().expect("mysql has a version");
    let same = client
        .datastores()
        .version("mysql", &version.name)
        .await
        .expect("version by name");
    assert_eq!(same.id, version.id);
    let limits = client.limits().list().await.expect("limits");
    assert!(limits.absolute().is_some(), "the ABSOLUTE row is present");

    // One ready instance to work on.
    let instance = client
        .instances()
        .create("ops", "1")
        .volume(1)
        .await
        .expect("create");
    let instance = client
        .instances()
        .wait_ready(&instance.id, target.wait)
        .await
        .expect("ready");
    let id = instance.id.as_str();

    // Databases, paged by name.
    client
        .databases(id)
        .create(&[
            DatabaseSpec::new("db_a"),
            DatabaseSpec::new("db_b").character_set("utf8"),
        ])
        .await
        .expect("create databases");
    let first = client
        .databases(id)
        .list()
        .limit(1)
        .await
        .expect("databases page");
    assert_eq!((first.len(), first.next.is_some()), (1, true), "{first:?}");
    let all: Vec<_> = client
        .databases(id)
        .list()
        .limit(1)
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    let names: Vec<_> = all.iter().map(|d| d.name.as_str()).collect();
    assert!(
        names.contains(&"db_a") && names.contains(&"db_b"),
        "{names:?}"
    );
    client
        .databases(id)
        .delete("db_b")
        .await
        .expect("drop db_b");
    let after: Vec<_> = client
        .databases(id)
        .list()
        .into_stream()
        .try_collect()
        .await
        .expect("list");
    assert!(after.iter().all(|d| d.name != "db_b"), "db_b was dropped");

    // Users, their access and passwords.
    client
        .users(id)
        .create(&[
            UserSpec::new("app.user", "pw-1").database("db_a"),
            UserSpec::new("other", "pw-2").host("10.0.0.%"),
        ])
        .await
        .expect("create users");
    let users: Vec<_> = client
        .users(id)
        .list()
        .into_stream()
        .try_collect()
        .await
        .expect("users");
    assert!(users.iter().any(|u| u.name == "app.user"), "{users:?}");
    let shown = client
        .users(id)
        .get("app.user")
        .await
        .expect("show a user with a dot");
    assert_eq!(shown.name, "app.user");
    let with_host = client
        .users(id)
        .get("other@10.0.0.%")
        .await
        .expect("show a user with a host");
    assert_eq!(with_host.host.as_deref(), Some("10.0.0.%"));
    let access = client.users(id).access("app.user").await.expect("access");
    assert_eq!(
        access.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["db_a"]
    );
    client
        .users(id)
        .revoke("app.user", "db_a")
        .await
        .expect("revoke");
    assert!(client
        .users(id)
        .access("app.user")
        .await
        .expect("access")
        .is_empty());
    client
        .users(id)
        .grant("app.user", &["db_a"])
        .await
        .expect("grant");
    assert_eq!(
        client
            .users(id)
            .access("app.user")
            .await
            .expect("access")
            .len(),
        1
    );
    client
        .users(id)
        .change_passwords(&[PasswordChange::new("app.user", "pw-3")])
        .await
        .expect("password");
    client
        .users(id)
        .delete("app.user")
        .await
        .expect("delete user");
    let gone = client.users(id).get("app.user").await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    // Root.
    assert!(!client.root(id).is_enabled().await.expect("root check"));
    let root = client.root(id).enable().await.expect("root enable");
    assert_eq!(root.name, "root");
    assert!(!root.password.expose().is_empty());
    assert!(client.root(id).is_enabled().await.expect("root check"));
    client.root(id).disable().await.expect("root disable");

    // Backups: create, wait COMPLETED, list, delete.
    let backup = client
        .backups()
        .create("nightly", id)
        .await
        .expect("backup");
    assert_eq!(backup.status, BackupStatus::New);
    // While the backup runs the instance shows BACKUP (trove/instance/models.py
    // `SimpleInstance.status`) and refuses actions (`validate_can_perform_action`), but takes
    // guest calls such as a database create (trove/extensions/common/models.py
    // `load_and_verify`). Fake mode's guest takes 10 s over a backup, ample for these calls.
    let during = client.instances().get(id).await.expect("get during backup");
    assert_eq!(during.status, InstanceStatus::Backup, "{during:?}");
    let busy_message = format!(
        "Instance {id} is not currently available for an action to be performed \
         (instance status was BACKUP)."
    );
    let busy = client
        .instances()
        .restart(id)
        .await
        .expect_err("restart during a backup");
    assert_eq!(
        (busy.status().map(|s| s.as_u16()), busy.fault_name()),
        (Some(422), Some("unprocessableEntity")),
        "{busy}"
    );
    assert!(busy.to_string().contains(&busy_message), "{busy}");
    // Another backup and an SSL change ask the same question first
    // (trove/backup/models.py `Backup.create`, trove/instance/service.py `ssl_action`).
    for (path, body) in [
        (
            "/backups".to_owned(),
            serde_json::json!({"backup": {"name": "second", "instance": id}}),
        ),
        (
            format!("/instances/{id}/ssl"),
            serde_json::json!({"ssl": {"enable": true, "container_ref": "c"}}),
        ),
    ] {
        let got = refused(client, http::Method::POST, &path, body).await;
        assert_eq!(got, (422, busy_message.clone()), "POST {path}");
    }
    client
        .databases(id)
        .create(&[DatabaseSpec::new("during_backup")])
        .await
        .expect("a database create during a backup");
    let done = client
        .backups()
        .wait_completed(&backup.id, target.wait)
        .await
        .expect("backup completes");
    assert_eq!(done.status, BackupStatus::Completed);
    let listed: Vec<_> = client
        .backups()
        .list()
        .into_stream()
        .try_collect()
        .await
        .expect("backups");
    assert!(listed.iter().any(|b| b.id == backup.id));
    let of_instance: Vec<_> = client
        .instances()
        .backups(id)
        .into_stream()
        .try_collect()
        .await
        .expect("instance backups");
    assert_eq!(of_instance.len(), 1);
    client
        .backups()
        .delete(&backup.id)
        .await
        .expect("delete backup");
    client
        .backups()
        .wait_deleted(&backup.id, target.wait)
        .await
        .expect("backup gone");

    // Rename and restart.
    client
        .instances()
        .rename(id, "ops-renamed")
        .await
        .expect("rename");
    assert_eq!(
        client.instances().get(id).await.expect("get").name,
        "ops-renamed"
    );
    client.instances().restart(id).await.expect("restart");
    let restarted = client
        .instances()
        .wait_ready(id, target.wait)
        .await
        .expect("ready after restart");
    assert!(restarted.status.is_ready());

    // Requested, not awaited: fake mode never completes these (FAKE_MODE_CANNOT_FINISH).
    client
        .instances()
        .resize_volume(id, 2)
        .await
        .expect("resize volume is accepted");

    // Clusters: fake mode's only datastore cannot form one.
    assert!(client.clusters().list().await.expect("clusters").is_empty());
    let refused = client
        .clusters()
        .create("c", "mysql", version.name.clone())
        .instance(troveclient::ClusterInstanceSpec::new("1", 1))
        .instance(troveclient::ClusterInstanceSpec::new("1", 1))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status().map(|s| s.as_u16()), refused.fault_name()),
        (Some(501), Some("notImplemented")),
        "{refused}"
    );
    assert!(
        refused
            .to_string()
            .contains("Clusters not supported for mysql-5.7.29."),
        "{refused}"
    );
}

/// Operations whose request the real fake mode accepts but never completes, so the suite checks
/// the request and not the outcome: a volume resize ends ACTIVE with the fault "Polling request
/// timed out." and the old size; a flavor resize stays in RESIZE (VERIFY_RESIZE).
pub const FAKE_MODE_CANNOT_FINISH: &[&str] = &["resize volume", "resize flavor"];

/// Keystone v3 token and application-credential auth against a Keystone that can mint
/// application credentials (the real one): a token from a password session rescoped by the
/// token method, and an application credential created for the user, both reaching Trove.
pub async fn keystone_v3_token_and_application_credential(target: &Target) {
    use tower::ServiceExt;
    use troveclient::auth::strategy::Scope;
    use troveclient::HttpService;

    let keystone = target.keystone_url.clone().expect("a Keystone URL");
    let user_id = target.facts["users"]["jsmith"]["id"]
        .as_str()
        .expect("jsmith's id")
        .to_owned();
    let project = target.facts["demo_project_id"]
        .as_str()
        .expect("demo_project_id")
        .to_owned();

    let password = Dbaas::new("jsmith", "abcdef", "demo", &keystone)
        .build()
        .expect("client");
    let session = password.session().await.expect("password auth");

    // The token method, rescoping the password session's token to the same project.
    let by_token = Client::builder()
        .auth(KeystoneV3::token(
            &keystone,
            session.token.clone(),
            Scope::ProjectId(project.clone()),
        ))
        .build()
        .expect("client");
    assert_eq!(
        by_token.authenticate().await.expect("token auth"),
        format!("{}/v1.0/{project}", target.trove_url)
    );
    by_token
        .instances()
        .list()
        .await
        .expect("list with a rescoped token");

    // An application credential, created through Keystone's own API with the user's token.
    let name = crate::target::unique_tenant("sdk-conformance-");
    let body = serde_json::json!({ "application_credential": { "name": name } }).to_string();
    let request = http::Request::post(format!(
        "{keystone}/users/{user_id}/application_credentials"
    ))
    .header("x-auth-token", session.token.expose())
    .header("content-type", "application/json")
    .body(http_body_util::Full::new(bytes::Bytes::from(body)))
    .expect("request");
    let transport: HttpService = troveclient::stack::hyper_transport();
    let response = transport
        .oneshot(request)
        .await
        .expect("create application credential");
    let status = response.status();
    let answer = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(status, 201, "{:?}", String::from_utf8_lossy(&answer));
    let created: serde_json::Value = serde_json::from_slice(&answer).expect("json");
    let id = created["application_credential"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let secret = created["application_credential"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();

    let by_app_cred = Client::builder()
        .auth(KeystoneV3::application_credential(&keystone, &id, secret))
        .build()
        .expect("client");
    assert_eq!(
        by_app_cred
            .authenticate()
            .await
            .expect("application credential auth"),
        format!("{}/v1.0/{project}", target.trove_url)
    );
    by_app_cred
        .instances()
        .list()
        .await
        .expect("list with an application credential");
}

/// The first mysql version, with the group parameters registered for it.
async fn mysql_version_with_parameters(
    target: &Target,
    client: &Client,
) -> troveclient::types::datastore::DatastoreVersion {
    let versions = client
        .datastores()
        .versions("mysql")
        .await
        .expect("versions");
    let version = versions.first().expect("mysql has a version").clone();
    register_group_parameters(target, &version.id).await;
    version
}

/// Registers the emulator's built-in parameters ([`trove_emulator::BUILTIN_PARAMETERS`]) for
/// the datastore version through the management API, so both servers list the same set, as
/// an admin, unless they are there already (always on the emulator). Through the SDK, whose
/// `ParameterSpec` sends `restart_required` as the `0`/`1` that Trove's schema
/// (`boolean_string`) requires: a JSON boolean there is a 400 on the real server.
async fn register_group_parameters(target: &Target, version_id: &str) {
    let admin = target.fake_client(&crate::target::unique_tenant("admin"));
    for (name, kind, min, max, restart) in trove_emulator::BUILTIN_PARAMETERS {
        if admin.mgmt().parameter(version_id, name).await.is_ok() {
            continue;
        }
        let spec = match (min, max) {
            (Some(min), Some(max)) => ParameterSpec::integer(*name, *min, *max, *restart),
            _ => ParameterSpec::of_type(*name, *kind, *restart),
        };
        let registered = admin.mgmt().create_parameter(version_id, &spec).await;
        let registered = registered.unwrap_or_else(|e| panic!("registering {name}: {e}"));
        assert_eq!(registered.name, *name);
    }
}

/// Configuration groups and their parameters, an instance's default configuration, and
/// modules, as far as the real fake mode supports them: parameters list and show (by
/// datastore and by version id), groups create, list, show, PATCH, PUT, instances, delete (and
/// the 400 while attached), attach at create and by update, detach; modules create, list,
/// show, update, apply, the instances that have one (listed and counted), remove, delete (and
/// the 403 while applied); instance logs only up to the guest, which fake mode lacks (see
/// [`FAKE_MODE_REFUSES`]). The module list of an instance and the apply answer come from the
/// guest, which is empty in fake mode, so only the call is checked, not its items.
pub async fn configurations_and_modules(target: &Target, client: &Client) {
    use std::collections::BTreeMap;
    use troveclient::{InstanceStatus, UpdateConfiguration, UpdateModule};

    let version = mysql_version_with_parameters(target, client).await;

    // Parameters of the version, by datastore and version name and by version id.
    let params = client
        .configuration_parameters()
        .list("mysql", &version.name)
        .await
        .expect("parameters");
    assert!(
        params.iter().any(|p| p.name == "max_connections"),
        "{params:?}"
    );
    let by_id = client
        .configuration_parameters()
        .list_by_version(&version.id)
        .await
        .expect("parameters by version id");
    assert_eq!(by_id.len(), params.len());
    let max_connections = client
        .configuration_parameters()
        .get("mysql", &version.name, "max_connections")
        .await
        .expect("parameter");
    assert_eq!(max_connections.kind, "integer");
    assert_eq!(
        (
            max_connections.min.and_then(|n| n.as_i64()),
            max_connections.max.and_then(|n| n.as_i64())
        ),
        (Some(1), Some(100_000))
    );
    let same = client
        .configuration_parameters()
        .get_by_version(&version.id, "max_connections")
        .await
        .expect("parameter by version id");
    assert_eq!(same.name, "max_connections");
    let unknown = client
        .configuration_parameters()
        .get("mysql", &version.name, "no_such_parameter")
        .await
        .unwrap_err();
    assert!(unknown.is_not_found(), "{unknown}");

    // A configuration group, and the values Trove refuses.
    let group = client
        .configurations()
        .create("tuned")
        .description("conformance")
        .datastore("mysql", Some(version.name.clone()))
        .value("max_connections", 100)
        .await
        .expect("create group");
    assert_eq!(group.name, "tuned");
    assert_eq!(
        group.values.as_ref().map(|v| v["max_connections"].clone()),
        Some(100.into())
    );
    let too_small = client
        .configurations()
        .create("bad")
        .value("max_connections", 0)
        .await
        .unwrap_err();
    assert!(too_small.is_unprocessable(), "{too_small}");
    let not_a_parameter = client
        .configurations()
        .create("bad")
        .value("no_such_parameter", 1)
        .await
        .unwrap_err();
    assert!(not_a_parameter.is_unprocessable(), "{not_a_parameter}");
    let listed = client.configurations().list().await.expect("groups");
    assert!(listed.iter().any(|c| c.id == group.id), "{listed:?}");

    // PATCH merges values; PUT replaces them, with the name and description.
    client
        .configurations()
        .edit(
            &group.id,
            BTreeMap::from([("connect_timeout".to_owned(), 20.into())]),
        )
        .await
        .expect("patch group");
    let merged = client.configurations().get(&group.id).await.expect("show");
    let values = merged.values.expect("values");
    assert_eq!(
        (
            values["max_connections"].clone(),
            values["connect_timeout"].clone()
        ),
        (100.into(), 20.into())
    );
    client
        .configurations()
        .update(
            &group.id,
            &UpdateConfiguration {
                values: BTreeMap::from([("max_connections".to_owned(), 200.into())]),
                name: Some("tuned-2".into()),
                description: Some("replaced".into()),
            },
        )
        .await
        .expect("put group");
    let replaced = client.configurations().get(&group.id).await.expect("show");
    assert_eq!(replaced.name, "tuned-2");
    assert_eq!(
        replaced.values.expect("values").keys().collect::<Vec<_>>(),
        ["max_connections"]
    );
    let missing = client
        .configurations()
        .get("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");

    // An instance created with the group; logs and the default configuration need it ready.
    let created = client
        .instances()
        .create("configured", "1")
        .volume(1)
        .configuration(&group.id)
        .await
        .expect("create with a group");
    assert_eq!(created.status, InstanceStatus::Build);
    assert_eq!(
        created.configuration().map(|c| c.id.as_str()),
        Some(group.id.as_str())
    );
    let id = created.id.clone();
    let building = client.instances().logs(&id).await.unwrap_err();
    assert!(building.is_unprocessable(), "{building}");
    let nobody = client
        .instances()
        .logs("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert!(nobody.is_not_found(), "{nobody}");
    client
        .instances()
        .wait_ready(&id, target.wait)
        .await
        .expect("ready");

    let users: Vec<_> = client
        .configurations()
        .instances(&group.id)
        .into_stream()
        .try_collect()
        .await
        .expect("group instances");
    assert_eq!(
        users.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    let defaults = client
        .instances()
        .configuration(&id)
        .await
        .expect("default configuration");
    // The template for flavor 1 (512 MB), not the group's values.
    assert_eq!(
        (
            defaults["port"].clone(),
            defaults["max_connections"].clone()
        ),
        (3306.into(), 100.into())
    );
    let in_use = client.configurations().delete(&group.id).await.unwrap_err();
    assert!(in_use.is_bad_request(), "{in_use}");
    let twice = client
        .instances()
        .attach_configuration(&id, &group.id)
        .await
        .unwrap_err();
    assert!(twice.is_bad_request(), "{twice}");

    // Detach, attach again by update, detach.
    client
        .instances()
        .detach_configuration(&id)
        .await
        .expect("detach");
    assert!(client
        .instances()
        .get(&id)
        .await
        .expect("get")
        .configuration()
        .is_none());
    let unknown_group = client
        .instances()
        .attach_configuration(&id, "00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert!(unknown_group.is_not_found(), "{unknown_group}");
    client
        .instances()
        .attach_configuration(&id, &group.id)
        .await
        .expect("attach");
    assert_eq!(
        client
            .instances()
            .get(&id)
            .await
            .expect("get")
            .configuration()
            .map(|c| c.id.clone()),
        Some(group.id.clone())
    );
    client
        .instances()
        .detach_configuration(&id)
        .await
        .expect("detach again");
    let nobody_uses: Vec<_> = client
        .configurations()
        .instances(&group.id)
        .into_stream()
        .try_collect()
        .await
        .expect("group instances");
    assert!(nobody_uses.is_empty(), "{nobody_uses:?}");
    client
        .configurations()
        .delete(&group.id)
        .await
        .expect("delete group");
    let gone = client.configurations().get(&group.id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    // Modules.
    let module = client
        .modules()
        .create("pinger", "ping", "aGVsbG8=")
        .description("conformance")
        .datastore("mysql", Some(version.name.clone()))
        .await
        .expect("create module");
    assert_eq!(module.kind.as_deref(), Some("ping"));
    assert_eq!(module.datastore.as_deref(), Some("mysql"));
    assert_eq!(module.is_admin, Some(false));
    let unknown_type = client
        .modules()
        .create("x", "no_such_type", "eA==")
        .await
        .unwrap_err();
    assert!(unknown_type.is_not_found(), "{unknown_type}");
    let modules = client.modules().list().await.expect("modules");
    assert!(modules.iter().any(|m| m.id == module.id), "{modules:?}");
    assert_eq!(
        client.modules().get(&module.id).await.expect("show").name,
        "pinger"
    );
    let updated = client
        .modules()
        .update(
            &module.id,
            &UpdateModule {
                description: Some("changed".into()),
                // A flag: Trove's schema takes it only as the integer 0 or 1.
                visible: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("update module");
    assert_eq!(updated.description.as_deref(), Some("changed"));
    assert_eq!(updated.visible, Some(true));
    assert!(client
        .modules()
        .instances(&module.id)
        .await
        .expect("module instances")
        .is_empty());

    client
        .instances()
        .apply_modules(&id, &[&module.id])
        .await
        .expect("apply");
    client
        .instances()
        .modules(&id)
        .await
        .expect("instance modules");
    let holders: Vec<_> = client
        .modules()
        .instances(&module.id)
        .into_stream()
        .try_collect()
        .await
        .expect("module instances");
    assert_eq!(
        holders.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    let counts = client
        .modules()
        .instance_counts(&module.id, false)
        .await
        .expect("counts");
    assert_eq!(
        counts.iter().map(|c| c.instance_count).collect::<Vec<_>>(),
        [1]
    );
    let applied = client.modules().delete(&module.id).await.unwrap_err();
    assert!(applied.is_forbidden(), "{applied}");
    client
        .instances()
        .remove_module(&id, &module.id)
        .await
        .expect("remove");
    assert!(client
        .modules()
        .instances(&module.id)
        .await
        .expect("module instances")
        .is_empty());
    client
        .modules()
        .delete(&module.id)
        .await
        .expect("delete module");
    let gone = client.modules().get(&module.id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    client
        .instances()
        .delete(&id)
        .await
        .expect("delete instance");
}

/// What the real fake mode refuses among the operations above, with the exact answer seen from
/// Trove 26.0.0: its fake guest agent has no `guest_log_list` and no `guest_log_action`, so
/// every guest-log call on a ready instance fails with an unhandled `AttributeError`, which
/// Trove answers as a 500 `instanceFault` ("Internal Server Error. Please keep this ID to help
/// us figure out what went wrong: (`<uuid>`)."). The emulator answers these as a real guest
/// would. Entries are `(operation, status, fault name)`.
pub const FAKE_MODE_REFUSES: &[(&str, u16, &str)] = &[
    ("list instance logs", 500, "instanceFault"),
    ("show an instance log", 500, "instanceFault"),
    ("enable an instance log", 500, "instanceFault"),
    ("publish an instance log", 500, "instanceFault"),
    ("disable an instance log", 500, "instanceFault"),
    ("discard an instance log", 500, "instanceFault"),
];

/// Checks [`FAKE_MODE_REFUSES`] against a server in fake mode, on a ready instance.
pub async fn fake_mode_refusals(target: &Target, client: &Client) {
    let instance = client
        .instances()
        .create("refusals", "1")
        .volume(1)
        .await
        .expect("create");
    let id = instance.id;
    client
        .instances()
        .wait_ready(&id, target.wait)
        .await
        .expect("ready");
    let instances = client.instances();
    let answers = [
        instances.logs(&id).await.map(|_| ()),
        instances.log(&id, "general").await.map(|_| ()),
        instances.log_enable(&id, "general").await.map(|_| ()),
        instances.log_publish(&id, "general").await.map(|_| ()),
        instances.log_disable(&id, "general").await.map(|_| ()),
        instances.log_discard(&id, "general").await.map(|_| ()),
    ];
    for ((operation, status, fault), answer) in FAKE_MODE_REFUSES.iter().zip(answers) {
        let err = answer.expect_err(operation);
        assert_eq!(
            (err.status().map(|s| s.as_u16()), err.fault_name()),
            (Some(*status), Some(*fault)),
            "{operation}: {err}"
        );
        assert!(
            err.to_string().contains("Internal Server Error"),
            "{operation}: {err}"
        );
    }
    client.instances().delete(&id).await.expect("delete");
}

/// A raw call outside the SDK's table, answered with JSON.
fn raw_route(method: &http::Method, body: bool) -> &'static Route {
    static GET: Route = raw(http::Method::GET, None);
    static POST: Route = raw(http::Method::POST, Some("Value"));
    static PUT: Route = raw(http::Method::PUT, Some("Value"));
    static PATCH: Route = raw(http::Method::PATCH, Some("Value"));
    static DELETE: Route = raw(http::Method::DELETE, None);
    static GET_WITH_BODY: Route = raw(http::Method::GET, Some("Value"));
    static DELETE_WITH_BODY: Route = raw(http::Method::DELETE, Some("Value"));
    const fn raw(method: http::Method, request: Option<&'static str>) -> Route {
        Route {
            name: "raw",
            method,
            template: "/raw",
            request,
            response: "Value",
            status: http::StatusCode::OK,
            query: &[],
            offset_marker: false,
        }
    }
    match (method.as_str(), body) {
        ("POST", _) => &POST,
        ("PUT", _) => &PUT,
        ("PATCH", _) => &PATCH,
        ("DELETE", false) => &DELETE,
        ("DELETE", true) => &DELETE_WITH_BODY,
        (_, false) => &GET,
        (_, true) => &GET_WITH_BODY,
    }
}

/// A raw call of `method` on `path` (relative to the project's endpoint), with `body` as JSON,
/// answered as JSON: what the SDK's checks and models would not let through.
fn raw_op(
    method: &http::Method,
    path: String,
    body: Option<&serde_json::Value>,
) -> troveclient::Operation<serde_json::Value> {
    let op =
        troveclient::Operation::<serde_json::Value>::json(raw_route(method, body.is_some()), &[])
            .with_path(path);
    match body {
        Some(b) => op.with_json(b).expect("body"),
        None => op,
    }
}

/// Sends `body` with `method` to `path` and returns the fault the server answered with.
async fn refused(
    client: &Client,
    method: http::Method,
    path: &str,
    body: serde_json::Value,
) -> (u16, String) {
    let op = raw_op(&method, path.to_owned(), Some(&body));
    let err = client.execute(op).await.expect_err("the server refuses it");
    let api = err
        .api()
        .unwrap_or_else(|| panic!("not an API error: {err}"));
    (api.status.as_u16(), api.fault.message.clone())
}

/// Sends a raw call (`body` as JSON) and returns the status, the fault's name (empty on
/// success) and the JSON answer (null on a fault).
async fn raw_call(
    client: &Client,
    method: http::Method,
    path: String,
    body: Option<serde_json::Value>,
) -> (u16, String, serde_json::Value) {
    match client
        .execute(raw_op(&method, path.clone(), body.as_ref()))
        .await
    {
        Ok(v) => (200, String::new(), v),
        Err(err) => {
            let api = err
                .api()
                .unwrap_or_else(|| panic!("{method} {path}: not an API error: {err}"));
            (
                api.status.as_u16(),
                api.fault.name.clone(),
                serde_json::Value::Null,
            )
        }
    }
}

/// The `next` marker of a page answered to a raw call, as the SDK reads it.
fn raw_next_marker(body: &serde_json::Value) -> Option<String> {
    let links: Vec<troveclient::Link> =
        serde_json::from_value(body["links"].clone()).unwrap_or_default();
    troveclient::types::next_marker(&links)
}

/// Waits until each of the instances is ready.
async fn wait_instances_ready(target: &Target, client: &Client, ids: &[String]) {
    for id in ids {
        client
            .instances()
            .wait_ready(id, target.wait)
            .await
            .expect("ready");
    }
}

/// Deletes the instances, then waits until each is gone.
async fn delete_instances(target: &Target, client: &Client, ids: &[String]) {
    for id in ids {
        client.instances().delete(id).await.expect("delete");
    }
    for id in ids {
        client
            .instances()
            .wait_deleted(id, target.wait)
            .await
            .expect("gone");
    }
}

/// Rules Trove 26 applies before any fake service, sent as raw bodies so the SDK's own checks
/// cannot hide them, with the status and message each must get:
/// * replica create naming a flavor, datastore or volume, and `replica_count` without a
///   replica: `trove/instance/service.py` `InstanceController.create()`;
/// * a PATCH carrying `access`, and a create with a bad name and volume size: the `edit` and
///   `create` schemas of `trove/common/apischema.py`, reported by
///   `trove/common/wsgi.py` `Controller.format_validation_msg`;
/// * a backup without an instance or `restore_from`, with a container shell quoting would
///   change, and an import of an unknown datastore version or missing its size:
///   `trove/backup/service.py` `BackupController.create`, `trove/backup/models.py`
///   `Backup.create` and apischema `backup:create`;
/// * a cluster create without a datastore version (apischema `cluster`), `add_shard` on an
///   unknown cluster and two actions in one body: `trove/cluster/service.py`
///   `ClusterController`.
pub async fn trove_rules(client: &Client) {
    use http::Method;
    let source = "00000000-0000-0000-0000-00000000beef";
    let unknown_version = "00000000-0000-0000-0000-000000000bad";
    let import = |version: &str| {
        serde_json::json!({"backup": {"name": "imp", "restore_from": {
            "remote_location": "http://swift/c/o", "local_datastore_version_id": version,
            "size": 1}}})
    };
    let version_missing = format!("Datastore version '{unknown_version}' cannot be found.");
    let cluster_missing = format!("Cluster '{source}' cannot be found.");
    let mut no_size = import(unknown_version);
    if let Some(from) = no_size["backup"]["restore_from"].as_object_mut() {
        from.remove("size");
    }
    let cases: Vec<(Method, String, serde_json::Value, u16, &str)> = vec![
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "r", "flavorRef": "1", "replica_of": source}}),
            400,
            "Cannot specify flavor when creating replicas.",
        ),
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "r", "replica_of": source,
                "datastore": {"type": "mysql"}}}),
            400,
            "Cannot specify datastore when creating replicas.",
        ),
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "r", "replica_of": source,
                "volume": {"size": 1}}}),
            400,
            "Cannot specify volume when creating replicas.",
        ),
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "x", "flavorRef": "1",
                "volume": {"size": 1}, "replica_count": 2}}),
            400,
            "Replica count only valid when creating replicas. Cannot create 2 instances.",
        ),
        (
            Method::PATCH,
            format!("/instances/{source}"),
            serde_json::json!({"instance": {"access": {"is_public": true}}}),
            400,
            "Validation error: instance Additional properties are not allowed ('access' was \
             unexpected)",
        ),
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "!!!", "flavorRef": "1",
                "volume": {"size": 0}}}),
            400,
            "Validation error: instance['name'] '!!!' does not match '^.*[0-9a-zA-Z]+.*$'; \
             instance['volume']['size'] 0 is not valid under any of the given schemas; \
             0 is less than the minimum of 1; 0 is not of type 'string'",
        ),
        (
            Method::POST,
            "/backups".into(),
            serde_json::json!({"backup": {"name": "b"}}),
            400,
            "instance is missing.",
        ),
        (
            Method::POST,
            "/backups".into(),
            serde_json::json!({"backup": {"name": "b", "instance": source,
                "swift_container": "c;rm"}}),
            400,
            "The value is not allowed: c;rm.",
        ),
        (
            Method::POST,
            "/backups".into(),
            import(unknown_version),
            400,
            &version_missing,
        ),
        (
            Method::POST,
            "/backups".into(),
            no_size,
            400,
            "Validation error: backup['restore_from'] 'size' is a required property",
        ),
        (
            Method::POST,
            "/clusters".into(),
            serde_json::json!({"cluster": {"name": "c", "datastore": {"type": "mongodb"},
                "instances": [{"flavorRef": "1", "volume": {"size": 1}}]}}),
            400,
            "Validation error: cluster['datastore'] 'version' is a required property",
        ),
        (
            Method::POST,
            format!("/clusters/{source}"),
            serde_json::json!({"add_shard": {}}),
            404,
            &cluster_missing,
        ),
        (
            Method::POST,
            format!("/clusters/{source}"),
            serde_json::json!({"restart": {}, "add_shard": {}}),
            400,
            "Action request should have exactly one action specified in body",
        ),
    ];
    for (method, path, body, status, message) in cases {
        let what = format!("{method} {path} {body}");
        let got = refused(client, method, &path, body).await;
        assert_eq!(got, (status, message.to_owned()), "{what}");
    }
}

/// Admin rules Trove 26 applies before any fake service, for a client whose project makes it
/// an admin (a name starting with `admin`, as fake mode and the emulator take it):
/// * a rebuild whose image is not a UUID: apischema `mgmt_instance` `rebuild`, read by
///   `trove/extensions/mgmt/instances/service.py` `MgmtInstanceController.action`;
/// * an unknown instance shown with `?deleted=true`: 404 (`MgmtInstanceController.show`);
/// * PATCH on a datastore version with repeated image tags: apischema
///   `mgmt_datastore_version` `edit`, which `trove/common/extensions.py`
///   `TroveExtensionMiddleware` routes PATCH to.
pub async fn trove_admin_rules(client: &Client) {
    use http::Method;
    let missing = "00000000-0000-0000-0000-00000000beef";
    let cases = [
        (
            Method::POST,
            format!("/mgmt/instances/{missing}/action"),
            serde_json::json!({"rebuild": {"image_id": "cirros"}}),
            400,
            "Validation error: rebuild['image_id'] 'cirros' does not match \
             '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'"
                .to_owned(),
        ),
        (
            Method::PATCH,
            format!("/mgmt/datastore-versions/{missing}"),
            serde_json::json!({"image_tags": ["a", "a"]}),
            400,
            "Validation error: image_tags ['a', 'a'] has non-unique elements".to_owned(),
        ),
    ];
    for (method, path, body, status, message) in cases {
        let what = format!("{method} {path} {body}");
        let got = refused(client, method, &path, body).await;
        assert_eq!(got, (status, message), "{what}");
    }
    let op = raw_op(
        &http::Method::GET,
        format!("/mgmt/instances/{missing}"),
        None,
    )
    .query("deleted", Some("true"));
    let err = client.execute(op).await.expect_err("no such instance");
    let api = err
        .api()
        .unwrap_or_else(|| panic!("not an API error: {err}"));
    assert_eq!(
        (api.status.as_u16(), api.fault.message.as_str()),
        (404, format!("Resource {missing} cannot be found.").as_str())
    );
}

/// Trove 26's own verdicts on request bodies, replayed over HTTP: every case of
/// `crates/trove-emulator/schemas/expected-messages.json` that Trove refuses with a 400 (a
/// schema violation, `trove/common/wsgi.py` `Resource.__call__` then
/// `Controller.format_validation_msg`) or a 500 (an error at the body's root), with the status
/// and, for a 400, the message. Validation runs before any controller, so the cases need no
/// resource: the ids in their paths name nothing. Bodies that are not JSON are left to the
/// offline check (`crates/trove-emulator/tests/request_schema.rs`).
pub async fn schema_verdicts(client: &Client) -> usize {
    const EXPECTED: &str =
        include_str!("../../crates/trove-emulator/schemas/expected-messages.json");
    let doc: serde_json::Value = serde_json::from_str(EXPECTED).expect("expected-messages.json");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let expect = case["expect"].as_str().expect("expect");
        if expect != "400" && expect != "500" {
            continue;
        }
        let Ok(body) = serde_json::from_str::<serde_json::Value>(case["body"].as_str().unwrap())
        else {
            continue;
        };
        let method: http::Method = case["method"].as_str().unwrap().parse().unwrap();
        // `/v1.0/12345/instances/...` -> `/instances/...`: the client adds its own tenant.
        let full = case["path"].as_str().unwrap();
        let path = &full["/v1.0/".len()..];
        let path = &path[path.find('/').expect("tenant segment")..];
        let (status, message) = refused(client, method.clone(), path, body.clone()).await;
        let want_status: u16 = expect.parse().unwrap();
        let message_ok = expect != "400" || Some(message.as_str()) == case["message"].as_str();
        if status != want_status || !message_ok {
            wrong.push(format!(
                "{method} {path} {body}\n  want {want_status} {}\n  got  {status} {message}",
                case["message"]
            ));
        }
        checked += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} verdicts differ from Trove 26's:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    checked
}

/// Rules that need a live primary and replica, sent as raw bodies so the SDK's own checks
/// cannot hide them:
/// * `trove/instance/service.py` `InstanceController.ssl_action()`: an enable without
///   `container_ref`, several actions at once, an unknown mode (for enable and disable alike),
///   and any action but rollback on a replica;
/// * `trove/instance/service.py` `InstanceController.create()` and
///   `trove/instance/models.py` `Instance.create()`: a replica of a replica (Trove raises
///   `Forbidden`, answered 401), a replica with users, a replica of an unknown instance.
///
/// Along the way a replica is created end to end with the SDK's replica call and must settle
/// ACTIVE, linked both ways, with its source's flavor and volume.
pub async fn replica_and_ssl_rules(target: &Target, client: &Client) {
    use http::Method;
    let instances = client.instances();
    let source = instances
        .create("rules-source", "1")
        .volume(1)
        .await
        .expect("create source");
    let source = instances
        .wait_ready(&source.id, target.wait)
        .await
        .expect("source ready");
    let replica = instances
        .create_replica("rules-replica", &source.id)
        .await
        .expect("create replica");
    // The replica create backs its source up (trove/taskmanager/models.py
    // `get_replication_master_snapshot`), after the create has answered, so poll for it. Fake
    // mode then keeps it, where a real guest's snapshot is deleted once the replica is built
    // (trove/taskmanager/manager.py `_create_replication_slave`), so only its start is compared.
    use troveclient::BackupStatus;
    let snapshot_name = format!("Replication snapshot for {}", replica.id);
    let of_source = poll_until(
        format!("the snapshot of {}", source.id),
        target.wait,
        || {
            instances
                .backups(&source.id)
                .into_stream()
                .try_collect::<Vec<_>>()
        },
        |all: &Vec<troveclient::Backup>| {
            if all.iter().any(|b| b.name == snapshot_name) {
                Check::Done
            } else {
                Check::Pending
            }
        },
        |all| format!("{} backups", all.len()),
    )
    .await
    .expect("the replica's snapshot of its source");
    let [snapshot] = &of_source[..] else {
        panic!("one backup of the source: {of_source:?}");
    };
    assert_eq!(
        (
            snapshot.description.as_deref(),
            snapshot.instance_id.as_deref(),
            snapshot.parent_id.as_deref(),
        ),
        (
            Some("Backup image used to initialize replication slave"),
            Some(source.id.as_str()),
            None,
        ),
        "{snapshot:?}"
    );
    if snapshot.status == BackupStatus::New {
        // Fake mode's guest finishes it 10 s after it began; the source is BACKUP until then.
        let shown = instances.get(&source.id).await.expect("source");
        assert_eq!(shown.status, InstanceStatus::Backup, "{shown:?}");
    }
    let replica = instances
        .wait_ready(&replica.id, target.wait)
        .await
        .expect("replica ready");
    // The replica create took a backup of the source (trove/taskmanager/models.py
    // `get_replication_master_snapshot`), and the source shows BACKUP and refuses actions until
    // it is done; fake mode's guest finishes it 10 s after it began, whenever the replica is up
    // (trove/tests/fakes/guestagent.py `create_backup`).
    let source = instances
        .wait_ready(&source.id, target.wait)
        .await
        .expect("source ready after the replica's snapshot");
    let (src, rep) = (source.id.as_str(), replica.id.as_str());
    assert_eq!(
        replica.flavor.as_ref().map(|f| f.id.as_str()),
        Some("1"),
        "a replica takes its source's flavor"
    );
    assert_eq!(replica.volume.as_ref().map(|v| v.size), Some(1));
    let details = |i: &troveclient::Instance| i.details.clone().unwrap_or_default();
    assert_eq!(
        details(&replica).replica_of.map(|r| r.id).as_deref(),
        Some(src)
    );
    let shown = instances.get(src).await.expect("source");
    let replicas: Vec<String> = details(&shown).replicas.into_iter().map(|r| r.id).collect();
    assert_eq!(replicas, [rep], "the source lists its replica");

    let ssl = |id: &str| format!("/instances/{id}/ssl");
    let cases: Vec<(Method, String, serde_json::Value, u16, String)> = vec![
        (
            Method::POST,
            ssl(src),
            serde_json::json!({"ssl": {"enable": true}}),
            400,
            "You should provide container_ref for enabling ssl.".into(),
        ),
        (
            Method::POST,
            ssl(src),
            serde_json::json!({"ssl": {"enable": true, "disable": true, "container_ref": "c"}}),
            400,
            "Cannot do several operations at once.".into(),
        ),
        (
            Method::POST,
            ssl(src),
            serde_json::json!({"ssl": {"enable": true, "container_ref": "c", "mode": "builtin"}}),
            400,
            "Unknown SSL mode. Available options are: basic, enforced, mtls".into(),
        ),
        (
            Method::POST,
            ssl(src),
            serde_json::json!({"ssl": {"disable": true, "mode": "builtin"}}),
            400,
            "Unknown SSL mode. Available options are: basic, enforced, mtls".into(),
        ),
        (
            Method::POST,
            ssl(rep),
            serde_json::json!({"ssl": {"enable": true, "container_ref": "c"}}),
            400,
            "Unable to modify ssl on the replica. Please perform the action on the primary \
             instead."
                .into(),
        ),
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "r2", "replica_of": rep}}),
            401,
            format!("Cannot create a replica of a replica {rep}"),
        ),
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "r3", "replica_of": src,
                "users": [{"name": "u", "password": "p"}]}}),
            400,
            "Cannot create a replica with users or databases.".into(),
        ),
        (
            Method::POST,
            "/instances".into(),
            serde_json::json!({"instance": {"name": "r4",
                "replica_of": "00000000-0000-0000-0000-000000000000"}}),
            404,
            "Resource 00000000-0000-0000-0000-000000000000 cannot be found.".into(),
        ),
    ];
    for (method, path, body, status, message) in cases {
        let what = format!("{method} {path} {body}");
        let got = refused(client, method, &path, body).await;
        assert_eq!(got, (status, message), "{what}");
    }
    // `trove/instance/models.py` `Instance.delete()`: a source with a replica that is not yet
    // deleted (even one being deleted) is refused with `ReplicaSourceDeleteForbidden`.
    let source_first = instances
        .delete(src)
        .await
        .expect_err("source with a replica");
    assert_eq!(
        (
            source_first.status().map(|s| s.as_u16()),
            source_first.fault_name()
        ),
        (Some(403), Some("forbidden")),
        "{source_first}"
    );
    assert!(
        source_first
            .to_string()
            .contains("Detach replicas before deleting replica source."),
        "{source_first}"
    );
    instances.delete(rep).await.expect("delete replica");
    instances
        .wait_deleted(rep, target.wait)
        .await
        .expect("replica deleted");
    instances.delete(src).await.expect("delete source");
}

/// What an admin sees of an instance (`trove/instance/views.py` `InstanceDetailView.data`,
/// `trove/extensions/mgmt/instances/views.py` `MgmtInstanceDetailView.data`): the admin-only
/// fields of the instance views, and the management view before and after root is enabled.
pub async fn admin_views(target: &Target, admin: &Client) {
    let created = admin
        .instances()
        .create("admin-view", "1")
        .volume(1)
        .await
        .expect("create");
    assert_eq!(created.encrypted_rpc_messaging(), Some(true));
    let id = created.id.clone();
    let ready = admin
        .instances()
        .wait_ready(&id, target.wait)
        .await
        .expect("ready");
    assert!(ready.server_id().is_some(), "{ready:?}");
    assert!(ready.volume_id().is_some(), "{ready:?}");
    assert!(ready.tenant_id.is_some(), "{ready:?}");
    let before = admin.mgmt().instance(&id).await.expect("mgmt show");
    assert!(before.root_enabled.is_none(), "{before:?}");
    assert!(before
        .volume
        .as_ref()
        .is_some_and(|v| v.created_at.is_some()));
    admin.root(&id).enable().await.expect("root enable");
    let after = admin.mgmt().instance(&id).await.expect("mgmt show");
    assert!(after.root_enabled.is_some(), "{after:?}");
    assert!(after.root_enabled_by.is_some(), "{after:?}");
    delete_instances(target, admin, &[id]).await;
}

/// What a project that is not an admin gets from the management API: 401 "User does not have
/// admin privileges." from `trove/common/auth.py` `admin_context` (its `Forbidden` is a 401 in
/// `trove/common/wsgi.py`), except quota show, which `trove/extensions/mgmt/quota/service.py`
/// `QuotaController.show` answers for the project's own quotas and refuses for another's with
/// a 403.
pub async fn non_admin_management(client: &Client, tenant: &str) {
    let get = |path: String| raw_op(&http::Method::GET, path, None);
    let answer = |r: Result<serde_json::Value, Error>| match r {
        Ok(_) => (200, String::new()),
        Err(err) => {
            let api = err
                .api()
                .unwrap_or_else(|| panic!("not an API error: {err}"));
            (api.status.as_u16(), api.fault.message.clone())
        }
    };
    let admin_only = "User does not have admin privileges.".to_owned();
    for path in [
        "/mgmt/instances".to_owned(),
        "/mgmt/instances/00000000-0000-0000-0000-00000000beef".to_owned(),
        "/mgmt/datastore-versions".to_owned(),
    ] {
        let got = answer(client.execute(get(path.clone())).await);
        assert_eq!(got, (401, admin_only.clone()), "GET {path}");
    }
    let own = answer(client.execute(get(format!("/mgmt/quotas/{tenant}"))).await);
    assert_eq!(own.0, 200, "own quotas: {own:?}");
    let other = answer(
        client
            .execute(get("/mgmt/quotas/someone-else".into()))
            .await,
    );
    assert_eq!(
        other,
        (403, format!("Operation not allowed for tenant {tenant}."))
    );
}

/// The answers `cargo xtask openapi-check` found where Trove 26.0.0 does what a reading of its API
/// would not expect, sent as raw calls by an admin project (`admin...` in fake mode) that owns
/// two instances:
/// * an admin's `GET /modules` is a 500: `trove/module/models.py` `Modules.load` binds its
///   result only for a project that is not an admin;
/// * `GET /mgmt/instances` pages by offset (`trove/extensions/mgmt/instances/models.py`
///   `_paginate_instances`: `int(context.marker or 0)`, a next marker of offset + limit whenever
///   the page is full), so a marker that is not a number is a 500 and an empty one the first
///   page; the offset is bound as a database integer, so one past i64 is a 500 too; backups
///   page the same way (`trove/backup/models.py` `Backup._paginate`);
/// * a `limit` past i64 is the page size on a capped list (`trove/common/utils.py`
///   `pagination_limit`) and a 500 on backups and the admin instance list, whose database cannot
///   bind it;
/// * `PUT /mgmt/quotas/{project}` with `{}` is a 400 "Invalid request body." and without
///   `quotas` a 500 (`trove/extensions/mgmt/quota/service.py` `QuotaController.update`).
pub async fn openapi_check_findings(target: &Target, admin: &Client, tenant: &str) {
    use http::Method;
    let send = |method: Method, path: String, body: Option<serde_json::Value>| {
        raw_call(admin, method, path, body)
    };
    let status = |r: &(u16, String, serde_json::Value)| (r.0, r.1.clone());
    let server_error = (500, "instanceFault".to_owned());

    let got = send(Method::GET, "/modules".into(), None).await;
    assert_eq!(status(&got), server_error, "an admin's GET /modules");

    let huge = "3917431873414389980725248";
    for (path, expected) in [
        (format!("/instances?limit={huge}"), (200, String::new())),
        (format!("/backups?limit={huge}"), server_error.clone()),
        (
            format!("/mgmt/instances?limit={huge}"),
            server_error.clone(),
        ),
        (
            "/mgmt/instances?marker=not-a-number".to_owned(),
            server_error.clone(),
        ),
        ("/backups?marker=".to_owned(), (200, String::new())),
        (
            "/backups?marker=not-a-number".to_owned(),
            server_error.clone(),
        ),
        // The offset is bound as a database integer: i64::MAX is an empty page, one more a 500.
        (
            format!("/backups?marker={}&limit={}", i64::MAX, i64::MAX),
            (200, String::new()),
        ),
        (
            format!("/mgmt/instances?marker={}", i64::MAX),
            (200, String::new()),
        ),
        (
            format!("/backups?marker={}", i64::MAX as u64 + 1),
            server_error.clone(),
        ),
        (
            format!("/mgmt/instances?marker={}", i64::MAX as u64 + 1),
            server_error.clone(),
        ),
    ] {
        let got = send(Method::GET, path.clone(), None).await;
        assert_eq!(status(&got), expected, "GET {path}");
    }

    let quotas = format!("/mgmt/quotas/{tenant}");
    let empty = send(Method::PUT, quotas.clone(), Some(serde_json::json!({}))).await;
    assert_eq!(
        status(&empty),
        (400, "badRequest".to_owned()),
        "PUT {quotas} {{}}"
    );
    let refused = refused(admin, Method::PUT, &quotas, serde_json::json!({})).await;
    assert_eq!(refused, (400, "Invalid request body.".to_owned()));
    let keyless = send(Method::PUT, quotas, Some(serde_json::json!({"limits": {}}))).await;
    assert_eq!(
        status(&keyless),
        server_error,
        "a quota update without quotas"
    );

    // Two instances of this project, one per page of the admin list.
    let mut ids = Vec::new();
    for n in 0..2 {
        let made = admin
            .instances()
            .create(format!("offset-{n}"), "1")
            .volume(1)
            .await
            .expect("create");
        ids.push(made.id);
    }
    let page = |marker: &str| {
        let path =
            format!("/mgmt/instances?project_id={tenant}&deleted=false&limit=1&marker={marker}");
        send(Method::GET, path, None)
    };
    let mut seen = Vec::new();
    for (marker, next) in [("0", Some("1")), ("1", Some("2")), ("2", None)] {
        let (code, _, body) = page(marker).await;
        assert_eq!(code, 200, "marker {marker}: {body}");
        seen.extend(
            body["instances"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["id"].as_str().map(str::to_owned)),
        );
        assert_eq!(
            raw_next_marker(&body).as_deref(),
            next,
            "marker {marker}: {body}"
        );
    }
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids, "the two pages hold the project's two instances");

    wait_instances_ready(target, admin, &ids).await;
    delete_instances(target, admin, &ids).await;
}

/// `limit` and offset `marker` forms Trove reads with Python's `int` (`1_0`, `+2`, ` 3 `, `２`),
/// the id marker compared rather than looked up, and the limits of 0 and -1 whose answer is
/// Python's rather than the database's, as the real server in fake mode answers them
/// (trove/common/utils.py `pagination_limit`, trove/db/__init__.py `paginated_collection`,
/// trove/backup/models.py `_paginate`, trove/extensions/mgmt/instances/models.py
/// `_paginate_instances`). Negative offsets and limits below -1 on database lists are left out:
/// fake mode's SQLite reads them where production's MySQL (which the emulator follows) refuses
/// them; so is a limit of 0 or -1 on databases, which fake mode's guest pages otherwise than
/// the production one. `admin` must be an admin project named `tenant`.
pub async fn python_int_limits_and_markers(target: &Target, admin: &Client, tenant: &str) {
    let get = |path: String| async move {
        let (code, _, body) = raw_call(admin, http::Method::GET, path, None).await;
        (code, body)
    };
    // (path, status, items on the page, next marker)
    let check = |path: String, status: u16, shown: usize, next: Option<&'static str>| {
        let get = &get;
        async move {
            let (code, body) = get(path.clone()).await;
            assert_eq!(code, status, "GET {path}: {body}");
            if code != 200 {
                return;
            }
            let items = body
                .as_object()
                .and_then(|o| o.iter().find(|(k, _)| *k != "links"))
                .and_then(|(_, v)| v.as_array())
                .map_or(0, Vec::len);
            assert_eq!(items, shown, "GET {path}: {body}");
            assert_eq!(
                raw_next_marker(&body).as_deref(),
                next,
                "GET {path}: {body}"
            );
        }
    };
    let mgmt = format!("/mgmt/instances?project_id={tenant}&deleted=false");

    // Empty lists: a limit of 0 asks the database for one row and finds none.
    check("/instances?limit=0".into(), 200, 0, None).await;
    check("/clusters?limit=0".into(), 200, 0, None).await;
    check("/clusters?limit=-1".into(), 500, 0, None).await;
    check("/instances?limit=-1".into(), 500, 0, None).await;
    // An offset list's empty page of limit 0 still has a next marker: the offset.
    check("/backups?limit=0".into(), 200, 0, Some("0")).await;
    check("/backups?limit=0&marker=1_0".into(), 200, 0, Some("10")).await;
    check("/backups?limit=0x10".into(), 500, 0, None).await;
    check("/backups?marker=1__0".into(), 500, 0, None).await;

    let mut ids = Vec::new();
    for n in 0..2 {
        let made = admin
            .instances()
            .create(format!("python-int-{n}"), "1")
            .volume(1)
            .database(DatabaseSpec::new("da"))
            .database(DatabaseSpec::new("db"))
            .database(DatabaseSpec::new("dc"))
            .await
            .expect("create");
        ids.push(made.id);
    }
    // One row after the marker with a limit of 0: `collection[-2]` of one row, a 500.
    check("/instances?limit=0".into(), 500, 0, None).await;
    check("/instances?limit=1_0".into(), 200, 2, None).await;
    check("/instances?limit=%203%20".into(), 200, 2, None).await;
    for one in ["%2B1", "%EF%BC%91", "0_1"] {
        let (code, body) = get(format!("/instances?limit={one}")).await;
        assert_eq!(code, 200, "limit={one}: {body}");
        assert_eq!(
            body["instances"].as_array().map(Vec::len),
            Some(1),
            "{body}"
        );
        assert!(body["links"].is_array(), "limit={one}: {body}");
    }
    for refused in ["0x10", "1__0", "_1", "%20"] {
        check(format!("/instances?limit={refused}"), 500, 0, None).await;
    }
    // The id marker is compared, not looked up (trove/db/sqlalchemy/api.py `_limits`):
    // "nope" sorts after every hex id, "0" before them, and the smaller id leaves the larger.
    check("/instances?marker=nope".into(), 200, 0, None).await;
    check("/instances?marker=0".into(), 200, 2, None).await;
    let smaller = ids.iter().min().expect("two ids");
    check(format!("/instances?marker={smaller}"), 200, 1, None).await;
    check(format!("{mgmt}&limit=0"), 200, 0, Some("0")).await;
    check(format!("{mgmt}&limit=%2B1"), 200, 1, Some("1")).await;
    check(format!("{mgmt}&limit=1&marker=%2B1"), 200, 1, Some("2")).await;
    check(format!("{mgmt}&limit=1&marker=%201"), 200, 1, Some("2")).await;
    check(
        format!("{mgmt}&limit=1&marker=%EF%BC%91"),
        200,
        1,
        Some("2"),
    )
    .await;
    check(format!("{mgmt}&marker=1_0"), 200, 0, None).await;
    check(format!("{mgmt}&marker=1__0"), 500, 0, None).await;

    wait_instances_ready(target, admin, &ids).await;
    let dbs = format!("/instances/{}/databases", ids[0]);
    check(format!("{dbs}?limit=%2B2"), 200, 2, Some("db")).await;
    check(format!("{dbs}?limit=1_0"), 200, 3, None).await;
    check(format!("{dbs}?limit=%EF%BC%92"), 200, 2, Some("db")).await;
    check(format!("{dbs}?limit=0x10"), 500, 0, None).await;
    // The instance is checked before the limit is read.
    check(
        "/instances/00000000-0000-0000-0000-00000000dead/databases?limit=abc".into(),
        404,
        0,
        None,
    )
    .await;

    delete_instances(target, admin, &ids).await;
}

/// Users page by `user@host` (trove/guestagent/datastore/mysql_common/service.py `list_users`;
/// fake mode's trove/tests/fakes/guestagent.py `list_users`), and Trove quotes that marker before
/// it encodes the link's query (trove/common/pagination.py `SimplePaginatedDataView`), so the
/// first page's link ends `marker=a-b%2540%2525` (`a-b@%` sorts before `a@%`, though `a` sorts
/// before `a-b`). Following the links one user a page, the SDK sees each user once, in that
/// order: it sends the marker back as `a-b@%`, which the server finds.
pub async fn users_page_by_user_at_host(target: &Target, client: &Client) {
    let id = client
        .instances()
        .create("users-paging", "1")
        .volume(1)
        .await
        .expect("create")
        .id;
    client
        .instances()
        .wait_ready(&id, target.wait)
        .await
        .expect("ready");
    client
        .users(&id)
        .create(&[
            UserSpec::new("aa", "pw-1"),
            UserSpec::new("aa", "pw-2").host("10.%"),
            UserSpec::new("ab", "pw-3"),
            UserSpec::new("a", "pw-4"),
            UserSpec::new("a-b", "pw-5"),
        ])
        .await
        .expect("create users");
    let op = raw_op(
        &http::Method::GET,
        format!("/instances/{id}/users?limit=1"),
        None,
    );
    let first = client.execute(op).await.expect("first page");
    let href = first["links"][0]["href"].as_str().unwrap_or_default();
    assert!(href.ends_with("marker=a-b%2540%2525"), "{first}");
    let users: Vec<(String, Option<String>)> = client
        .users(&id)
        .list()
        .limit(1)
        .into_stream()
        .map_ok(|u| (u.name, u.host))
        .try_collect()
        .await
        .expect("every page");
    let at = |name: &str, host: &str| (name.to_owned(), Some(host.to_owned()));
    assert_eq!(
        users,
        [
            at("a-b", "%"),
            at("a", "%"),
            at("aa", "%"),
            at("aa", "10.%"),
            at("ab", "%"),
        ]
    );
    delete_instances(target, client, &[id]).await;
}

/// Makes what `cargo xtask openapi-check` needs on a server before schemathesis tries every
/// operation of the OpenAPI document there: an ACTIVE instance with a database and a user,
/// created with a configuration group, a module applied to it, and a COMPLETED backup of it, all
/// owned by `tenant` (not an admin: Trove 26.0.0 cannot list modules for an admin). `admin` is
/// the admin project (`admin...` in fake mode) the management operations are tried as. Returns
/// the value of every kind of path parameter, keyed by kind (`instance`, `database`, `user`,
/// `configuration`, `backup`, `module`, `flavor`, `datastore`, `datastore_version`,
/// `datastore_version_id`, `parameter`, `tenant`, `admin_tenant`, `version`).
pub async fn openapi_resources(
    target: &Target,
    client: &Client,
    tenant: &str,
    admin: &str,
) -> serde_json::Value {
    let version = mysql_version_with_parameters(target, client).await;
    let group = client
        .configurations()
        .create("openapi-group")
        .datastore("mysql", Some(version.name.clone()))
        .value("max_connections", 100)
        .await
        .expect("create group");
    let module = client
        .modules()
        .create("openapi-module", "ping", "aGVsbG8=")
        .datastore("mysql", Some(version.name.clone()))
        .await
        .expect("create module");
    let instance = client
        .instances()
        .create("openapi", "1")
        .volume(1)
        .configuration(&group.id)
        .database(DatabaseSpec::new("openapi_db"))
        .user(UserSpec::new("openapi_user", "openapi-pw-1").database("openapi_db"))
        .await
        .expect("create instance");
    let id = instance.id;
    client
        .instances()
        .wait_ready(&id, target.wait)
        .await
        .expect("instance ready");
    client
        .instances()
        .apply_modules(&id, &[&module.id])
        .await
        .expect("apply module");
    let backup = client
        .backups()
        .create("openapi-backup", &id)
        .await
        .expect("create backup");
    client
        .backups()
        .wait_completed(&backup.id, target.wait)
        .await
        .expect("backup completes");
    serde_json::json!({
        "tenant": tenant,
        "admin_tenant": admin,
        "version": "v1.0",
        "instance": id,
        "database": "openapi_db",
        "user": "openapi_user",
        "configuration": group.id,
        "backup": backup.id,
        "module": module.id,
        "flavor": "1",
        "datastore": "mysql",
        "datastore_version": version.name,
        "datastore_version_id": version.id,
        "parameter": "max_connections",
    })
}
