//! The part of the SARIF 2.1.0 object model an import reads. Every field is
//! optional or defaulted: producers differ in what they fill in, and a
//! missing field must not reject a whole file.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct Log {
    pub version: Option<String>,
    pub runs: Vec<Run>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Run {
    pub tool: Tool,
    #[serde(default)]
    pub results: Option<Vec<ResultObject>>,
    #[serde(default)]
    pub original_uri_base_ids: BTreeMap<String, ArtifactLocation>,
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Driver {
    pub name: String,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub global_message_strings: BTreeMap<String, MultiformatMessage>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Rule {
    pub id: Option<String>,
    pub short_description: Option<MultiformatMessage>,
    pub default_configuration: Option<Configuration>,
    #[serde(default)]
    pub message_strings: BTreeMap<String, MultiformatMessage>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Configuration {
    pub level: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct MultiformatMessage {
    pub text: Option<String>,
    pub markdown: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct Message {
    pub text: Option<String>,
    pub markdown: Option<String>,
    pub id: Option<String>,
    #[serde(default)]
    pub arguments: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ResultObject {
    pub rule_id: Option<String>,
    pub rule_index: Option<usize>,
    pub rule: Option<RuleReference>,
    pub level: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub message: Message,
    #[serde(default)]
    pub locations: Vec<Location>,
    #[serde(default)]
    pub fingerprints: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub partial_fingerprints: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RuleReference {
    pub id: Option<String>,
    pub index: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Location {
    pub physical_location: Option<PhysicalLocation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PhysicalLocation {
    pub artifact_location: Option<ArtifactLocation>,
    pub region: Option<Region>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ArtifactLocation {
    pub uri: Option<String>,
    pub uri_base_id: Option<String>,
    pub index: Option<usize>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Artifact {
    pub location: Option<ArtifactLocation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Region {
    pub start_line: Option<u64>,
    pub snippet: Option<ArtifactContent>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ArtifactContent {
    pub text: Option<String>,
}
