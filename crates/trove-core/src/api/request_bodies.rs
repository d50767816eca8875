//! Every body the SDK's operations send, across the options each takes, checked against the
//! JSON schema Trove 26.0.0 validates on its route (`trove/common/apischema.py`, picked as each
//! controller's `get_schema` does), with the emulator's own selection and validator: a body
//! Trove would refuse with a 400 fails here, without a server.

use std::collections::BTreeMap;

use crate::api::{
    backups, clusters, configurations, databases, instance_modules, instances, logs, mgmt, modules,
    quotas, root, users,
};
use crate::request::operation::Operation;
use serde_json::json;
use trove_emulator::request_schema::{self, Verdict};
use trove_types::backup::{CreateBackup, CreateBackupStrategy, RestoreFrom};
use trove_types::cluster::{
    ClusterAction, ClusterInstanceSpec, ConfigurationAttachArg, CreateCluster, IdRef, UpgradeArg,
};
use trove_types::configuration::{CreateConfiguration, UpdateConfiguration};
use trove_types::instance::{
    Access, CreateInstance, DatabaseSpec, DatastoreSpec, ModuleRef, NicSpec, RestorePoint,
    UserSpec, VolumeSpec,
};
use trove_types::instance_action::{InstanceAction, UpdateInstance};
use trove_types::log::LogAction;
use trove_types::mgmt::{
    CreateDatastoreVersion, EditDatastoreVersion, GuestUpgrade, MgmtInstanceAction, MigrateArg,
    ParameterSpec, RebuildArg,
};
use trove_types::module::{CreateModule, Reapply, UpdateModule};
use trove_types::quota::QuotaLimits;
use trove_types::user::{PasswordChange, UpdateUser};

const ID: &str = "11111111-2222-3333-4444-555555555555";
const OTHER: &str = "66666666-7777-8888-9999-000000000000";

/// Trove's verdict on the body an operation would send.
fn verdict<R>(op: &Operation<R>) -> Verdict {
    let body = op.body().map(|b| b.to_vec()).unwrap_or_default();
    request_schema::check(op.method().as_str(), &format!("/12345{}", op.path()), &body)
}

/// Collects the operations whose body Trove's schema refuses.
#[derive(Default)]
struct Check {
    refused: Vec<String>,
    validated: usize,
}

impl Check {
    fn body<R>(&mut self, what: &str, op: Operation<R>) {
        let v = verdict(&op);
        if v == Verdict::Valid {
            self.validated += 1;
        }
        if !v.passes() {
            let body = op.body().map(|b| String::from_utf8_lossy(b).into_owned());
            self.refused.push(format!(
                "{what}: {} {} {body:?} -> {v:?}",
                op.method(),
                op.path()
            ));
        }
    }

    fn done(self, at_least: usize) {
        assert!(
            self.refused.is_empty(),
            "refused:\n{}",
            self.refused.join("\n")
        );
        assert!(
            self.validated >= at_least,
            "only {} bodies met a schema",
            self.validated
        );
    }
}

fn full_instance() -> CreateInstance {
    let mut c = CreateInstance::new("db-1", "7");
    c.volume = Some(VolumeSpec {
        size: 2,
        kind: Some("lvm".into()),
    });
    c.databases = vec![DatabaseSpec::new("sales")
        .character_set("utf8")
        .collate("utf8_general_ci")];
    c.users = vec![UserSpec::new("app", "s3cret").host("%").database("sales")];
    c.datastore = Some(DatastoreSpec {
        kind: Some("mysql".into()),
        version: Some("5.7".into()),
        version_number: None,
    });
    c.availability_zone = Some("nova".into());
    c.nics = vec![NicSpec {
        network_id: Some(ID.into()),
        subnet_id: None,
        ip_address: None,
    }];
    c.configuration = Some(ID.into());
    c.locality = Some("anti-affinity".into());
    c.region_name = Some("RegionOne".into());
    c.modules = vec![ModuleRef { id: ID.into() }];
    c.access = Some(Access {
        is_public: Some(true),
        allowed_cidrs: Some(vec!["10.0.0.0/24".into()]),
    });
    c
}

/// Follows trove/instance/service.py `InstanceController.get_schema` and apischema `instance`.
#[test]
fn instance_bodies_meet_trove_schemas() {
    let mut ck = Check::default();
    ck.body(
        "create minimal",
        instances::create_operation(&CreateInstance::new("a", "7")).unwrap(),
    );
    ck.body(
        "create full",
        instances::create_operation(&full_instance()).unwrap(),
    );
    let mut restore = CreateInstance::new("r", "7");
    restore.volume = Some(VolumeSpec::new(1));
    restore.restore_point = Some(RestorePoint {
        backup_ref: ID.into(),
    });
    ck.body(
        "create restore",
        instances::create_operation(&restore).unwrap(),
    );
    let mut replica = CreateInstance::new("rep", "7");
    replica.replica_of = Some(ID.into());
    replica.replica_count = Some(2);
    ck.body(
        "create replica",
        instances::create_operation(&replica).unwrap(),
    );
    let mut nics = CreateInstance::new("n", "7");
    nics.nics = vec![NicSpec {
        network_id: None,
        subnet_id: Some(ID.into()),
        ip_address: Some("10.0.0.5".into()),
    }];
    nics.datastore = Some(DatastoreSpec {
        kind: Some("mysql".into()),
        version: None,
        version_number: Some("5.7.29".into()),
    });
    ck.body(
        "create nic by subnet",
        instances::create_operation(&nics).unwrap(),
    );

    let updates = [
        UpdateInstance {
            name: Some("renamed".into()),
            ..Default::default()
        },
        UpdateInstance {
            configuration: Some(Some(ID.into())),
            ..Default::default()
        },
        UpdateInstance {
            configuration: Some(None),
            ..Default::default()
        },
        UpdateInstance {
            replica_of: Some(None),
            ..Default::default()
        },
        UpdateInstance {
            datastore_version: Some("5.7".into()),
            ..Default::default()
        },
    ];
    for u in &updates {
        ck.body("update (PUT)", instances::update_operation(ID, u).unwrap());
    }
    for u in updates.iter().filter(|u| u.access.is_none()) {
        ck.body("edit (PATCH)", instances::edit_operation(ID, u).unwrap());
    }
    for a in [
        InstanceAction::Restart,
        InstanceAction::ResizeFlavor("8".into()),
        InstanceAction::ResizeVolume(4),
        InstanceAction::PromoteToReplicaSource,
        InstanceAction::EjectReplicaSource,
        InstanceAction::ResetStatus,
    ] {
        ck.body("action", instances::action_operation(ID, &a).unwrap());
    }
    ck.done(12);
}

/// Follows trove/extensions/mysql/service.py and apischema `user`/`dbschema`/`root`.
#[test]
fn user_database_and_root_bodies_meet_trove_schemas() {
    let mut ck = Check::default();
    let users_list = [
        UserSpec::new("app", "pw1"),
        UserSpec::new("ro", "pw2")
            .host("10.0.0.%")
            .database("sales"),
    ];
    ck.body(
        "users create",
        users::create_operation(ID, &users_list).unwrap(),
    );
    let changes = [PasswordChange::new("app", "new").host("%")];
    ck.body(
        "passwords",
        users::change_passwords_operation(ID, &changes).unwrap(),
    );
    let name = users::UserName {
        name: "app",
        host: None,
    };
    for u in [
        UpdateUser::new().name("app2"),
        UpdateUser::new().host("%"),
        UpdateUser::new().password("x1"),
    ] {
        ck.body(
            "user update",
            users::update_operation(ID, name, &u).unwrap(),
        );
    }
    ck.body(
        "grant",
        users::grant_operation(ID, name, &["sales", "hr"]).unwrap(),
    );
    let dbs = [
        DatabaseSpec::new("a"),
        DatabaseSpec::new("b").character_set("utf8"),
    ];
    ck.body(
        "databases create",
        databases::create_operation(ID, &dbs).unwrap(),
    );
    let at = root::instance_path(ID);
    ck.body("root enable", root::enable_operation(&at, None).unwrap());
    ck.body(
        "root enable with password",
        root::enable_operation(&at, Some(&"pw".into())).unwrap(),
    );
    ck.done(6);
}

/// Follows trove/extensions/mgmt/datastores/service.py `DatastoreVersionController` (create;
/// `edit`, which trove/common/extensions.py routes PATCH to) with apischema
/// `mgmt_datastore_version`, and trove/extensions/mgmt/configuration/service.py with apischema
/// `configuration_parameter`.
#[test]
fn mgmt_datastore_version_and_parameter_bodies_meet_trove_schemas() {
    let mut ck = Check::default();
    let plain = CreateDatastoreVersion::new("mysql", "mysql", "8.0.30");
    let mut with_image = plain.clone();
    with_image.image = Some(ID.into());
    ck.body(
        "version create",
        mgmt::create_datastore_version_operation(&with_image).unwrap(),
    );
    let mut full = plain;
    full.image_tags = vec!["trove".into(), "mysql".into()];
    full.active = false;
    full.default = Some(true);
    full.packages = Some(json!(["mysql-server", "xtrabackup"]));
    full.version = Some("8.0.30-1".into());
    full.registry_ext = Some("trove.guestagent.datastore.mysql.manager.Manager".into());
    full.repl_strategy =
        Some("trove.guestagent.strategies.replication.mysql_gtid.MysqlGTIDReplication".into());
    ck.body(
        "version create, all options",
        mgmt::create_datastore_version_operation(&full).unwrap(),
    );
    let edit = EditDatastoreVersion {
        name: Some("8.0".into()),
        datastore_manager: Some("mysql".into()),
        image: Some(ID.into()),
        image_tags: Some(vec!["trove".into()]),
        active: Some(true),
        default: Some(false),
        packages: Some(json!(["mysql-server"])),
        registry_ext: Some("my.Manager".into()),
        repl_strategy: Some("my.Strategy".into()),
    };
    ck.body(
        "version edit",
        mgmt::edit_datastore_version_operation(ID, &edit).unwrap(),
    );
    let one = EditDatastoreVersion {
        registry_ext: Some("my.Manager".into()),
        ..Default::default()
    };
    ck.body(
        "version edit, one field",
        mgmt::edit_datastore_version_operation(ID, &one).unwrap(),
    );
    for spec in [
        ParameterSpec::integer("max_connections", 1, 100_000, false),
        ParameterSpec::integer("innodb_buffer_pool_size", 5_242_880, 68_719_476_736, true),
        ParameterSpec::of_type("character_set_server", "string", false),
    ] {
        ck.body(
            "parameter create",
            mgmt::create_parameter_operation(ID, &spec).unwrap(),
        );
        ck.body(
            "parameter update",
            mgmt::update_parameter_operation(ID, &spec.name, &spec).unwrap(),
        );
    }
    ck.done(10);
}

/// Follows trove/backup/service.py and apischema `backup`, `backup_strategy`.
#[test]
fn backup_bodies_meet_trove_schemas() {
    let mut ck = Check::default();
    ck.body(
        "create",
        backups::create_operation(&CreateBackup::new("b", ID)).unwrap(),
    );
    let mut inc = CreateBackup::new("inc", ID);
    inc.parent_id = Some(OTHER.into());
    inc.incremental = Some(1);
    inc.description = Some("nightly".into());
    inc.swift_container = Some("bk".into());
    inc.storage_driver = Some("swift".into());
    ck.body("incremental", backups::create_operation(&inc).unwrap());
    let import = CreateBackup {
        name: "imported".into(),
        restore_from: Some(RestoreFrom {
            remote_location: "http://swift/b.xbstream".into(),
            local_datastore_version_id: ID.into(),
            size: 0.5,
        }),
        ..Default::default()
    };
    ck.body("import", backups::create_operation(&import).unwrap());
    let mut import = CreateBackup::import(
        "imported",
        RestoreFrom::new("https://swift/v1/AUTH_x/c/b.xbstream.gz.enc", ID, 12.0),
    );
    import.description = Some("from another region".into());
    import.storage_driver = Some("cinder".into());
    ck.body(
        "import, all options",
        backups::create_operation(&import).unwrap(),
    );
    let strategy = CreateBackupStrategy {
        instance_id: Some(ID.into()),
        swift_container: Some("bk".into()),
    };
    ck.body(
        "strategy",
        backups::strategy_create_operation(&strategy).unwrap(),
    );
    ck.done(5);
}

/// Follows trove/configuration/service.py and trove/module/service.py schemas.
#[test]
fn configuration_and_module_bodies_meet_trove_schemas() {
    let mut ck = Check::default();
    let mut values = BTreeMap::new();
    values.insert("max_connections".to_owned(), json!(200));
    values.insert("sql_mode".to_owned(), json!("STRICT"));
    let mut create = CreateConfiguration::new("cfg");
    create.values = values.clone();
    create.description = Some("d".into());
    create.datastore = Some(DatastoreSpec {
        kind: Some("mysql".into()),
        version: Some("5.7".into()),
        version_number: None,
    });
    ck.body("create", configurations::create_operation(&create).unwrap());
    for spec in [
        DatastoreSpec::new("mysql", Some("5.7.29".into())).version_number("5.7.29"),
        DatastoreSpec::default_datastore_version("5.7.29"),
        DatastoreSpec::default_datastore_version("5.7.29").version_number("5.7.29"),
    ] {
        create.datastore = Some(spec);
        ck.body(
            "create, datastore choice",
            configurations::create_operation(&create).unwrap(),
        );
    }
    ck.body(
        "edit",
        configurations::edit_operation(ID, values.clone()).unwrap(),
    );
    let update = UpdateConfiguration {
        values,
        name: Some("n".into()),
        description: Some("d".into()),
    };
    ck.body(
        "update",
        configurations::update_operation(ID, &update).unwrap(),
    );

    let mut module = CreateModule::new("m", "ping", "aGVsbG8=");
    module.description = Some("d".into());
    module.auto_apply = Some(true);
    module.visible = Some(false);
    module.live_update = Some(true);
    module.all_tenants = Some(false);
    ck.body("module create", modules::create_operation(&module).unwrap());
    let up = UpdateModule {
        name: Some("m2".into()),
        contents: Some("aGk=".into()),
        auto_apply: Some(false),
        all_datastores: Some(true),
        ..Default::default()
    };
    ck.body("module update", modules::update_operation(ID, &up).unwrap());
    let reapply = Reapply {
        md5: Some("abc".into()),
        include_clustered: Some(true),
        ..Default::default()
    };
    ck.body("reapply", modules::reapply_operation(ID, &reapply).unwrap());
    ck.body(
        "apply",
        instance_modules::apply_operation(ID, &[ID, OTHER]).unwrap(),
    );
    ck.done(8);
}

/// Follows trove/cluster/service.py `ClusterController.get_schema` and apischema `cluster`.
#[test]
fn cluster_bodies_meet_trove_schemas() {
    let mut ck = Check::default();
    let mut create = CreateCluster::new("c", "mongodb", "3.6");
    let mut member = ClusterInstanceSpec::new("7", 1);
    member.nics = vec![NicSpec {
        network_id: Some(ID.into()),
        subnet_id: None,
        ip_address: None,
    }];
    member.availability_zone = Some("nova".into());
    member.modules = vec![ModuleRef { id: ID.into() }];
    create.instances = vec![member.clone(), ClusterInstanceSpec::new("7", 1)];
    create.locality = Some("affinity".into());
    create.configuration = Some(ID.into());
    ck.body("create", clusters::create_operation(&create).unwrap());
    for a in [
        ClusterAction::Grow(vec![member]),
        ClusterAction::Shrink(vec![IdRef { id: ID.into() }]),
        ClusterAction::ResetStatus(Default::default()),
        ClusterAction::Restart(Default::default()),
        ClusterAction::Upgrade(UpgradeArg {
            datastore_version: "3.6".into(),
        }),
        ClusterAction::ConfigurationAttach(ConfigurationAttachArg {
            configuration_id: ID.into(),
        }),
        ClusterAction::ConfigurationDetach(Default::default()),
        ClusterAction::AddShard(Default::default()),
    ] {
        ck.body("action", clusters::action_operation(ID, &a).unwrap());
    }
    ck.done(3);
}

/// Follows trove/extensions/mgmt/*/service.py schemas, quotas and guest logs.
#[test]
fn mgmt_quota_and_log_bodies_meet_trove_schemas() {
    let mut ck = Check::default();
    for a in [
        MgmtInstanceAction::Stop(Default::default()),
        MgmtInstanceAction::Reboot(Default::default()),
        MgmtInstanceAction::Migrate(MigrateArg::default()),
        MgmtInstanceAction::ResetTaskStatus(Default::default()),
        MgmtInstanceAction::Rebuild(RebuildArg {
            image_id: ID.into(),
        }),
    ] {
        ck.body(
            "mgmt action",
            mgmt::instance_action_operation(ID, &a).unwrap(),
        );
    }
    let upgrade = GuestUpgrade {
        instance_version: Some("1.0".into()),
        location: Some("http://x/guest.tgz".into()),
        ..Default::default()
    };
    ck.body(
        "guest upgrade",
        mgmt::guest_upgrade_operation(ID, &upgrade).unwrap(),
    );
    ck.body(
        "cluster reset-task",
        mgmt::cluster_reset_task_operation(ID).unwrap(),
    );
    let mut limits = QuotaLimits::default();
    limits.quotas.insert("instances".into(), 5);
    ck.body(
        "quotas",
        quotas::update_operation("12345", &limits).unwrap(),
    );
    for a in [
        LogAction::Show,
        LogAction::Enable,
        LogAction::Disable,
        LogAction::Publish,
        LogAction::Discard,
    ] {
        ck.body("log", logs::action_operation(ID, "general", a).unwrap());
    }
    ck.done(6);
}

/// The check can fail: bodies the SDK can be given that Trove refuses are caught, with
/// Trove's message.
#[test]
fn a_body_trove_refuses_is_detected() {
    let mut bad = CreateInstance::new("!!!", "7");
    bad.volume = Some(VolumeSpec::new(0));
    let v = verdict(&instances::create_operation(&bad).unwrap());
    assert_eq!(
        v,
        Verdict::Invalid(
            "Validation error: instance['name'] '!!!' does not match '^.*[0-9a-zA-Z]+.*$'; \
             instance['volume']['size'] 0 is not valid under any of the given schemas; \
             0 is less than the minimum of 1; 0 is not of type 'string'"
                .into()
        )
    );
    let access = UpdateInstance {
        access: Some(Access {
            is_public: Some(true),
            allowed_cidrs: None,
        }),
        ..Default::default()
    };
    // The SDK refuses to build it, and the schema refuses the same body sent by hand.
    assert!(instances::edit_operation(ID, &access).is_err());
    let raw = serde_json::to_vec(&serde_json::json!({"instance": {"access": {"is_public": true}}}))
        .unwrap();
    let v = request_schema::check("PATCH", &format!("/12345/instances/{ID}"), &raw);
    assert!(!v.passes(), "{v:?}");

    // What the SDK refuses before sending, Trove's schemas refuse when sent by hand: a cluster
    // without a version, a backup import of a version that is not a UUID, a rebuild image
    // that is not a UUID.
    let mut cluster = CreateCluster::new("c", "mongodb", "3.6");
    cluster.instances = vec![ClusterInstanceSpec::new("7", 1)];
    cluster.datastore.version = None;
    assert!(clusters::create_operation(&cluster).is_err());
    let raw = serde_json::to_vec(&serde_json::json!({ "cluster": cluster })).unwrap();
    assert_eq!(
        request_schema::check("POST", "/12345/clusters", &raw),
        Verdict::Invalid(
            "Validation error: cluster['datastore'] 'version' is a required property".into()
        )
    );
    let import = CreateBackup::import("i", RestoreFrom::new("http://s/c/o", "5.7.29", 1.0));
    assert!(backups::create_operation(&import).is_err());
    let raw = serde_json::to_vec(&serde_json::json!({ "backup": import })).unwrap();
    assert!(!request_schema::check("POST", "/12345/backups", &raw).passes());
    let rebuild = MgmtInstanceAction::Rebuild(RebuildArg {
        image_id: "cirros".into(),
    });
    assert!(mgmt::instance_action_operation(ID, &rebuild).is_err());
    let raw = serde_json::to_vec(&rebuild).unwrap();
    let path = format!("/12345/mgmt/instances/{ID}/action");
    assert!(!request_schema::check("POST", &path, &raw).passes());
    // Trove's parameter schema takes only `integer` and `string` data types (the pattern
    // `integer|string`), whatever its parameter table lists.
    let boolean = ParameterSpec::of_type("autocommit", "boolean", false);
    let v = verdict(&mgmt::create_parameter_operation(ID, &boolean).unwrap());
    assert!(!v.passes(), "{v:?}");
}
