//! Scenarios that run unchanged against the emulator and the real servers. They use only the
//! public API of `troveclient` and panic with a message on the first disagreement.

use futures::TryStreamExt;
use troveclient::{
    auth::{strategy::KeystoneV3, AuthError, AuthHttp, AuthStrategy, EndpointFilter, Session},
    Client, DatabaseSpec, Dbaas, Error, InstanceExt, InstanceStatus, Secret, UserSpec,
};

use crate::target::Target;

/// The seed document, section by section: versions, create with a volume, databases and users,
/// get, BUILD -> ACTIVE by refreshing in place, delete -> SHUTDOWN -> NotFound, and 30
/// instances listed as 20 + 10 with `next`.
pub async fn seed_walkthrough(target: &Target, client: &Client) {
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

    let deadline = tokio::time::Instant::now() + target.wait.timeout;
    while instance.status == InstanceStatus::Build {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still BUILD after {:?}",
            target.wait.timeout
        );
        tokio::time::sleep(target.wait.interval).await;
        instance.refresh(client).await.expect("refresh");
    }
    assert!(
        instance.status.is_ready(),
        "ready state: {}",
        instance.status
    );
    assert_eq!(instance.volume.as_ref().map(|v| v.size), Some(1));

    instance.delete(client).await.expect("delete");
    let mut saw_gone = false;
    while tokio::time::Instant::now() < deadline {
        match client.instances().get(&instance.id).await {
            Ok(i) => assert_eq!(i.status, InstanceStatus::Shutdown),
            Err(e) if e.is_not_found() => {
                assert_eq!(e.fault_name(), Some("itemNotFound"));
                saw_gone = true;
                break;
            }
            Err(e) => panic!("get after delete: {e}"),
        }
        tokio::time::sleep(target.wait.interval).await;
    }
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
