//! Signing an MP4: a C2PA manifest built from a [`ManifestSpec`], signed with [`Credentials`]
//! and embedded in the file, which is written under a temporary name, read back and validated,
//! and only then renamed over the destination.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use c2pa::{Builder, BuilderIntent, Context, DigitalSourceType, Ingredient, Reader};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::credentials::Credentials;
use crate::error::SignError;
use crate::inspect::{reader_settings, Binding};
use crate::manifest::{ManifestSpec, Relationship};

/// The MIME type of everything this crate signs.
pub const MP4: &str = "video/mp4";

/// Key of the SHA-256 (hex) of an ingredient's bytes in its assertion's `metadata`.
pub const INGREDIENT_SHA256_KEY: &str = "org.scenec.sha256";

/// What signing produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub output: PathBuf,
    /// The label of the new manifest (`urn:c2pa:…`).
    pub manifest_label: String,
    /// Size of the embedded manifest store in bytes.
    pub manifest_bytes: usize,
}

/// Sign the MP4 at `source` and write the signed file to `dest` (which may be `source`).
///
/// `dest` never holds a half-written or unverified file: the signed bytes go to
/// `DEST.tmp-sign-PID` beside it, are read back with `c2pa`'s own validator (the signature, the
/// hard binding and every assertion hash must check out; only trust, which needs the reader's
/// trust list, is not asked for), and are then renamed into place.
pub fn sign_mp4(
    source: &Path,
    dest: &Path,
    spec: &ManifestSpec,
    credentials: &Credentials,
) -> Result<Signed, SignError> {
    let fail = |reason: String| SignError::Sign {
        path: dest.to_path_buf(),
        reason,
    };
    let mut builder = builder_for(spec).map_err(&fail)?;
    add_ingredients(&mut builder, spec).map_err(&fail)?;
    let signer = c2pa::create_signer::from_keys(
        &credentials.chain_pem,
        &credentials.key_pem,
        credentials.algorithm().c2pa(),
        None,
    )
    .map_err(|e| fail(format!("the credentials cannot sign: {e}")))?;

    let temp = temp_path(dest)?;
    let result = (|| {
        let mut input = File::open(source).map_err(|e| SignError::io(source, e))?;
        let mut output = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| SignError::io(&temp, e))?;
        let manifest = builder
            .sign(signer.as_ref(), MP4, &mut input, &mut output)
            .map_err(|e| fail(e.to_string()))?;
        output.sync_all().map_err(|e| SignError::io(&temp, e))?;
        drop(output);
        let label = check_signed(&temp).map_err(&fail)?;
        std::fs::rename(&temp, dest).map_err(|e| SignError::io(dest, e))?;
        Ok(Signed {
            output: dest.to_path_buf(),
            manifest_label: label,
            manifest_bytes: manifest.len(),
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `DEST.tmp-sign-PID`, beside `dest` so that the rename cannot cross file systems (the
/// project's `.gitignore` knows `*.mp4.tmp*`).
fn temp_path(dest: &Path) -> Result<PathBuf, SignError> {
    let name = dest
        .file_name()
        .ok_or_else(|| SignError::io(dest, "not a file path"))?
        .to_string_lossy();
    Ok(dest.with_file_name(format!("{name}.tmp-sign-{}", std::process::id())))
}

fn builder_for(spec: &ManifestSpec) -> Result<Builder, String> {
    let source_type: DigitalSourceType = serde_json::from_value(json!(spec.source_type.uri()))
        .map_err(|e| format!("digital source type {}: {e}", spec.source_type.uri()))?;
    let mut created = json!({
        "action": "c2pa.created",
        "digitalSourceType": spec.source_type.uri(),
        "softwareAgent": { "name": spec.generator_name, "version": spec.generator_version },
    });
    if let Some(description) = &spec.description {
        created["description"] = json!(description);
    }
    let inputs: Vec<String> = ingredient_ids(spec, Relationship::Input);
    if !inputs.is_empty() {
        created["parameters"] = json!({ "ingredientIds": inputs });
    }
    let mut actions = vec![created];
    for id in ingredient_ids(spec, Relationship::Component) {
        actions.push(json!({
            "action": "c2pa.placed",
            "parameters": { "ingredientIds": [id] },
        }));
    }
    let mut assertions = vec![json!({
        "label": "c2pa.actions.v2",
        "data": { "actions": actions, "allActionsIncluded": true },
    })];
    // Custom assertions are stored as JSON, as given: the SDK's JSON-to-CBOR conversion
    // refuses integers above i64::MAX (scenec's seeds are u64), and JSON keeps every number
    // exactly as the caller wrote it. They are the signer's own statements ("created").
    for a in &spec.assertions {
        assertions.push(json!({
            "label": a.label,
            "data": a.data,
            "kind": "Json",
            "created": true,
        }));
    }
    let definition = json!({
        "claim_generator_info": [{ "name": spec.generator_name, "version": spec.generator_version }],
        "title": spec.title,
        "format": MP4,
        "assertions": assertions,
    });
    let context = Context::new()
        .with_settings(reader_settings(None))
        .map_err(|e| format!("settings: {e}"))?;
    let mut builder = Builder::from_context(context)
        .with_definition(definition)
        .map_err(|e| format!("manifest definition: {e}"))?;
    builder.set_intent(BuilderIntent::Create(source_type));
    Ok(builder)
}

/// Ingredients are named in actions by their position: `ingredient-3`.
fn ingredient_id(index: usize) -> String {
    format!("ingredient-{index}")
}

fn ingredient_ids(spec: &ManifestSpec, relationship: Relationship) -> Vec<String> {
    spec.ingredients
        .iter()
        .enumerate()
        .filter(|(_, i)| i.relationship == relationship)
        .map(|(n, _)| ingredient_id(n))
        .collect()
}

fn add_ingredients(builder: &mut Builder, spec: &ManifestSpec) -> Result<(), String> {
    let readable = Reader::supported_mime_types();
    for (n, ingredient) in spec.ingredients.iter().enumerate() {
        let actual = file_sha256(&ingredient.path)
            .map_err(|e| format!("ingredient {}: {e}", ingredient.title))?;
        if actual != ingredient.sha256 {
            return Err(format!(
                "ingredient {} changed since the render read it (SHA-256 {actual}, expected {})",
                ingredient.title, ingredient.sha256
            ));
        }
        let definition = json!({
            "title": ingredient.title,
            "format": ingredient.format,
            "relationship": ingredient.relationship.c2pa_name(),
            "label": ingredient_id(n),
            "instance_id": format!("sha256:{}", ingredient.sha256),
            "metadata": { INGREDIENT_SHA256_KEY: ingredient.sha256 },
        })
        .to_string();
        // Formats `c2pa` reads may carry Content Credentials of their own (a keyframe made by
        // a generative tool, a base film signed by an earlier render): read through the file so
        // that they are kept, validated, as the ingredient's manifest.
        let carried = if readable.iter().any(|m| *m == ingredient.format) {
            File::open(&ingredient.path)
                .map_err(|e| e.to_string())
                .and_then(|mut f| {
                    builder
                        .add_ingredient_from_stream(definition.clone(), &ingredient.format, &mut f)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })
                .is_ok()
        } else {
            false
        };
        if !carried {
            let plain = Ingredient::from_json(&definition)
                .map_err(|e| format!("ingredient {}: {e}", ingredient.title))?;
            builder.add_ingredient(plain);
        }
    }
    Ok(())
}

fn file_sha256(path: &Path) -> Result<String, String> {
    let mut file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Read the freshly signed file back: its manifest must validate apart from trust.
fn check_signed(path: &Path) -> Result<String, String> {
    let report = crate::inspect::read_mp4(path, None)
        .map_err(|e| format!("reading the signed file back: {e}"))?
        .ok_or("the signed file holds no manifest")?;
    if report.binding != Binding::Match {
        return Err(format!(
            "the signed file's hard binding does not verify ({:?})",
            report.binding
        ));
    }
    if let Some(f) = report.failures.first() {
        return Err(format!(
            "the signed file does not validate: {} {}",
            f.code, f.explanation
        ));
    }
    Ok(report.label)
}
