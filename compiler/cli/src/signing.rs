//! Signing renders with C2PA Content Credentials: where the credentials come from (flags, the
//! environment, `scene.toml`), checking them before any rendering, and mapping a finished
//! render's provenance sidecar onto the manifest that `scene-sign` embeds.
//!
//! The scenec assertion (`org.scenec.provenance`) is the sidecar itself, parsed from the bytes
//! the render wrote, so the two cannot disagree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scene_sign::{
    Assertion, CredentialError, Credentials, IngredientFile, ManifestSpec, Relationship, Signed,
    SourceType,
};

use crate::args::{BackendName, SignArgs};

/// Environment variables that name the credentials (for CI secrets).
pub const ENV_CERT: &str = "SCENEC_SIGN_CERT";
pub const ENV_KEY: &str = "SCENEC_SIGN_KEY";

/// Label of the assertion that carries the render's provenance sidecar.
pub const SCENEC_ASSERTION: &str = "org.scenec.provenance";

/// Code of a signing configuration that is incomplete or malformed.
const E_CONFIG: &str = "E1007";

/// Why a render cannot be signed, found before rendering.
#[derive(Debug)]
pub struct SignSetupError {
    pub code: &'static str,
    pub message: String,
}

impl From<CredentialError> for SignSetupError {
    fn from(e: CredentialError) -> Self {
        SignSetupError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

fn config_error(message: impl Into<String>) -> SignSetupError {
    SignSetupError {
        code: E_CONFIG,
        message: message.into(),
    }
}

/// Where one path of the credentials was found, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Flag,
    Env,
    SceneToml,
}

/// The credentials to sign with, checked, or `None` when nothing asks for signing.
pub fn credentials(
    args: &SignArgs,
    project_root: &Path,
) -> Result<Option<Credentials>, SignSetupError> {
    if args.no_sign {
        return Ok(None);
    }
    let mut cert = pick(args.sign_cert.as_deref(), ENV_CERT);
    let mut key = pick(args.sign_key.as_deref(), ENV_KEY);
    // scene.toml is read only when it could still name something, so that a project whose
    // scene.toml does not parse still renders with credentials from the flags or environment.
    if cert.is_none() || key.is_none() {
        let toml = scene_toml_paths(project_root)?;
        cert = cert.or(toml.cert.map(|p| (p, Origin::SceneToml)));
        key = key.or(toml.key.map(|p| (p, Origin::SceneToml)));
    }
    match (cert, key) {
        (None, None) => Ok(None),
        (Some((cert, _)), Some((key, _))) => Ok(Some(Credentials::load(&cert, &key)?)),
        (Some((_, origin)), None) => Err(config_error(format!(
            "a signing certificate is given ({}) but no key: add --sign-key KEY.pem, set {ENV_KEY} \
             or `key` under [sign] in scene.toml (or --no-sign to render unsigned)",
            describe(origin, "--sign-cert", ENV_CERT, "cert")
        ))),
        (None, Some((_, origin))) => Err(config_error(format!(
            "a signing key is given ({}) but no certificate: add --sign-cert CHAIN.pem, set \
             {ENV_CERT} or `cert` under [sign] in scene.toml (or --no-sign to render unsigned)",
            describe(origin, "--sign-key", ENV_KEY, "key")
        ))),
    }
}

fn describe(origin: Origin, flag: &str, env: &str, key: &str) -> String {
    match origin {
        Origin::Flag => flag.to_string(),
        Origin::Env => format!("${env}"),
        Origin::SceneToml => format!("`{key}` under [sign] in scene.toml"),
    }
}

/// The flag, else a non-empty environment variable (an unset CI secret is often an empty
/// string).
fn pick(flag: Option<&Path>, env: &str) -> Option<(PathBuf, Origin)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), Origin::Flag));
    }
    std::env::var_os(env)
        .filter(|v| !v.is_empty())
        .map(|v| (PathBuf::from(v), Origin::Env))
}

#[derive(Default)]
struct TomlPaths {
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

/// `[sign]` in the project's `scene.toml`: `cert = "…"`, `key = "…"`, relative to the project
/// root and inside it, like every path a project names.
fn scene_toml_paths(project_root: &Path) -> Result<TomlPaths, SignSetupError> {
    let path = project_root.join("scene.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(TomlPaths::default());
    };
    let table: toml::Table = text
        .parse()
        .map_err(|e| config_error(format!("{}: {e}", path.display())))?;
    let Some(sign) = table.get("sign") else {
        return Ok(TomlPaths::default());
    };
    let sign = sign
        .as_table()
        .ok_or_else(|| config_error(format!("{}: `sign` must be a table", path.display())))?;
    let mut out = TomlPaths::default();
    for (name, value) in sign {
        let slot = match name.as_str() {
            "cert" => &mut out.cert,
            "key" => &mut out.key,
            other => {
                return Err(config_error(format!(
                    "{}: unknown key `sign.{other}` (expected `cert` and `key`)",
                    path.display()
                )))
            }
        };
        let rel = value.as_str().ok_or_else(|| {
            config_error(format!(
                "{}: `sign.{name}` must be a path in quotes",
                path.display()
            ))
        })?;
        *slot = Some(inside_project(project_root, &path, name, rel)?);
    }
    Ok(out)
}

fn inside_project(
    root: &Path,
    toml: &Path,
    name: &str,
    rel: &str,
) -> Result<PathBuf, SignSetupError> {
    let joined = root.join(rel);
    // A missing file is reported by the credential check, with its path; only a file that
    // exists can be followed through symlinks.
    let resolved = joined.canonicalize().unwrap_or_else(|_| joined.clone());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let escapes = Path::new(rel).is_absolute()
        || Path::new(rel)
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
        || !resolved.starts_with(&root);
    if escapes {
        return Err(config_error(format!(
            "{}: `sign.{name}` = \"{rel}\" is outside the project; scene.toml names files \
             inside it (use --sign-{name} or ${} for a file elsewhere)",
            toml.display(),
            if name == "cert" { ENV_CERT } else { ENV_KEY }
        )));
    }
    Ok(joined)
}

/// The IPTC digital source type that is true of a backend's pictures (docs/provenance.md says
/// why each).
pub fn source_type(backend: BackendName) -> SourceType {
    match backend {
        BackendName::Previz => SourceType::AlgorithmicMedia,
        BackendName::Ltx | BackendName::Ltx2 => SourceType::TrainedAlgorithmicMedia,
    }
}

/// MIME type of an asset, from its extension (the checker has already read its content).
fn mime_of(path: &str) -> &'static str {
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("wav") => "audio/wav",
        Some("mp3") => "audio/mpeg",
        Some("ogg") => "audio/ogg",
        Some("flac") => "audio/flac",
        Some("mp4") => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// The manifest of a render, from its provenance sidecar (`provenance_json`, as written).
///
/// Ingredients are the files the sidecar lists, once each: pictures drawn into the frames
/// (previz insets of image keyframes) and sounds in the mix are components; pictures a model
/// is conditioned on, and reference pictures, are inputs.
pub fn manifest_for(
    provenance_json: &str,
    backend: BackendName,
    project_root: &Path,
) -> Result<ManifestSpec, String> {
    let sidecar: serde_json::Value = serde_json::from_str(provenance_json)
        .map_err(|e| format!("the provenance sidecar is not JSON: {e}"))?;
    let text = |v: &serde_json::Value, key: &str| -> Result<String, String> {
        v.get(key)
            .and_then(|x| x.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("the provenance sidecar has no `{key}`"))
    };
    let mut files: BTreeMap<String, (String, Relationship)> = BTreeMap::new();
    let mut add = |path: String, sha: String, rel: Relationship| {
        let entry = files.entry(path).or_insert((sha, rel));
        if rel == Relationship::Component {
            entry.1 = Relationship::Component;
        }
    };
    for shot in sidecar
        .get("shots")
        .and_then(|s| s.as_array())
        .ok_or("the provenance sidecar has no `shots`")?
    {
        for input in shot
            .get("inputs")
            .and_then(|i| i.as_array())
            .into_iter()
            .flatten()
        {
            let role = text(input, "role")?;
            let rel = match (backend, role.as_str()) {
                (BackendName::Previz, "image") => Relationship::Component,
                _ => Relationship::Input,
            };
            add(text(input, "path")?, text(input, "sha256")?, rel);
        }
    }
    for audio in sidecar
        .get("audio")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
    {
        add(
            text(audio, "path")?,
            text(audio, "sha256")?,
            Relationship::Component,
        );
    }
    let backend_id = sidecar.get("backend").cloned().unwrap_or_default();
    let backend_name = text(&backend_id, "name").unwrap_or_else(|_| "?".into());
    let weights = text(&backend_id, "weights_fingerprint").unwrap_or_default();
    let description = if weights.is_empty() {
        format!("rendered from a .scene screenplay by scenec's {backend_name} backend")
    } else {
        format!(
            "rendered from a .scene screenplay by scenec's {backend_name} backend (weights {weights})"
        )
    };
    Ok(ManifestSpec {
        title: text(&sidecar, "title")?,
        generator_name: "scenec".into(),
        generator_version: env!("CARGO_PKG_VERSION").into(),
        source_type: source_type(backend),
        description: Some(description),
        ingredients: files
            .into_iter()
            .map(|(path, (sha256, relationship))| IngredientFile {
                path: project_root.join(&path),
                format: mime_of(&path).into(),
                title: path,
                sha256,
                relationship,
            })
            .collect(),
        assertions: vec![Assertion {
            label: SCENEC_ASSERTION.into(),
            data: sidecar,
        }],
    })
}

/// Sign a finished render in place.
pub fn sign_render(
    output: &Path,
    provenance: &Path,
    backend: BackendName,
    project_root: &Path,
    credentials: &Credentials,
) -> Result<Signed, SignSetupError> {
    let fail = |message: String| SignSetupError {
        code: "E1009",
        message,
    };
    let json = std::fs::read_to_string(provenance)
        .map_err(|e| fail(format!("cannot read {}: {e}", provenance.display())))?;
    let spec = manifest_for(&json, backend, project_root).map_err(fail)?;
    scene_sign::sign_mp4(output, output, &spec, credentials).map_err(|e| SignSetupError {
        code: e.code(),
        message: format!("{e}; {} is the film unsigned", output.display()),
    })
}
