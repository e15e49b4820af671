//! `scenec farm status FILE [--cache URL] [--json]`: where every shot of a farm render stands in
//! the shared cache — done, leased (by which worker, since when, and whether the lease has
//! expired) or missing.
//!
//! It computes each shot's key as a worker would (so it needs the workers' `--backend` and
//! model options) and reads only entries (a `continues` shot's key holds its upstream's last
//! frame) and leases; it renders nothing and takes no lease. A cache directory that does not
//! exist yet is an empty cache (every shot missing), not created. Reading an entry is a use of
//! it, as for any reader (`cache gc` evicts the least recently used), and a damaged entry is
//! removed so that its shot renders again.
//!
//! Exit codes: 0 every shot is done (an `--assemble-only` will succeed); 3 some shot is not;
//! 1 the script has errors; 2 the cache cannot be read.

use std::sync::atomic::AtomicBool;

use scene_render::cache::LeaseInfo;
use scene_render::encode::EncodeSettings;
use scene_render::pipeline::{shot_states, NoProgress, ShotRenderOptions, ShotState};

use crate::args::FarmStatusArgs;
use crate::commands::render::{make_backend, open_cache_to_read, ModelSettings};
use crate::exit::{tool_error, Outcome};
use crate::load;

pub fn run(args: &FarmStatusArgs) -> Outcome {
    if let Err(outcome) = load::require_entry(&args.file) {
        return outcome;
    }
    let Some((checked, plan)) = load::plan(&args.file) else {
        return Outcome::Failed;
    };
    let backend = match make_backend(
        args.backend,
        args.model_dir.as_deref(),
        ModelSettings {
            steps: args.steps,
            text_encoder_dtype: args.text_encoder_dtype,
        },
        &checked.project_root,
    ) {
        Ok(b) => b,
        Err(e) => return tool_error(e),
    };
    let store = match open_cache_to_read(args.cache.as_deref(), &checked.project_root) {
        Ok(store) => store,
        Err(e) => return tool_error(e),
    };
    let encode = EncodeSettings::default();
    let states = match shot_states(
        &plan.schedule,
        backend.as_ref(),
        &ShotRenderOptions {
            project_root: &checked.project_root,
            store: store.as_ref(),
            jobs: 1,
            progress: &NoProgress,
            cancel: &AtomicBool::new(false),
            encode: &encode,
        },
    ) {
        Ok(states) => states,
        Err(e) => return tool_error(e),
    };
    let now = scene_render::cache::lease::now_ms();
    let cache = args.cache.clone().unwrap_or_else(|| {
        crate::commands::render::cache_dir(&checked.project_root)
            .display()
            .to_string()
    });
    if args.json {
        println!("{}", json(&plan.schedule.title, &cache, &states, now));
    } else {
        print!("{}", table(&states, now));
        println!("{} (cache {cache})", summary(&states, now));
    }
    if states
        .iter()
        .all(|(_, s)| matches!(s, ShotState::Done { .. }))
    {
        Outcome::Success
    } else {
        Outcome::Incomplete
    }
}

fn state_name(state: &ShotState) -> &'static str {
    match state {
        ShotState::Done { .. } => "done",
        ShotState::Leased { .. } => "leased",
        ShotState::Missing { .. } => "missing",
    }
}

fn lease_of(state: &ShotState) -> Option<&LeaseInfo> {
    match state {
        ShotState::Leased { lease, .. } => Some(lease),
        _ => None,
    }
}

/// `3 shots: 1 done, 1 leased (1 expired), 1 missing`.
fn summary(states: &[(String, ShotState)], now: u64) -> String {
    let count = |name: &str| states.iter().filter(|(_, s)| state_name(s) == name).count();
    let expired = states
        .iter()
        .filter_map(|(_, s)| lease_of(s))
        .filter(|l| l.expired_at(now))
        .count();
    format!(
        "{} shot{}: {} done, {} leased{}, {} missing",
        states.len(),
        if states.len() == 1 { "" } else { "s" },
        count("done"),
        count("leased"),
        if expired > 0 {
            format!(" ({expired} expired: their workers stopped renewing; the next worker takes them over)")
        } else {
            String::new()
        },
        count("missing"),
    )
}

/// One line per shot: name, state, worker, since when, and the lease's expiry or what a
/// missing shot waits for.
fn table(states: &[(String, ShotState)], now: u64) -> String {
    let mut rows = vec![[
        "SHOT".to_string(),
        "STATE".into(),
        "WORKER".into(),
        "SINCE (UTC)".into(),
        "NOTE".into(),
    ]];
    for (name, state) in states {
        let (worker, since, note) = match state {
            ShotState::Done { .. } => (String::new(), String::new(), String::new()),
            ShotState::Leased { lease, .. } => (
                lease.holder.clone(),
                lease
                    .since_ms
                    .map(|s| format!("{} ({} ago)", utc(s), seconds(now.saturating_sub(s))))
                    .unwrap_or_else(|| "-".into()),
                if lease.expired_at(now) {
                    format!(
                        "lease expired {} ago",
                        seconds(now.saturating_sub(lease.expires_ms))
                    )
                } else {
                    format!(
                        "lease expires in {}",
                        seconds(lease.expires_ms.saturating_sub(now))
                    )
                },
            ),
            ShotState::Missing { waits_for, .. } => (
                String::new(),
                String::new(),
                waits_for
                    .as_ref()
                    .map(|u| format!("waits for `{u}`"))
                    .unwrap_or_default(),
            ),
        };
        rows.push([
            name.clone(),
            state_name(state).to_string(),
            worker,
            since,
            note,
        ]);
    }
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The machine-readable status: one object, keys sorted.
fn json(title: &str, cache: &str, states: &[(String, ShotState)], now: u64) -> serde_json::Value {
    let shots: Vec<serde_json::Value> = states
        .iter()
        .map(|(name, state)| {
            let key = match state {
                ShotState::Done { key } | ShotState::Leased { key, .. } => Some(key.hex()),
                ShotState::Missing { key, .. } => key.map(|k| k.hex()),
            };
            let mut shot = serde_json::json!({
                "name": name,
                "state": state_name(state),
                "key": key,
            });
            if let Some(lease) = lease_of(state) {
                shot["holder"] = lease.holder.clone().into();
                shot["since_ms"] = lease.since_ms.into();
                shot["expires_ms"] = lease.expires_ms.into();
                shot["expired"] = lease.expired_at(now).into();
            }
            if let ShotState::Missing {
                waits_for: Some(upstream),
                ..
            } = state
            {
                shot["waits_for"] = upstream.clone().into();
            }
            shot
        })
        .collect();
    let count = |name: &str| states.iter().filter(|(_, s)| state_name(s) == name).count();
    let mut v = serde_json::json!({
        "film": title,
        "cache": cache,
        "now_ms": now,
        "done": count("done"),
        "leased": count("leased"),
        "missing": count("missing"),
        "shots": shots,
    });
    v.sort_all_objects();
    v
}

/// `95s`, `4m05s`, `2h03m`.
fn seconds(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

/// Unix milliseconds as `2026-12-05 02:10:03` (UTC).
fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, proleptic Gregorian).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(utc(1_796_436_603_000), "2026-12-05 02:10:03");
    }

    #[test]
    fn durations() {
        assert_eq!(seconds(999), "0s");
        assert_eq!(seconds(95_000), "1m35s");
        assert_eq!(seconds(7_380_000), "2h03m");
    }
}
