//! `scenec provenance FILE [--format text|json] [--trust ROOTS.pem]`: read and validate the
//! Content Credentials of a file, ours or anyone's.
//!
//! Exit codes: 0 the credentials are valid (signature, hard binding, every assertion) and, with
//! `--trust`, the chain is trusted; 1 the file has none, or they fail a check; 2 the tool failed
//! (an unreadable file or trust list).

use std::fmt::Write as _;

use scene_sign::{read_mp4, Binding, Report, Trust, TrustList};

use crate::args::{ProvenanceArgs, ReportFormat};
use crate::exit::{coded_error, Outcome};
use crate::signing::SCENEC_ASSERTION;

pub fn run(args: &ProvenanceArgs) -> Outcome {
    let trust = match args.trust.as_deref().map(TrustList::load).transpose() {
        Ok(t) => t,
        Err(e) => return coded_error(e.code(), e, None),
    };
    let report = match read_mp4(&args.file, trust.as_ref()) {
        Ok(r) => r,
        Err(e) => return coded_error(e.code(), e, None),
    };
    let Some(report) = report else {
        match args.format {
            ReportFormat::Json => crate::out::println(
                &serde_json::json!({ "file": args.file, "credentials": null }).to_string(),
            ),
            ReportFormat::Text => {
                crate::out::println(&format!("{}: no Content Credentials", args.file.display()))
            }
        }
        return Outcome::Failed;
    };
    match args.format {
        ReportFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(s) => crate::out::println(&s),
            Err(e) => return crate::exit::tool_error(format!("cannot print the report: {e}")),
        },
        ReportFormat::Text => crate::out::println(text(&report, trust.as_ref()).trim_end()),
    }
    if report.is_ok() {
        Outcome::Success
    } else {
        Outcome::Failed
    }
}

/// The last segment of an IPTC digital source type URI (`trainedAlgorithmicMedia`).
fn short_source_type(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

fn text(r: &Report, trust: Option<&TrustList>) -> String {
    let mut out = String::new();
    let verdict = if r.is_ok() { "valid" } else { "NOT valid" };
    let _ = writeln!(out, "{}: Content Credentials {verdict}", r.file.display());
    let row = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(out, "  {name:<12} {value}");
    };
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    row(&mut out, "manifest", &r.label);
    row(&mut out, "title", &or_dash(&r.title));
    row(&mut out, "generator", &r.claim_generator.join(", "));
    let signer = format!(
        "{} (issued by {}), {}",
        or_dash(&r.signature.common_name),
        or_dash(&r.signature.issuer),
        r.signature
            .algorithm
            .as_deref()
            .map(str::to_ascii_uppercase)
            .unwrap_or_else(|| "-".into())
    );
    row(&mut out, "signed by", &signer);
    row(
        &mut out,
        "time stamp",
        r.signature
            .time
            .as_deref()
            .unwrap_or("none (the certificate's validity is judged when the file is read)"),
    );
    row(
        &mut out,
        "binding",
        match r.binding {
            Binding::Match => "the file's bytes match the signature",
            Binding::Mismatch => "MISMATCH: the file changed after it was signed",
            Binding::Missing => "MISSING: no hard binding was validated",
        },
    );
    let trust_line = match (r.trust, trust) {
        (Trust::Trusted, Some(t)) => format!("trusted ({})", t.path().display()),
        (Trust::Untrusted, Some(t)) => format!(
            "NOT trusted: the chain does not lead to a certificate in {}",
            t.path().display()
        ),
        (Trust::NotChecked, _) | (_, None) => {
            "not checked (give --trust ROOTS.pem to check the chain)".into()
        }
    };
    row(&mut out, "trust", &trust_line);
    for (i, a) in r.actions.iter().enumerate() {
        let mut line = a.action.clone();
        if let Some(t) = &a.digital_source_type {
            let _ = write!(line, " — {}", short_source_type(t));
        }
        if let Some(agent) = &a.software_agent {
            let _ = write!(line, " by {agent}");
        }
        if let Some(d) = &a.description {
            let _ = write!(line, ": {d}");
        }
        if !a.ingredients.is_empty() {
            let _ = write!(line, " {}", a.ingredients.join(", "));
        }
        row(&mut out, if i == 0 { "actions" } else { "" }, &line);
    }
    for (i, ing) in r.ingredients.iter().enumerate() {
        let mut line = format!(
            "{} ({}, {})",
            or_dash(&ing.title),
            or_dash(&ing.format),
            or_dash(&ing.relationship)
        );
        if let Some(sha) = &ing.sha256 {
            let _ = write!(line, " sha256 {sha}");
        }
        if let Some(m) = &ing.manifest {
            let _ = write!(line, ", with its own credentials {m}");
        }
        row(&mut out, if i == 0 { "ingredients" } else { "" }, &line);
    }
    row(&mut out, "assertions", &r.assertion_labels.join(", "));
    if let Some(s) = r.assertion(SCENEC_ASSERTION) {
        scenec_rows(&mut out, s);
    }
    for (i, f) in r.failures.iter().enumerate() {
        row(
            &mut out,
            if i == 0 { "failures" } else { "" },
            &format!("{}: {}", f.code, f.explanation),
        );
    }
    out
}

/// What scenec's own assertion says: the hashes that tie the film to its script and schedule.
fn scenec_rows(out: &mut String, s: &serde_json::Value) {
    let get = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .map(|x| match x {
                serde_json::Value::String(t) => t.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| "-".into())
    };
    let row = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(out, "  {name:<12} {value}");
    };
    row(
        out,
        "script",
        &format!("sha256 {}", get(s, "script_sha256")),
    );
    row(
        out,
        "schedule",
        &format!("sha256 {}", get(s, "schedule_sha256")),
    );
    if let Some(b) = s.get("backend") {
        let mut line = get(b, "name");
        let weights = get(b, "weights_fingerprint");
        if !weights.is_empty() && weights != "-" {
            let _ = write!(line, ", weights {weights}");
        }
        let _ = write!(line, " ({})", get(b, "settings"));
        row(out, "backend", &line);
    }
    if let Some(shots) = s.get("shots").and_then(|v| v.as_array()) {
        for (i, shot) in shots.iter().enumerate() {
            row(
                out,
                if i == 0 { "shots" } else { "" },
                &format!(
                    "{} seed {} schedule {}",
                    get(shot, "name"),
                    get(shot, "seed"),
                    get(shot, "schedule_sha256")
                ),
            );
        }
    }
}
