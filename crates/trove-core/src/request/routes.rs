//! The table of every operation the SDK sends: name, method, path template, request and
//! response types, declared once. An [`Operation`](super::operation::Operation) takes its
//! method and template from here and fills the template's `{...}` from its arguments, so a
//! path and its template cannot disagree. [`all`] lists the table, for documents generated
//! from it (`docs/coverage.md` is checked against it; an OpenAPI description can be).

use http::Method;

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
}

/// Declares the routes as statics and [`ROUTES`], the list of them all.
macro_rules! routes {
    ($($id:ident = $name:literal: $method:ident $template:literal, $request:tt => $response:literal;)*) => {
        $(
            #[doc = concat!("`", stringify!($method), " ", $template, "`: ", $name, ".")]
            pub static $id: Route = Route {
                name: $name,
                method: Method::$method,
                template: $template,
                request: routes!(@request $request),
                response: $response,
            };
        )*

        /// Every route, in the table's order.
        pub static ROUTES: &[&Route] = &[$(&$id),*];
    };
    (@request -) => { None };
    (@request $request:literal) => { Some($request) };
}

/// Returns every route the SDK sends.
pub fn all() -> &'static [&'static Route] {
    ROUTES
}

routes! {
    BACKUP_LIST = "backups list": GET "/backups", - => "BackupList";
    BACKUP_INSTANCE_LIST = "backups instance list": GET "/instances/{id}/backups", - => "BackupList";
    BACKUP_CREATE = "backups create": POST "/backups", "CreateBackupEnvelope" => "BackupEnvelope";
    BACKUP_GET = "backups get": GET "/backups/{id}", - => "BackupEnvelope";
    BACKUP_DELETE = "backups delete": DELETE "/backups/{id}", - => "()";
    BACKUP_STRATEGY_LIST = "backups strategy list": GET "/backup_strategies", - => "BackupStrategyList";
    BACKUP_STRATEGY_CREATE = "backups strategy create": POST "/backup_strategies", "CreateBackupStrategyEnvelope" => "BackupStrategyEnvelope";
    BACKUP_STRATEGY_DELETE = "backups strategy delete": DELETE "/backup_strategies", - => "()";
    CLUSTER_LIST = "clusters list": GET "/clusters", - => "ClusterList";
    CLUSTER_CREATE = "clusters create": POST "/clusters", "CreateClusterEnvelope" => "ClusterEnvelope";
    CLUSTER_GET = "clusters get": GET "/clusters/{id}", - => "ClusterEnvelope";
    CLUSTER_ACTION = "clusters action": POST "/clusters/{id}", "ClusterAction" => "Option<ClusterEnvelope>";
    CLUSTER_GET_INSTANCE = "clusters get instance": GET "/clusters/{id}/instances/{instance_id}", - => "InstanceEnvelope";
    CLUSTER_DELETE = "clusters delete": DELETE "/clusters/{id}", - => "()";
    CONFIGURATION_PARAMETER_LIST = "configuration parameters list": GET "/datastores/{ds}/versions/{v}/parameters", - => "ConfigurationParameterList";
    CONFIGURATION_PARAMETER_GET = "configuration parameters get": GET "/datastores/{ds}/versions/{v}/parameters/{name}", - => "ConfigurationParameter";
    CONFIGURATION_PARAMETER_LIST_BY_VERSION = "configuration parameters list by version": GET "/datastores/versions/{vid}/parameters", - => "ConfigurationParameterList";
    CONFIGURATION_PARAMETER_GET_BY_VERSION = "configuration parameters get by version": GET "/datastores/versions/{vid}/parameters/{name}", - => "ConfigurationParameter";
    CONFIGURATION_LIST = "configurations list": GET "/configurations", - => "ConfigurationList";
    CONFIGURATION_CREATE = "configurations create": POST "/configurations", "ConfigurationBodyEnvelope" => "ConfigurationEnvelope";
    CONFIGURATION_GET = "configurations get": GET "/configurations/{id}", - => "ConfigurationEnvelope";
    CONFIGURATION_INSTANCES = "configurations instances": GET "/configurations/{id}/instances", - => "ConfigurationInstanceList";
    CONFIGURATION_EDIT = "configurations edit": PATCH "/configurations/{id}", "ConfigurationBodyEnvelope" => "()";
    CONFIGURATION_UPDATE = "configurations update": PUT "/configurations/{id}", "ConfigurationBodyEnvelope" => "()";
    CONFIGURATION_DELETE = "configurations delete": DELETE "/configurations/{id}", - => "()";
    DATABASE_LIST = "databases list": GET "/instances/{id}/databases", - => "DatabaseList";
    DATABASE_CREATE = "databases create": POST "/instances/{id}/databases", "CreateDatabasesEnvelope" => "()";
    DATABASE_DELETE = "databases delete": DELETE "/instances/{id}/databases/{name}", - => "()";
    DATASTORE_LIST = "datastores list": GET "/datastores", - => "DatastoreList";
    DATASTORE_GET = "datastores get": GET "/datastores/{ds}", - => "DatastoreEnvelope";
    DATASTORE_DELETE = "datastores delete": DELETE "/datastores/{ds}", - => "()";
    DATASTORE_VERSIONS = "datastores versions": GET "/datastores/{ds}/versions", - => "DatastoreVersionList";
    DATASTORE_VERSION = "datastores version": GET "/datastores/{ds}/versions/{v}", - => "DatastoreVersionEnvelope";
    DATASTORE_VERSION_BY_UUID = "datastores version by uuid": GET "/datastores/versions/{uuid}", - => "DatastoreVersionEnvelope";
    DATASTORE_VERSION_FLAVORS = "datastores version flavors": GET "/datastores/{ds}/versions/{v}/flavors", - => "FlavorList";
    DATASTORE_VERSION_VOLUME_TYPES = "datastores version volume types": GET "/datastores/{ds}/versions/{v}/volume-types", - => "VolumeTypeList";
    FLAVOR_LIST = "flavors list": GET "/flavors", - => "FlavorList";
    FLAVOR_GET = "flavors get": GET "/flavors/{id}", - => "FlavorEnvelope";
    INSTANCE_MODULE_LIST = "instance modules list": GET "/instances/{id}/modules", - => "InstanceModuleList";
    INSTANCE_MODULE_APPLY = "instance modules apply": POST "/instances/{id}/modules", "ApplyModulesEnvelope" => "InstanceModuleList";
    INSTANCE_MODULE_REMOVE = "instance modules remove": DELETE "/instances/{id}/modules/{module_id}", - => "()";
    INSTANCE_CREATE = "instances create": POST "/instances", "CreateInstanceEnvelope" => "InstanceEnvelope";
    INSTANCE_GET = "instances get": GET "/instances/{id}", - => "InstanceEnvelope";
    INSTANCE_DELETE = "instances delete": DELETE "/instances/{id}", - => "()";
    INSTANCE_UPDATE = "instances update": PUT "/instances/{id}", "UpdateInstanceEnvelope" => "()";
    INSTANCE_EDIT = "instances edit": PATCH "/instances/{id}", "UpdateInstanceEnvelope" => "()";
    INSTANCE_ACTION = "instances action": POST "/instances/{id}/action", "InstanceAction" => "()";
    INSTANCE_CONFIGURATION = "instances configuration": GET "/instances/{id}/configuration", - => "InstanceConfigurationEnvelope";
    LIMIT_LIST = "limits list": GET "/limits", - => "LimitList";
    LOG_LIST = "logs list": GET "/instances/{id}/log", - => "GuestLogList";
    LOG_ACTION = "logs action": POST "/instances/{id}/log", "LogActionBody" => "GuestLogEnvelope";
    MGMT_LIST_INSTANCES = "mgmt list instances": GET "/mgmt/instances", - => "MgmtInstanceList";
    MGMT_GET_INSTANCE = "mgmt get instance": GET "/mgmt/instances/{id}", - => "MgmtInstanceEnvelope";
    MGMT_INSTANCE_ACTION = "mgmt instance action": POST "/mgmt/instances/{id}/action", "MgmtInstanceAction" => "()";
    MGMT_ROOT_HISTORY = "mgmt root history": GET "/mgmt/instances/{id}/root", - => "RootHistoryEnvelope";
    MGMT_DIAGNOSTICS = "mgmt diagnostics": GET "/mgmt/instances/{id}/diagnostics", - => "DiagnosticsEnvelope";
    MGMT_HWINFO = "mgmt hwinfo": GET "/mgmt/instances/{id}/hwinfo", - => "HwInfoEnvelope";
    MGMT_RPC_PING = "mgmt rpc ping": GET "/mgmt/instances/{id}/rpc_ping", - => "()";
    MGMT_GUEST_UPGRADE = "mgmt guest upgrade": POST "/mgmt/instances/{id}/upgrade", "GuestUpgradeEnvelope" => "()";
    MGMT_LIST_CLUSTERS = "mgmt list clusters": GET "/mgmt/clusters", - => "MgmtClusterList";
    MGMT_GET_CLUSTER = "mgmt get cluster": GET "/mgmt/clusters/{id}", - => "MgmtClusterEnvelope";
    MGMT_CLUSTER_RESET_TASK = "mgmt cluster reset task": POST "/mgmt/clusters/{id}/action", "MgmtClusterResetTask" => "()";
    MGMT_LIST_PARAMETERS = "mgmt list parameters": GET "/mgmt/datastores/versions/{version_id}/parameters", - => "MgmtParameterList";
    MGMT_GET_PARAMETER = "mgmt get parameter": GET "/mgmt/datastores/versions/{version_id}/parameters/{name}", - => "MgmtParameter";
    MGMT_CREATE_PARAMETER = "mgmt create parameter": POST "/mgmt/datastores/versions/{version_id}/parameters", "ParameterSpecEnvelope" => "MgmtParameter";
    MGMT_UPDATE_PARAMETER = "mgmt update parameter": PUT "/mgmt/datastores/versions/{version_id}/parameters/{name}", "ParameterSpecEnvelope" => "MgmtParameter";
    MGMT_DELETE_PARAMETER = "mgmt delete parameter": DELETE "/mgmt/datastores/versions/{version_id}/parameters/{name}", - => "()";
    MGMT_LIST_DATASTORE_VERSIONS = "mgmt list datastore versions": GET "/mgmt/datastore-versions", - => "MgmtDatastoreVersionList";
    MGMT_GET_DATASTORE_VERSION = "mgmt get datastore version": GET "/mgmt/datastore-versions/{id}", - => "MgmtDatastoreVersionEnvelope";
    MGMT_CREATE_DATASTORE_VERSION = "mgmt create datastore version": POST "/mgmt/datastore-versions", "CreateDatastoreVersionEnvelope" => "()";
    MGMT_EDIT_DATASTORE_VERSION = "mgmt edit datastore version": PATCH "/mgmt/datastore-versions/{id}", "EditDatastoreVersion" => "()";
    MGMT_DELETE_DATASTORE_VERSION = "mgmt delete datastore version": DELETE "/mgmt/datastore-versions/{id}", - => "()";
    MODULE_LIST = "modules list": GET "/modules", - => "ModuleList";
    MODULE_CREATE = "modules create": POST "/modules", "ModuleBodyEnvelope" => "ModuleEnvelope";
    MODULE_GET = "modules get": GET "/modules/{id}", - => "ModuleEnvelope";
    MODULE_UPDATE = "modules update": PUT "/modules/{id}", "ModuleBodyEnvelope" => "ModuleEnvelope";
    MODULE_DELETE = "modules delete": DELETE "/modules/{id}", - => "()";
    MODULE_INSTANCES = "modules instances": GET "/modules/{id}/instances", - => "ModuleInstanceList";
    MODULE_INSTANCE_COUNTS = "modules instance counts": GET "/modules/{id}/instances", - => "ModuleInstanceCountList";
    MODULE_REAPPLY = "modules reapply": PUT "/modules/{id}/instances", "ReapplyEnvelope" => "()";
    QUOTA_GET = "quotas get": GET "/mgmt/quotas/{project}", - => "QuotaUsageList";
    QUOTA_UPDATE = "quotas update": PUT "/mgmt/quotas/{project}", "QuotaLimits" => "QuotaLimits";
    SSL_GET = "ssl get": GET "/instances/{id}/ssl", - => "SslEnvelope";
    SSL_ACTION = "ssl action": POST "/instances/{id}/ssl", "SslActionEnvelope" => "SslEnvelope";
    USER_LIST = "users list": GET "/instances/{id}/users", - => "UserList";
    USER_CREATE = "users create": POST "/instances/{id}/users", "CreateUsersEnvelope" => "()";
    USER_CHANGE_PASSWORDS = "users change passwords": PUT "/instances/{id}/users", "ChangePasswordsEnvelope" => "()";
    USER_GET = "users get": GET "/instances/{id}/users/{user}", - => "UserEnvelope";
    USER_UPDATE = "users update": PUT "/instances/{id}/users/{user}", "UpdateUserEnvelope" => "()";
    USER_DELETE = "users delete": DELETE "/instances/{id}/users/{user}", - => "()";
    USER_ACCESS = "users access": GET "/instances/{id}/users/{user}/databases", - => "DatabaseList";
    USER_GRANT = "users grant": PUT "/instances/{id}/users/{user}/databases", "GrantAccessEnvelope" => "()";
    USER_REVOKE = "users revoke": DELETE "/instances/{id}/users/{user}/databases/{db}", - => "()";
    INSTANCE_LIST = "instances list": GET "/instances", - => "InstanceList";
    INSTANCE_LIST_DETAIL = "instances list detailed": GET "/instances/detail", - => "InstanceList";
    ROOT_ENABLE = "root enable": POST "/instances/{id}/root", "EnableRoot" => "RootUserEnvelope";
    ROOT_IS_ENABLED = "root is enabled": GET "/instances/{id}/root", - => "RootEnabled";
    ROOT_DISABLE = "root disable": DELETE "/instances/{id}/root", - => "()";
    CLUSTER_ROOT_ENABLE = "cluster root enable": POST "/clusters/{id}/root", "EnableRoot" => "RootUserEnvelope";
    CLUSTER_ROOT_IS_ENABLED = "cluster root is enabled": GET "/clusters/{id}/root", - => "RootEnabled";
    VERSION_INDEX = "versions index": GET "/", - => "VersionsEnvelope";
    VERSION_SHOW = "versions show": GET "/{version}/", - => "VersionEnvelope";
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
