//! The table of every operation the SDK sends: name, method, path template, request and
//! response types, success status and query parameters, declared once. An
//! [`Operation`](super::operation::Operation) takes its method and template from here and fills
//! the template's `{...}` from its arguments, so a path and its template cannot disagree.
//! [`all`] lists the table, for documents generated from it (`docs/coverage.md` is checked
//! against it, and `openapi/trove-v1.json` is generated from it).

use http::{Method, StatusCode};

/// One route of the Trove API, as the table declares it.
#[derive(Debug)]
pub struct Route {
    /// What the operation does, such as `instances get`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The endpoint-relative path template, such as `/instances/{id}`; each `{...}` is one
    /// path segment, filled (percent-encoded) from the operation's arguments in order.
    pub template: &'static str,
    /// The type of the JSON request body (`trove-types`), or `None` without one.
    pub request: Option<&'static str>,
    /// The type the answer decodes into; `()` for an answer whose body is ignored.
    pub response: &'static str,
    /// The status Trove answers success with (its controller's `wsgi.Result`).
    pub status: StatusCode,
    /// The query parameters the SDK may send on this route (`limit`, `marker`, filters).
    pub query: &'static [&'static str],
    /// Whether `marker` counts items to skip rather than naming the last item seen: Trove pages
    /// backups and the admin instance list by offset (`int(context.marker or 0)` in
    /// `trove/backup/models.py` and `trove/extensions/mgmt/instances/models.py`), and answers
    /// any other marker there with a 500.
    pub offset_marker: bool,
}

/// Declares the routes as statics and [`ROUTES`], the list of them all.
macro_rules! routes {
    ($($id:ident = $name:literal: $method:ident $template:literal
        $(? [$($query:ident $(($kind:ident))?),*])?,
        $request:tt => $status:ident $response:literal;)*) => {
        $(
            #[doc = concat!("`", stringify!($method), " ", $template, "`: ", $name, ".")]
            pub static $id: Route = Route {
                name: $name,
                method: Method::$method,
                template: $template,
                request: routes!(@request $request),
                response: $response,
                status: StatusCode::$status,
                query: &[$($(stringify!($query)),*)?],
                offset_marker: false $($($(|| routes!(@kind $kind))?)*)?,
            };
        )*

        /// Every route, in the table's order.
        pub static ROUTES: &[&Route] = &[$(&$id),*];
    };
    (@kind offset) => { true };
    (@request -) => { None };
    (@request $request:literal) => { Some($request) };
}

/// Returns every route the SDK sends.
pub fn all() -> &'static [&'static Route] {
    ROUTES
}

routes! {
    BACKUP_LIST = "backups list": GET "/backups" ? [limit, marker(offset), instance_id, datastore, all_projects, project_id], - => OK "BackupList";
    BACKUP_INSTANCE_LIST = "instances backups": GET "/instances/{instance_id}/backups" ? [limit, marker(offset)], - => OK "BackupList";
    BACKUP_CREATE = "backups create": POST "/backups", "CreateBackupEnvelope" => ACCEPTED "BackupEnvelope";
    BACKUP_GET = "backups get": GET "/backups/{backup_id}", - => OK "BackupEnvelope";
    BACKUP_DELETE = "backups delete": DELETE "/backups/{backup_id}", - => ACCEPTED "()";
    BACKUP_STRATEGY_LIST = "backup_strategies list": GET "/backup_strategies" ? [instance_id, project_id], - => OK "BackupStrategyList";
    BACKUP_STRATEGY_CREATE = "backup_strategies create": POST "/backup_strategies", "CreateBackupStrategyEnvelope" => ACCEPTED "BackupStrategyEnvelope";
    BACKUP_STRATEGY_DELETE = "backup_strategies delete": DELETE "/backup_strategies" ? [instance_id, project_id], - => ACCEPTED "()";
    CLUSTER_LIST = "clusters list": GET "/clusters" ? [limit, marker], - => OK "ClusterList";
    CLUSTER_CREATE = "clusters create": POST "/clusters", "CreateClusterEnvelope" => OK "ClusterEnvelope";
    CLUSTER_GET = "clusters get": GET "/clusters/{cluster_id}", - => OK "ClusterEnvelope";
    CLUSTER_ACTION = "clusters action": POST "/clusters/{cluster_id}", "ClusterAction" => ACCEPTED "Option<ClusterEnvelope>";
    CLUSTER_GET_INSTANCE = "clusters get instance": GET "/clusters/{cluster_id}/instances/{instance_id}", - => OK "InstanceEnvelope";
    CLUSTER_DELETE = "clusters delete": DELETE "/clusters/{cluster_id}", - => ACCEPTED "()";
    CONFIGURATION_PARAMETER_LIST = "configuration parameters list": GET "/datastores/{datastore}/versions/{version}/parameters", - => OK "ConfigurationParameterList";
    CONFIGURATION_PARAMETER_GET = "configuration parameters get": GET "/datastores/{datastore}/versions/{version}/parameters/{parameter}", - => OK "ConfigurationParameter";
    CONFIGURATION_PARAMETER_LIST_BY_VERSION = "configuration parameters list by version": GET "/datastores/versions/{version_id}/parameters", - => OK "ConfigurationParameterList";
    CONFIGURATION_PARAMETER_GET_BY_VERSION = "configuration parameters get by version": GET "/datastores/versions/{version_id}/parameters/{parameter}", - => OK "ConfigurationParameter";
    CONFIGURATION_LIST = "configurations list": GET "/configurations" ? [limit, marker], - => OK "ConfigurationList";
    CONFIGURATION_CREATE = "configurations create": POST "/configurations", "ConfigurationBodyEnvelope<CreateConfiguration>" => OK "ConfigurationEnvelope";
    CONFIGURATION_GET = "configurations get": GET "/configurations/{configuration_id}", - => OK "ConfigurationEnvelope";
    CONFIGURATION_INSTANCES = "configurations instances": GET "/configurations/{configuration_id}/instances" ? [limit, marker], - => OK "ConfigurationInstanceList";
    CONFIGURATION_EDIT = "configurations edit": PATCH "/configurations/{configuration_id}", "ConfigurationBodyEnvelope<UpdateConfiguration>" => OK "()";
    CONFIGURATION_UPDATE = "configurations update": PUT "/configurations/{configuration_id}", "ConfigurationBodyEnvelope<UpdateConfiguration>" => ACCEPTED "()";
    CONFIGURATION_DELETE = "configurations delete": DELETE "/configurations/{configuration_id}", - => ACCEPTED "()";
    DATABASE_LIST = "databases list": GET "/instances/{instance_id}/databases" ? [limit, marker], - => OK "DatabaseList";
    DATABASE_CREATE = "databases create": POST "/instances/{instance_id}/databases", "CreateDatabasesEnvelope" => ACCEPTED "()";
    DATABASE_DELETE = "databases delete": DELETE "/instances/{instance_id}/databases/{database}", - => ACCEPTED "()";
    DATASTORE_LIST = "datastores list": GET "/datastores", - => OK "DatastoreList";
    DATASTORE_GET = "datastores get": GET "/datastores/{datastore}", - => OK "DatastoreEnvelope";
    DATASTORE_DELETE = "datastores delete": DELETE "/datastores/{datastore}", - => ACCEPTED "()";
    DATASTORE_VERSIONS = "datastores versions": GET "/datastores/{datastore}/versions", - => OK "DatastoreVersionList";
    DATASTORE_VERSION = "datastores version": GET "/datastores/{datastore}/versions/{version}", - => OK "DatastoreVersionEnvelope";
    DATASTORE_VERSION_BY_UUID = "datastores version by uuid": GET "/datastores/versions/{version_id}", - => OK "DatastoreVersionEnvelope";
    DATASTORE_VERSION_FLAVORS = "datastores version flavors": GET "/datastores/{datastore}/versions/{version}/flavors", - => OK "FlavorList";
    DATASTORE_VERSION_VOLUME_TYPES = "datastores version volume types": GET "/datastores/{datastore}/versions/{version}/volume-types", - => OK "VolumeTypeList";
    FLAVOR_LIST = "flavors list": GET "/flavors", - => OK "FlavorList";
    FLAVOR_GET = "flavors get": GET "/flavors/{flavor_id}", - => OK "FlavorEnvelope";
    INSTANCE_MODULE_LIST = "instances modules": GET "/instances/{instance_id}/modules" ? [from_guest, include_contents], - => OK "InstanceModuleList";
    INSTANCE_MODULE_APPLY = "instances apply_modules": POST "/instances/{instance_id}/modules", "ApplyModulesEnvelope" => OK "InstanceModuleList";
    INSTANCE_MODULE_REMOVE = "instances remove_module": DELETE "/instances/{instance_id}/modules/{module_id}", - => OK "()";
    INSTANCE_CREATE = "instances create": POST "/instances", "CreateInstanceEnvelope" => OK "InstanceEnvelope";
    INSTANCE_GET = "instances get": GET "/instances/{instance_id}", - => OK "InstanceEnvelope";
    INSTANCE_DELETE = "instances delete": DELETE "/instances/{instance_id}", - => ACCEPTED "()";
    INSTANCE_UPDATE = "instances update": PUT "/instances/{instance_id}", "UpdateInstanceEnvelope" => ACCEPTED "()";
    INSTANCE_EDIT = "instances edit": PATCH "/instances/{instance_id}", "EditInstanceEnvelope" => ACCEPTED "()";
    INSTANCE_ACTION = "instances action": POST "/instances/{instance_id}/action", "InstanceAction" => ACCEPTED "()";
    INSTANCE_CONFIGURATION = "instances configuration": GET "/instances/{instance_id}/configuration", - => OK "InstanceConfigurationEnvelope";
    LIMIT_LIST = "limits list": GET "/limits", - => OK "LimitList";
    LOG_LIST = "instances logs": GET "/instances/{instance_id}/log", - => OK "GuestLogList";
    LOG_ACTION = "instances log_action": POST "/instances/{instance_id}/log", "LogActionBody" => OK "GuestLogEnvelope";
    MGMT_LIST_INSTANCES = "mgmt instances": GET "/mgmt/instances" ? [limit, marker(offset), deleted, include_clustered, project_id], - => OK "MgmtInstanceList";
    MGMT_GET_INSTANCE = "mgmt instance": GET "/mgmt/instances/{instance_id}" ? [deleted], - => OK "MgmtInstanceEnvelope";
    MGMT_INSTANCE_ACTION = "mgmt instance action": POST "/mgmt/instances/{instance_id}/action", "MgmtInstanceAction" => ACCEPTED "()";
    MGMT_ROOT_HISTORY = "mgmt root history": GET "/mgmt/instances/{instance_id}/root", - => OK "RootHistoryEnvelope";
    MGMT_DIAGNOSTICS = "mgmt diagnostics": GET "/mgmt/instances/{instance_id}/diagnostics", - => OK "DiagnosticsEnvelope";
    MGMT_HWINFO = "mgmt hwinfo": GET "/mgmt/instances/{instance_id}/hwinfo", - => OK "HwInfoEnvelope";
    MGMT_RPC_PING = "mgmt rpc ping": GET "/mgmt/instances/{instance_id}/rpc_ping", - => NO_CONTENT "()";
    MGMT_GUEST_UPGRADE = "mgmt guest upgrade": POST "/mgmt/instances/{instance_id}/upgrade", "GuestUpgradeEnvelope" => ACCEPTED "()";
    MGMT_LIST_CLUSTERS = "mgmt clusters": GET "/mgmt/clusters" ? [limit, marker], - => OK "MgmtClusterList";
    MGMT_GET_CLUSTER = "mgmt cluster": GET "/mgmt/clusters/{cluster_id}", - => OK "MgmtClusterEnvelope";
    MGMT_CLUSTER_RESET_TASK = "mgmt cluster reset task": POST "/mgmt/clusters/{cluster_id}/action", "MgmtClusterResetTask" => ACCEPTED "()";
    MGMT_LIST_PARAMETERS = "mgmt parameters": GET "/mgmt/datastores/versions/{version_id}/parameters", - => OK "MgmtParameterList";
    MGMT_GET_PARAMETER = "mgmt parameter": GET "/mgmt/datastores/versions/{version_id}/parameters/{parameter}", - => OK "MgmtParameter";
    MGMT_CREATE_PARAMETER = "mgmt create parameter": POST "/mgmt/datastores/versions/{version_id}/parameters", "ParameterSpecEnvelope" => OK "MgmtParameter";
    MGMT_UPDATE_PARAMETER = "mgmt update parameter": PUT "/mgmt/datastores/versions/{version_id}/parameters/{parameter}", "ParameterSpecEnvelope" => OK "MgmtParameter";
    MGMT_DELETE_PARAMETER = "mgmt delete parameter": DELETE "/mgmt/datastores/versions/{version_id}/parameters/{parameter}", - => NO_CONTENT "()";
    MGMT_LIST_DATASTORE_VERSIONS = "mgmt datastore_versions": GET "/mgmt/datastore-versions", - => OK "MgmtDatastoreVersionList";
    MGMT_GET_DATASTORE_VERSION = "mgmt datastore_version": GET "/mgmt/datastore-versions/{version_id}", - => OK "MgmtDatastoreVersionEnvelope";
    MGMT_CREATE_DATASTORE_VERSION = "mgmt create datastore version": POST "/mgmt/datastore-versions", "CreateDatastoreVersionEnvelope" => ACCEPTED "()";
    MGMT_EDIT_DATASTORE_VERSION = "mgmt edit datastore version": PATCH "/mgmt/datastore-versions/{version_id}", "EditDatastoreVersion" => ACCEPTED "()";
    MGMT_DELETE_DATASTORE_VERSION = "mgmt delete datastore version": DELETE "/mgmt/datastore-versions/{version_id}", - => ACCEPTED "()";
    MODULE_LIST = "modules list": GET "/modules" ? [limit, marker, datastore], - => OK "ModuleList";
    MODULE_CREATE = "modules create": POST "/modules", "ModuleBodyEnvelope<CreateModule>" => OK "ModuleEnvelope";
    MODULE_GET = "modules get": GET "/modules/{module_id}", - => OK "ModuleEnvelope";
    MODULE_UPDATE = "modules update": PUT "/modules/{module_id}", "ModuleBodyEnvelope<UpdateModule>" => OK "ModuleEnvelope";
    MODULE_DELETE = "modules delete": DELETE "/modules/{module_id}", - => OK "()";
    MODULE_INSTANCES = "modules instances": GET "/modules/{module_id}/instances" ? [limit, marker, include_clustered], - => OK "ModuleInstanceList";
    MODULE_INSTANCE_COUNTS = "modules instance counts": GET "/modules/{module_id}/instances" ? [count_only, include_clustered], - => OK "ModuleInstanceCountList";
    MODULE_REAPPLY = "modules reapply": PUT "/modules/{module_id}/instances", "ReapplyEnvelope" => ACCEPTED "()";
    QUOTA_GET = "quotas get": GET "/mgmt/quotas/{project_id}", - => OK "QuotaUsageList";
    QUOTA_UPDATE = "quotas update": PUT "/mgmt/quotas/{project_id}", "QuotaLimits" => OK "QuotaLimits";
    SSL_GET = "instances ssl": GET "/instances/{instance_id}/ssl" ? [include_certificate], - => OK "SslEnvelope";
    SSL_ACTION = "instances ssl_action": POST "/instances/{instance_id}/ssl", "SslActionEnvelope" => OK "SslEnvelope";
    USER_LIST = "users list": GET "/instances/{instance_id}/users" ? [limit, marker], - => OK "UserList";
    USER_CREATE = "users create": POST "/instances/{instance_id}/users", "CreateUsersEnvelope" => ACCEPTED "()";
    USER_CHANGE_PASSWORDS = "users change passwords": PUT "/instances/{instance_id}/users", "ChangePasswordsEnvelope" => ACCEPTED "()";
    USER_GET = "users get": GET "/instances/{instance_id}/users/{user}", - => OK "UserEnvelope";
    USER_UPDATE = "users update": PUT "/instances/{instance_id}/users/{user}", "UpdateUserEnvelope" => ACCEPTED "()";
    USER_DELETE = "users delete": DELETE "/instances/{instance_id}/users/{user}", - => ACCEPTED "()";
    USER_ACCESS = "users access": GET "/instances/{instance_id}/users/{user}/databases", - => OK "DatabaseList";
    USER_GRANT = "users grant": PUT "/instances/{instance_id}/users/{user}/databases", "GrantAccessEnvelope" => ACCEPTED "()";
    USER_REVOKE = "users revoke": DELETE "/instances/{instance_id}/users/{user}/databases/{database}", - => ACCEPTED "()";
    INSTANCE_LIST = "instances list": GET "/instances" ? [limit, marker, include_clustered], - => OK "InstanceList";
    INSTANCE_LIST_DETAIL = "instances list detailed": GET "/instances/detail" ? [limit, marker, include_clustered], - => OK "InstanceList";
    ROOT_ENABLE = "root enable": POST "/instances/{instance_id}/root", "EnableRoot" => OK "RootUserEnvelope";
    ROOT_IS_ENABLED = "root is enabled": GET "/instances/{instance_id}/root", - => OK "RootEnabled";
    ROOT_DISABLE = "root disable": DELETE "/instances/{instance_id}/root", - => NO_CONTENT "()";
    CLUSTER_ROOT_ENABLE = "cluster root enable": POST "/clusters/{cluster_id}/root", "EnableRoot" => OK "RootUserEnvelope";
    CLUSTER_ROOT_IS_ENABLED = "cluster root is enabled": GET "/clusters/{cluster_id}/root", - => OK "RootEnabled";
    VERSION_INDEX = "versions index": GET "/", - => OK "VersionsEnvelope";
    VERSION_SHOW = "versions show": GET "/{version}/", - => OK "VersionEnvelope";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_name_of_its_own_and_a_template_with_balanced_braces() {
        let mut names: Vec<_> = all().iter().map(|r| r.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "two routes share a name");
        for r in all() {
            assert!(r.template.starts_with('/'), "{}", r.name);
            assert_eq!(
                r.template.matches('{').count(),
                r.template.matches('}').count(),
                "{}",
                r.name
            );
        }
    }
}
