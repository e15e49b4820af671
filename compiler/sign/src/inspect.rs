//! Reading and validating the Content Credentials of a file — ours or anyone's — into a
//! [`Report`]: who signed, what the manifest declares, whether the hard binding still matches
//! the bytes, and whether the signing chain is trusted by a trust list the caller gives.
//!
//! Validation is `c2pa`'s (the checks of the C2PA specification, §15); this module only sorts
//! its status codes into the questions a user asks. Nothing is fetched from the network: remote
//! manifests and OCSP responses are not looked up (the crate is built without an HTTP client).

use std::path::{Path, PathBuf};

use c2pa::{Context, Reader, ValidationState};
use serde::Serialize;
use serde_json::{json, Value};
use x509_parser::pem::Pem;

use crate::embed::INGREDIENT_SHA256_KEY;
use crate::error::SignError;

/// Root (or intermediate) certificates whose chains the reader trusts, from a PEM bundle.
#[derive(Clone, Debug)]
pub struct TrustList {
    path: PathBuf,
    pem: String,
    count: usize,
}

impl TrustList {
    /// Read a PEM bundle of certificates (the C2PA trust list, a company's root, a test root).
    pub fn load(path: &Path) -> Result<TrustList, SignError> {
        let bad = |reason: String| SignError::TrustList {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let mut count = 0;
        for block in Pem::iter_from_buffer(&bytes) {
            let block = block.map_err(|e| bad(format!("not a PEM bundle: {e}")))?;
            if block.label == "CERTIFICATE" {
                block
                    .parse_x509()
                    .map_err(|e| bad(format!("certificate {} cannot be parsed: {e}", count + 1)))?;
                count += 1;
            }
        }
        if count == 0 {
            return Err(bad("it holds no PEM `CERTIFICATE` block".into()));
        }
        let pem = String::from_utf8(bytes).map_err(|e| bad(e.to_string()))?;
        Ok(TrustList {
            path: path.to_path_buf(),
            pem,
            count,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Certificates in the list.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// `c2pa` settings for this crate: nothing fetched, the trust list when one is given.
pub(crate) fn reader_settings(trust: Option<&TrustList>) -> Value {
    let mut settings = json!({
        "verify": {
            "verify_after_reading": true,
            "verify_trust": trust.is_some(),
            "ocsp_fetch": false,
            "remote_manifest_fetch": false,
        },
    });
    if let Some(t) = trust {
        settings["trust"] = json!({ "trust_anchors": t.pem });
    }
    settings
}

/// Whether the manifest's hard binding (the hash of the file's bytes, C2PA §9) still matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    Match,
    /// The file's bytes changed after signing.
    Mismatch,
    /// No hard-binding assertion was validated (a malformed or unusual manifest).
    Missing,
}

/// Whether the signing certificate chains to the trust list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    Trusted,
    Untrusted,
    /// No trust list was given.
    NotChecked,
}

/// One validation status code of the active manifest (C2PA §15.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    pub code: String,
    pub explanation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signature {
    pub algorithm: Option<String>,
    /// Organisation of the issuing CA.
    pub issuer: Option<String>,
    /// Common name of the signing certificate.
    pub common_name: Option<String>,
    pub serial_number: Option<String>,
    /// From a time stamp, when the signer had one.
    pub time: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Action {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digital_source_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Titles of the ingredients the action names (`c2pa.placed` names what it placed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingredients: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IngredientReport {
    pub title: Option<String>,
    pub format: Option<String>,
    pub relationship: Option<String>,
    /// The SHA-256 the manifest binds the ingredient to (scenec's ingredients carry one).
    pub sha256: Option<String>,
    /// The label of the ingredient's own manifest, when it came with Content Credentials.
    pub manifest: Option<String>,
}

/// The Content Credentials of a file, validated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub file: PathBuf,
    /// `c2pa`'s verdict: `Invalid`, `Valid` (integrity checks pass) or `Trusted` (and the chain
    /// is trusted).
    pub state: String,
    pub binding: Binding,
    pub trust: Trust,
    /// Label of the active manifest.
    pub label: String,
    pub title: Option<String>,
    pub format: Option<String>,
    /// `name/version` of each claim generator.
    pub claim_generator: Vec<String>,
    pub signature: Signature,
    pub actions: Vec<Action>,
    pub ingredients: Vec<IngredientReport>,
    /// Labels of every assertion, in order.
    pub assertion_labels: Vec<String>,
    /// Failures of the active manifest, except `signingCredential.untrusted` when no trust list
    /// was given (then nothing was asked about trust).
    pub failures: Vec<Status>,
    pub successes: Vec<Status>,
    pub informational: Vec<Status>,
    /// The whole manifest store as `c2pa` reports it (the JSON the CAI's tools print).
    pub manifest_store: Value,
}

impl Report {
    /// The data of the first assertion labelled `label`.
    pub fn assertion(&self, label: &str) -> Option<&Value> {
        active_manifest(&self.manifest_store)?
            .get("assertions")?
            .as_array()?
            .iter()
            .find(|a| a.get("label").and_then(Value::as_str) == Some(label))?
            .get("data")
    }

    /// Signature valid, binding intact, no failure; and trusted when a trust list was given.
    pub fn is_ok(&self) -> bool {
        self.binding == Binding::Match
            && self.failures.is_empty()
            && self.state != "Invalid"
            && self.trust != Trust::Untrusted
    }
}

/// Validate the Content Credentials embedded in the file at `path`; `None` when it has none.
pub fn read_mp4(path: &Path, trust: Option<&TrustList>) -> Result<Option<Report>, SignError> {
    let unreadable = |reason: String| SignError::Read {
        path: path.to_path_buf(),
        reason,
    };
    if !path.is_file() {
        return Err(unreadable("no such file".into()));
    }
    let context = Context::new()
        .with_settings(reader_settings(trust))
        .map_err(|e| unreadable(format!("settings: {e}")))?;
    let format = c2pa::format_from_path(path).unwrap_or_else(|| crate::embed::MP4.to_string());
    let mut file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let reader = match Reader::from_context(context).with_stream(&format, &mut file) {
        Ok(r) => r,
        Err(c2pa::Error::JumbfNotFound) | Err(c2pa::Error::ProvenanceMissing) => return Ok(None),
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let store: Value = serde_json::from_str(&reader.json())
        .map_err(|e| unreadable(format!("manifest store JSON: {e}")))?;
    let label = reader
        .active_label()
        .ok_or_else(|| unreadable("the manifest store has no active manifest".into()))?
        .to_string();

    let (successes, informational, mut failures) = match reader
        .validation_results()
        .and_then(|r| r.active_manifest())
    {
        Some(codes) => (
            statuses(codes.success()),
            statuses(codes.informational()),
            statuses(codes.failure()),
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let binding = binding_of(&successes, &failures);
    let trust_state = if trust.is_none() {
        failures.retain(|f| f.code != UNTRUSTED);
        Trust::NotChecked
    } else if failures.iter().any(|f| f.code == UNTRUSTED) {
        Trust::Untrusted
    } else if successes.iter().any(|s| s.code == TRUSTED) {
        Trust::Trusted
    } else {
        Trust::Untrusted
    };
    let state = match reader.validation_state() {
        ValidationState::Invalid => "Invalid",
        ValidationState::Valid => "Valid",
        ValidationState::Trusted => "Trusted",
    };

    let manifest = active_manifest(&store).cloned().unwrap_or(Value::Null);
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let sig = manifest
        .get("signature_info")
        .cloned()
        .unwrap_or(Value::Null);
    let report = Report {
        file: path.to_path_buf(),
        state: state.to_string(),
        binding,
        trust: trust_state,
        title: text(&manifest, "title"),
        format: text(&manifest, "format"),
        claim_generator: claim_generators(&manifest),
        signature: Signature {
            algorithm: text(&sig, "alg"),
            issuer: text(&sig, "issuer"),
            common_name: text(&sig, "common_name"),
            serial_number: text(&sig, "cert_serial_number"),
            time: text(&sig, "time"),
        },
        actions: actions_of(&manifest),
        ingredients: ingredients_of(&manifest),
        assertion_labels: manifest
            .get("assertions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|a| text(a, "label")).collect())
            .unwrap_or_default(),
        label,
        failures,
        successes,
        informational,
        manifest_store: store,
    };
    Ok(Some(report))
}

const UNTRUSTED: &str = "signingCredential.untrusted";
const TRUSTED: &str = "signingCredential.trusted";

fn statuses(list: &[c2pa::validation_status::ValidationStatus]) -> Vec<Status> {
    list.iter()
        .map(|s| Status {
            code: s.code().to_string(),
            explanation: s.explanation().unwrap_or_default().to_string(),
            url: s.url().map(str::to_string),
        })
        .collect()
}

/// The hard-binding codes of C2PA §15.10: `assertion.{dataHash,bmffHash,boxesHash,
/// collectionHash}.{match,mismatch}`.
fn binding_of(successes: &[Status], failures: &[Status]) -> Binding {
    let is_binding = |code: &str, outcome: &str| {
        ["dataHash", "bmffHash", "boxesHash", "collectionHash"]
            .iter()
            .any(|kind| code == format!("assertion.{kind}.{outcome}"))
    };
    if failures.iter().any(|f| is_binding(&f.code, "mismatch")) {
        Binding::Mismatch
    } else if successes.iter().any(|s| is_binding(&s.code, "match")) {
        Binding::Match
    } else {
        Binding::Missing
    }
}

fn active_manifest(store: &Value) -> Option<&Value> {
    let label = store.get("active_manifest")?.as_str()?;
    store.get("manifests")?.get(label)
}

fn claim_generators(manifest: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(list) = manifest
        .get("claim_generator_info")
        .and_then(Value::as_array)
    {
        for g in list {
            let name = g.get("name").and_then(Value::as_str).unwrap_or("?");
            match g.get("version").and_then(Value::as_str) {
                Some(v) => out.push(format!("{name}/{v}")),
                None => out.push(name.to_string()),
            }
        }
    }
    if out.is_empty() {
        if let Some(g) = manifest.get("claim_generator").and_then(Value::as_str) {
            out.push(g.to_string());
        }
    }
    out
}

fn actions_of(manifest: &Value) -> Vec<Action> {
    let mut out = Vec::new();
    let Some(assertions) = manifest.get("assertions").and_then(Value::as_array) else {
        return out;
    };
    for a in assertions {
        let label = a.get("label").and_then(Value::as_str).unwrap_or("");
        if label != "c2pa.actions" && !label.starts_with("c2pa.actions.v") {
            continue;
        }
        let list = a
            .pointer("/data/actions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for act in list {
            let agent = match act.get("softwareAgent") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(obj @ Value::Object(_)) => {
                    let name = obj.get("name").and_then(Value::as_str).unwrap_or("?");
                    Some(match obj.get("version").and_then(Value::as_str) {
                        Some(v) => format!("{name}/{v}"),
                        None => name.to_string(),
                    })
                }
                _ => None,
            };
            out.push(Action {
                action: act
                    .get("action")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string(),
                digital_source_type: act
                    .get("digitalSourceType")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                software_agent: agent,
                description: act
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                ingredients: named_ingredients(manifest, &act),
            });
        }
    }
    out
}

/// Titles of the ingredients an action points at: each `parameters.ingredients[].url` ends in
/// the label of an ingredient assertion (`…/c2pa.ingredient.v3__2`).
fn named_ingredients(manifest: &Value, action: &Value) -> Vec<String> {
    let Some(refs) = action
        .pointer("/parameters/ingredients")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let ingredients = manifest
        .get("ingredients")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    refs.iter()
        .filter_map(|r| r.get("url").and_then(Value::as_str))
        .map(|url| {
            let label = url.rsplit('/').next().unwrap_or(url);
            ingredients
                .iter()
                .find(|i| i.get("label").and_then(Value::as_str) == Some(label))
                .and_then(|i| i.get("title").and_then(Value::as_str))
                .unwrap_or(label)
                .to_string()
        })
        .collect()
}

fn ingredients_of(manifest: &Value) -> Vec<IngredientReport> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    manifest
        .get("ingredients")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|i| IngredientReport {
                    title: text(i, "title"),
                    format: text(i, "format"),
                    relationship: text(i, "relationship"),
                    sha256: i
                        .get("metadata")
                        .and_then(|m| m.get(INGREDIENT_SHA256_KEY))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    manifest: text(i, "active_manifest"),
                })
                .collect()
        })
        .unwrap_or_default()
}
