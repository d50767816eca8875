//! The service catalog (Keystone v3 and v2.0 shapes) and endpoint selection.

use serde::Deserialize;

use crate::error::AuthError;

/// Which of a service's endpoints to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Interface {
    /// The public endpoint (the default).
    #[default]
    Public,
    /// The internal endpoint.
    Internal,
    /// The admin endpoint.
    Admin,
}

impl Interface {
    /// Returns the interface as Keystone v3 names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Public => "public",
            Interface::Internal => "internal",
            Interface::Admin => "admin",
        }
    }

    /// Parses `public`, `internal`, `admin`, or the v2.0 names `publicURL`, `internalURL`, `adminURL`.
    pub fn parse(s: &str) -> Option<Interface> {
        match s {
            "public" | "publicURL" => Some(Interface::Public),
            "internal" | "internalURL" => Some(Interface::Internal),
            "admin" | "adminURL" => Some(Interface::Admin),
            _ => None,
        }
    }
}

/// How to pick the Trove endpoint out of a catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFilter {
    /// The service type; `database` unless the cloud registered Trove otherwise
    /// (Rackspace used `rax:database`).
    pub service_type: String,
    /// The service name, such as `trove`, when several services share the type.
    pub service_name: Option<String>,
    /// The region, when the service has endpoints in several.
    pub region: Option<String>,
    /// Which interface.
    pub interface: Interface,
}

impl Default for EndpointFilter {
    fn default() -> Self {
        EndpointFilter {
            service_type: "database".to_owned(),
            service_name: None,
            region: None,
            interface: Interface::Public,
        }
    }
}

impl std::fmt::Display for EndpointFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "type={}", self.service_type)?;
        if let Some(n) = &self.service_name {
            write!(f, " name={n}")?;
        }
        write!(f, " interface={}", self.interface.as_str())?;
        if let Some(r) = &self.region {
            write!(f, " region={r}")?;
        }
        Ok(())
    }
}

/// A service catalog, normalized from either Keystone shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The services.
    pub services: Vec<CatalogService>,
}

/// One service of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogService {
    /// Its type, such as `database` or `identity`.
    pub kind: String,
    /// Its name, such as `trove`.
    pub name: Option<String>,
    /// Its endpoints.
    pub endpoints: Vec<CatalogEndpoint>,
}

/// One endpoint of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEndpoint {
    /// Its interface.
    pub interface: Interface,
    /// Its region.
    pub region: Option<String>,
    /// Its URL.
    pub url: String,
}

impl Catalog {
    /// Reads a Keystone v3 catalog (`token.catalog`).
    pub fn from_v3(value: serde_json::Value) -> Result<Catalog, String> {
        let services: Vec<V3Service> = serde_json::from_value(value).map_err(|e| e.to_string())?;
        Ok(Catalog {
            services: services
                .into_iter()
                .map(|s| CatalogService {
                    kind: s.kind,
                    name: s.name,
                    endpoints: s
                        .endpoints
                        .into_iter()
                        .filter_map(|e| {
                            Some(CatalogEndpoint {
                                interface: Interface::parse(&e.interface)?,
                                region: e.region.or(e.region_id),
                                url: e.url,
                            })
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    /// Reads a Keystone v2.0 catalog (`access.serviceCatalog`), where each endpoint entry carries
    /// `publicURL`, `internalURL` and `adminURL` at once.
    pub fn from_v2(value: serde_json::Value) -> Result<Catalog, String> {
        let services: Vec<V2Service> = serde_json::from_value(value).map_err(|e| e.to_string())?;
        Ok(Catalog {
            services: services
                .into_iter()
                .map(|s| {
                    let mut endpoints = Vec::new();
                    for e in s.endpoints {
                        for (interface, url) in [
                            (Interface::Public, e.public_url),
                            (Interface::Internal, e.internal_url),
                            (Interface::Admin, e.admin_url),
                        ] {
                            if let Some(url) = url {
                                endpoints.push(CatalogEndpoint {
                                    interface,
                                    region: e.region.clone(),
                                    url,
                                });
                            }
                        }
                    }
                    CatalogService {
                        kind: s.kind,
                        name: s.name,
                        endpoints,
                    }
                })
                .collect(),
        })
    }

    /// Reads an auth 1.1 catalog (`auth.serviceCatalog`): either a v2.0-style list of
    /// `{type, name, endpoints}`, or a map from service name to its endpoint list. A map entry
    /// has no type, so its name stands in for it, except `cloudDatabases`, Rackspace's Trove,
    /// whose type is `rax:database` as in Rackspace's v2.0 catalog.
    pub fn from_auth11(value: serde_json::Value) -> Result<Catalog, String> {
        let map = match value {
            serde_json::Value::Object(map) => map,
            list @ serde_json::Value::Array(_) => return Catalog::from_v2(list),
            other => return Err(format!("expected a list or a map, got {other}")),
        };
        let list = map
            .into_iter()
            .map(|(name, endpoints)| {
                let kind = match name.as_str() {
                    "cloudDatabases" => "rax:database".to_owned(),
                    _ => name.clone(),
                };
                serde_json::json!({ "type": kind, "name": name, "endpoints": endpoints })
            })
            .collect();
        Catalog::from_v2(serde_json::Value::Array(list))
    }

    /// Returns the URL of the single endpoint that matches `filter`.
    ///
    /// Zero matches is [`AuthError::EndpointNotFound`], several is
    /// [`AuthError::AmbiguousEndpoints`]; both name what was looked for and what exists.
    pub fn select(&self, filter: &EndpointFilter) -> Result<&str, AuthError> {
        let matches: Vec<(&CatalogService, &CatalogEndpoint)> = self
            .services
            .iter()
            .filter(|s| s.kind == filter.service_type)
            .filter(|s| {
                filter
                    .service_name
                    .as_ref()
                    .is_none_or(|n| s.name.as_ref() == Some(n))
            })
            .flat_map(|s| s.endpoints.iter().map(move |e| (s, e)))
            .filter(|(_, e)| e.interface == filter.interface)
            .filter(|(_, e)| {
                filter
                    .region
                    .as_ref()
                    .is_none_or(|r| e.region.as_ref() == Some(r))
            })
            .collect();
        match matches.as_slice() {
            [(_, one)] => Ok(one.url.as_str()),
            [] => Err(AuthError::EndpointNotFound {
                wanted: filter.to_string(),
                available: self.describe(
                    self.services
                        .iter()
                        .flat_map(|s| s.endpoints.iter().map(move |e| (s, e))),
                ),
            }),
            many => Err(AuthError::AmbiguousEndpoints {
                wanted: filter.to_string(),
                count: many.len(),
                matches: self.describe(many.iter().copied()),
            }),
        }
    }

    fn describe<'a>(
        &self,
        entries: impl Iterator<Item = (&'a CatalogService, &'a CatalogEndpoint)>,
    ) -> String {
        let list: Vec<String> = entries
            .map(|(s, e)| {
                format!(
                    "{}/{} {} {} {}",
                    s.kind,
                    s.name.as_deref().unwrap_or("-"),
                    e.interface.as_str(),
                    e.region.as_deref().unwrap_or("-"),
                    e.url
                )
            })
            .collect();
        if list.is_empty() {
            "nothing".to_owned()
        } else {
            list.join(", ")
        }
    }
}

#[derive(Deserialize)]
struct V3Service {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    endpoints: Vec<V3Endpoint>,
}

#[derive(Deserialize)]
struct V3Endpoint {
    interface: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    region_id: Option<String>,
    url: String,
}

#[derive(Deserialize)]
struct V2Service {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    endpoints: Vec<V2Endpoint>,
}

#[derive(Deserialize)]
struct V2Endpoint {
    #[serde(default)]
    region: Option<String>,
    #[serde(rename = "publicURL", default)]
    public_url: Option<String>,
    #[serde(rename = "internalURL", default)]
    internal_url: Option<String>,
    #[serde(rename = "adminURL", default)]
    admin_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v3() -> Catalog {
        Catalog::from_v3(json!([
            {"type": "identity", "name": "keystone", "endpoints": [
                {"interface": "public", "region": "RegionOne", "url": "http://k/v3/"}]},
            {"type": "database", "name": "trove", "endpoints": [
                {"interface": "public", "region": "RegionOne", "url": "http://t1/v1.0/p"},
                {"interface": "internal", "region": "RegionOne", "url": "http://t1-int/v1.0/p"},
                {"interface": "public", "region": "RegionTwo", "url": "http://t2/v1.0/p"}]}
        ]))
        .unwrap()
    }

    #[test]
    fn selects_by_type_interface_and_region() {
        let c = v3();
        let mut f = EndpointFilter {
            region: Some("RegionTwo".into()),
            ..Default::default()
        };
        assert_eq!(c.select(&f).unwrap(), "http://t2/v1.0/p");
        f.region = Some("RegionOne".into());
        f.interface = Interface::Internal;
        assert_eq!(c.select(&f).unwrap(), "http://t1-int/v1.0/p");
    }

    #[test]
    fn two_regions_without_a_region_is_ambiguous() {
        let err = v3().select(&EndpointFilter::default()).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, AuthError::AmbiguousEndpoints { count: 2, .. }),
            "{text}"
        );
        assert!(text.contains("http://t1/v1.0/p") && text.contains("http://t2/v1.0/p"));
    }

    #[test]
    fn missing_service_names_what_exists() {
        let f = EndpointFilter {
            service_type: "rax:database".into(),
            ..Default::default()
        };
        let err = v3().select(&f).unwrap_err();
        assert!(matches!(err, AuthError::EndpointNotFound { .. }));
        assert!(err
            .to_string()
            .contains("identity/keystone public RegionOne http://k/v3/"));
    }

    #[test]
    fn a_service_name_separates_two_services_of_one_type() {
        let c = Catalog::from_v2(json!([
            {"type": "database", "name": "trove", "endpoints": [
                {"region": "RegionOne", "publicURL": "http://trove/v1.0/t"}]},
            {"type": "database", "name": "trove-beta", "endpoints": [
                {"region": "RegionOne", "publicURL": "http://beta/v1.0/t"}]}]))
        .unwrap();
        let mut f = EndpointFilter::default();
        let err = c.select(&f).unwrap_err();
        assert!(matches!(
            err,
            AuthError::AmbiguousEndpoints { count: 2, .. }
        ));
        assert!(
            err.to_string().contains("type=database interface=public"),
            "{err}"
        );
        f.service_name = Some("trove-beta".into());
        assert_eq!(c.select(&f).unwrap(), "http://beta/v1.0/t");
    }

    #[test]
    fn not_found_names_the_filter_and_an_empty_catalog_says_so() {
        let f = EndpointFilter {
            region: Some("RegionNine".into()),
            interface: Interface::Admin,
            ..Default::default()
        };
        let err = v3().select(&f).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("region=RegionNine") || text.contains("RegionNine"),
            "{text}"
        );
        assert!(text.contains("interface=admin"), "{text}");
        assert!(
            text.contains("database/trove public RegionTwo http://t2/v1.0/p"),
            "{text}"
        );
        let empty = Catalog::default()
            .select(&EndpointFilter::default())
            .unwrap_err();
        assert!(
            empty.to_string().ends_with("the catalog has: nothing"),
            "{empty}"
        );
    }

    #[test]
    fn interfaces_parse_in_both_spellings() {
        for (s, i) in [
            ("public", Interface::Public),
            ("publicURL", Interface::Public),
            ("internalURL", Interface::Internal),
            ("admin", Interface::Admin),
        ] {
            assert_eq!(Interface::parse(s), Some(i));
        }
        assert_eq!(Interface::parse("private"), None);
    }

    #[test]
    fn auth11_catalogs_come_as_lists_or_maps() {
        let map = Catalog::from_auth11(json!({"cloudDatabases": [
            {"region": "DFW", "publicURL": "https://dfw/v1.0/1"}]}))
        .unwrap();
        assert_eq!(map.services[0].kind, "rax:database");
        assert_eq!(map.services[0].name.as_deref(), Some("cloudDatabases"));
        let list = Catalog::from_auth11(json!([{"type": "database", "endpoints": []}])).unwrap();
        assert_eq!(list.services[0].kind, "database");
        assert!(Catalog::from_auth11(json!("x")).is_err());
    }

    #[test]
    fn v2_catalog_expands_each_entry_into_three_interfaces() {
        let c = Catalog::from_v2(json!([{"type": "database", "name": "trove", "endpoints": [
            {"region": "RegionOne", "publicURL": "http://pub/v1.0/t", "adminURL": "http://adm/v1.0/t",
             "internalURL": "http://int/v1.0/t", "tenantId": "t"}]}]))
        .unwrap();
        let mut f = EndpointFilter::default();
        assert_eq!(c.select(&f).unwrap(), "http://pub/v1.0/t");
        f.interface = Interface::Admin;
        f.service_name = Some("trove".into());
        assert_eq!(c.select(&f).unwrap(), "http://adm/v1.0/t");
        f.service_name = Some("other".into());
        assert!(c.select(&f).is_err());
    }
}
